import Foundation
import KubernetesSimulator

/// Raw JSON access to the simulated cluster, below any typed client: garbage that the typed model could not even
/// express (nameless or numeric `imagePullSecrets` entries) can be seeded, and "nothing else changed" can be
/// checked on the stored objects themselves.
enum SimulatorObjects {
    /// Every Secret and ServiceAccount in every namespace, as sorted-key JSON, by `secrets/NS/NAME` and
    /// `serviceaccounts/NS/NAME`.
    static func snapshot(_ kube: KubernetesSimulator) -> [String: String] {
        var objects: [String: String] = [:]
        for (resource, prefix) in [(ResourceType.secrets, "secrets"), (.serviceAccounts, "serviceaccounts")] {
            for object in kube.objects(resource) {
                let namespace = object.value(at: ["metadata", "namespace"])?.stringValue ?? ""
                let name = object.value(at: ["metadata", "name"])?.stringValue ?? ""
                objects["\(prefix)/\(namespace)/\(name)"] = object.jsonString
            }
        }
        return objects
    }

    /// Replaces a service account's `imagePullSecrets` with `json` (any JSON, as a careless writer might store it).
    static func setPullSecrets(_ kube: KubernetesSimulator, namespace: String, account: String, json: String) throws {
        guard var object = kube.object(.serviceAccounts, namespace: namespace, name: account) else {
            throw SeedError(description: "no service account \(namespace)/\(account)")
        }
        object["imagePullSecrets"] = try JSONValue.parse(Array(json.utf8))
        try kube.update(.serviceAccounts, namespace: namespace, object)
    }

    /// Creates a Secret from raw JSON (validated as the API server would).
    static func createSecret(_ kube: KubernetesSimulator, namespace: String, json: String) throws {
        try kube.create(.secrets, namespace: namespace, try JSONValue.parse(Array(json.utf8)))
    }

    struct SeedError: Error, CustomStringConvertible {
        var description: String
    }
}

/// Reading stored JSON back with Foundation's parser (`JSONValue`'s takes seconds for the 10,000-entry list in a
/// debug build).
extension SimulatorObjects {
    /// `json` re-encoded with sorted keys, to compare with what the simulator stores.
    static func normalized(_ json: String) -> String? {
        guard let object = try? JSONSerialization.jsonObject(with: Data(json.utf8), options: .fragmentsAllowed)
        else { return nil }
        return encoded(object)
    }

    /// A member of stored JSON, re-encoded with sorted keys (nil when absent).
    static func json(in json: String?, at path: [String]) -> String? {
        member(of: json, at: path).flatMap(encoded)
    }

    /// A string member of stored JSON, e.g. `["type"]` or `["metadata", "annotations", "example.com/owner"]`.
    static func string(in json: String?, at path: [String]) -> String? {
        member(of: json, at: path) as? String
    }

    private static func member(of json: String?, at path: [String]) -> Any? {
        guard let json, var current = try? JSONSerialization.jsonObject(with: Data(json.utf8)) else { return nil }
        for key in path {
            guard let next = (current as? [String: Any])?[key] else { return nil }
            current = next
        }
        return current
    }

    private static func encoded(_ object: Any) -> String? {
        let options: JSONSerialization.WritingOptions = [.sortedKeys, .fragmentsAllowed, .withoutEscapingSlashes]
        return (try? JSONSerialization.data(withJSONObject: object, options: options)).map {
            String(decoding: $0, as: UTF8.self)
        }
    }
}
