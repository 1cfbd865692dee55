import Foundation
import KubernetesModel

/// A patch body with its content type.
public enum KubernetesPatch: Sendable, Hashable {
    /// RFC 7386 merge patch (`application/merge-patch+json`): `null` deletes a key, lists are replaced.
    case merge(JSONValue)
    /// Strategic merge patch (`application/strategic-merge-patch+json`); lists merge by key where the schema says.
    case strategicMerge(JSONValue)
    /// RFC 6902 JSON patch (`application/json-patch+json`); a failed `test` answers 422.
    case json([JSONPatchOperation])

    /// The Content-Type header for this patch.
    public var contentType: String {
        switch self {
        case .merge: "application/merge-patch+json"
        case .strategicMerge: "application/strategic-merge-patch+json"
        case .json: "application/json-patch+json"
        }
    }
}

/// One RFC 6902 operation.
public struct JSONPatchOperation: Codable, Sendable, Hashable {
    public var op: String
    public var path: String
    public var value: JSONValue?
    public var from: String?

    public init(op: String, path: String, value: JSONValue? = nil, from: String? = nil) {
        self.op = op
        self.path = path
        self.value = value
        self.from = from
    }

    /// Fails the whole patch (422) unless the value at `path` equals `value`.
    public static func test(_ path: String, _ value: JSONValue) -> Self { .init(op: "test", path: path, value: value) }
    public static func add(_ path: String, _ value: JSONValue) -> Self { .init(op: "add", path: path, value: value) }
    public static func replace(_ path: String, _ value: JSONValue) -> Self {
        .init(op: "replace", path: path, value: value)
    }
    public static func remove(_ path: String) -> Self { .init(op: "remove", path: path) }

    /// Escapes a key for use as one JSON-pointer segment (`~` → `~0`, `/` → `~1`).
    public static func escape(_ key: String) -> String {
        key.replacingOccurrences(of: "~", with: "~0").replacingOccurrences(of: "/", with: "~1")
    }
}
