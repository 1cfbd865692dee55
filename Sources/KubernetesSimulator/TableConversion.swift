import Foundation

/// The `meta.k8s.io/v1` Table that `kubectl get` asks for, with the columns kubectl shows for each kind.
enum TableConversion {
    /// Whether the Accept header asks for a Table.
    static func wanted(_ accept: String?) -> Bool {
        accept?.contains("as=Table") == true
    }

    static func table(_ resource: ResourceType, _ page: ListPage) -> JSONValue {
        var table = table(resource, page.items, includeColumns: true)
        var metadata: JSONValue = ["resourceVersion": .string(String(page.revision))]
        if let token = page.continueToken { metadata["continue"] = .string(token) }
        table["metadata"] = metadata
        return table
    }

    static func table(_ resource: ResourceType, _ objects: [JSONValue], includeColumns: Bool) -> JSONValue {
        let columns = columns(resource)
        let rows: [JSONValue] = objects.map { object in
            ["cells": .array(columns.map { $0.cell(object) }), "object": object]
        }
        let definitions: [JSONValue] = columns.map { column in
            [
                "name": .string(column.name), "type": .string(column.type),
                "format": .string(column.name == "Name" ? "name" : ""), "description": .string(column.name),
                "priority": .number(Double(column.priority)),
            ]
        }
        return [
            "kind": "Table", "apiVersion": "meta.k8s.io/v1", "metadata": [:],
            "columnDefinitions": .array(includeColumns ? definitions : []), "rows": .array(rows),
        ]
    }

    struct Column {
        var name: String
        var type = "string"
        /// kubectl shows priority 0 columns, the others with `-o wide`.
        var priority = 0
        var cell: (JSONValue) -> JSONValue
    }

    static func columns(_ resource: ResourceType) -> [Column] {
        let name = Column(name: "Name") { .string($0.value(at: ["metadata", "name"])?.stringValue ?? "") }
        let age = Column(name: "Age") { object in
            .string(Self.age(object.value(at: ["metadata", "creationTimestamp"])?.stringValue))
        }
        switch resource.storage {
        case "namespaces":
            return [name, Column(name: "Status") { $0.value(at: ["status", "phase"]) ?? "" }, age]
        case "secrets":
            return [
                name, Column(name: "Type") { $0["type"] ?? "" },
                Column(name: "Data", type: "integer") { .number(Double($0["data"]?.objectValue?.count ?? 0)) }, age,
            ]
        case "serviceaccounts":
            return [
                name,
                Column(name: "Secrets", type: "integer") { .number(Double($0["secrets"]?.arrayValue?.count ?? 0)) },
                age,
            ]
        case "leases":
            return [name, Column(name: "Holder") { $0.value(at: ["spec", "holderIdentity"]) ?? "" }, age]
        case "events":
            // kube-apiserver's columns for Events (both APIs print the core form): no Name column but Object.
            func text(_ object: JSONValue, _ path: String...) -> String { object.value(at: path)?.stringValue ?? "" }
            func stamp(_ object: JSONValue, _ fields: [String]) -> JSONValue {
                let found = fields.lazy.map { text(object, $0) }.first { !$0.isEmpty }
                return .string(found.map { Self.age($0) } ?? "<unknown>")
            }
            let involved = { (object: JSONValue) -> JSONValue in
                let kind = text(object, "involvedObject", "kind").lowercased()
                let name = text(object, "involvedObject", "name")
                return .string(name.isEmpty ? kind : "\(kind)/\(name)")
            }
            return [
                Column(name: "Last Seen") { stamp($0, ["lastTimestamp", "firstTimestamp", "eventTime"]) },
                Column(name: "Type") { $0["type"] ?? "" }, Column(name: "Reason") { $0["reason"] ?? "" },
                Column(name: "Object", cell: involved),
                Column(name: "Subobject", priority: 1) { .string(text($0, "involvedObject", "fieldPath")) },
                Column(name: "Source", priority: 1) { .string(text($0, "source", "component")) },
                Column(name: "Message") { .string(text($0, "message").trimmingCharacters(in: .whitespaces)) },
                Column(name: "First Seen", priority: 1) { stamp($0, ["firstTimestamp", "eventTime"]) },
                Column(name: "Count", type: "integer", priority: 1) { .number(Double($0["count"]?.intValue ?? 0)) },
                Column(name: "Name", priority: 1) { .string(text($0, "metadata", "name")) },
            ]
        default:
            return [name, age]
        }
    }

    /// Kubernetes' short human durations: 42s, 5m, 3h, 2d.
    static func age(_ timestamp: String?, now: Date = Date()) -> String {
        guard let timestamp, let date = ISO8601DateFormatter().date(from: timestamp) else { return "<unknown>" }
        let seconds = max(0, Int(now.timeIntervalSince(date)))
        switch seconds {
        case ..<120: return "\(seconds)s"
        case ..<(120 * 60): return "\(seconds / 60)m"
        case ..<(48 * 3600): return "\(seconds / 3600)h"
        default: return "\(seconds / 86_400)d"
        }
    }
}
