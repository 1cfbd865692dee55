import Foundation

/// `metadata.managedFields` as kube-apiserver keeps them for non-apply writes: one `Update` entry per field
/// manager (the `fieldManager` query parameter, else the User-Agent up to its first `/`), with the time of its last
/// write and the fields it set (FieldsV1). Lists are owned whole here (kube-apiserver tracks their items with
/// `k:`/`v:` keys), which keeps the size and shape close enough for the caches and memory figures that read it.
extension ObjectStore {
    /// The field manager of the write in progress (set by the HTTP handler; in-process writes use "simulator").
    @TaskLocal static var fieldManager = "simulator"

    /// The manager kube-apiserver would record for a request.
    static func fieldManager(query: String?, userAgent: String?) -> String {
        if let query, !query.isEmpty { return query }
        let agent = userAgent?.split(separator: "/", maxSplits: 1).first.map(String.init) ?? ""
        return agent.isEmpty ? "unknown" : String(agent.prefix(128))
    }

    /// `current`'s entries with the writer's replaced by one for `object`'s fields, at `now`.
    static func managedFields(
        _ current: JSONValue?, writing object: JSONValue, resource: ResourceType, at now: String
    ) -> JSONValue {
        let manager = fieldManager
        var entries = (current?.arrayValue ?? []).filter {
            $0.value(at: ["manager"])?.stringValue != manager || $0.value(at: ["operation"])?.stringValue != "Update"
        }
        entries.append([
            "manager": .string(manager), "operation": "Update", "apiVersion": .string(resource.apiVersion),
            "time": .string(now), "fieldsType": "FieldsV1", "fieldsV1": fieldSet(object, top: true),
        ])
        return .array(entries)
    }

    /// FieldsV1 of an object: `{"f:name": {...}}` per member, `{}` for a leaf or a list; server-owned metadata
    /// and the type fields left out.
    static func fieldSet(_ value: JSONValue, top: Bool = false, inMetadata: Bool = false) -> JSONValue {
        guard case .object(let members) = value else { return [:] }
        var set: [String: JSONValue] = [:]
        for (key, member) in members {
            if top && ["apiVersion", "kind", "status"].contains(key) { continue }
            if inMetadata && Self.serverOwnedMetadata.contains(key) { continue }
            set["f:" + key] = fieldSet(member, inMetadata: top && key == "metadata")
        }
        return .object(set)
    }

    static let serverOwnedMetadata: Set<String> = [
        "name", "namespace", "uid", "resourceVersion", "generation", "creationTimestamp", "deletionTimestamp",
        "deletionGracePeriodSeconds", "managedFields", "selfLink",
    ]
}
