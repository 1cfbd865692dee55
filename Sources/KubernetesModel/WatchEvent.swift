/// One line of a watch stream, typed.
public enum WatchEvent<Object: KubernetesResource>: Hashable, Sendable {
    case added(Object)
    case modified(Object)
    case deleted(Object)
    /// A progress marker: everything up to `resourceVersion` has been sent.
    case bookmark(resourceVersion: String, annotations: [String: String])
    /// The server ended the watch with a `Status` (410 `Expired` means: relist).
    case error(Status)

    /// The wire name of the event type.
    public var type: String {
        switch self {
        case .added: "ADDED"
        case .modified: "MODIFIED"
        case .deleted: "DELETED"
        case .bookmark: "BOOKMARK"
        case .error: "ERROR"
        }
    }

    /// The object of an ADDED, MODIFIED or DELETED event.
    public var object: Object? {
        switch self {
        case .added(let o), .modified(let o), .deleted(let o): o
        case .bookmark, .error: nil
        }
    }

    /// The resourceVersion this event moves the watch to, if any.
    public var resourceVersion: String? {
        switch self {
        case .added(let o), .modified(let o), .deleted(let o): o.metadata.resourceVersion
        case .bookmark(let rv, _): rv
        case .error: nil
        }
    }
}

extension WatchEvent: Codable {
    enum CodingKeys: String, CodingKey { case type, object }

    private struct BookmarkObject: Codable {
        struct Meta: Codable {
            var resourceVersion: String?
            var annotations: [String: String]?
        }
        var metadata: Meta?
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let type = try c.decode(String.self, forKey: .type)
        switch type {
        case "ADDED": self = .added(try c.decode(Object.self, forKey: .object))
        case "MODIFIED": self = .modified(try c.decode(Object.self, forKey: .object))
        case "DELETED": self = .deleted(try c.decode(Object.self, forKey: .object))
        case "BOOKMARK":
            let bookmark = try c.decode(BookmarkObject.self, forKey: .object)
            self = .bookmark(
                resourceVersion: bookmark.metadata?.resourceVersion ?? "",
                annotations: bookmark.metadata?.annotations ?? [:])
        case "ERROR": self = .error(try c.decode(Status.self, forKey: .object))
        default:
            throw DecodingError.dataCorruptedError(
                forKey: .type, in: c, debugDescription: "unknown watch event type \(type)")
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(type, forKey: .type)
        switch self {
        case .added(let o), .modified(let o), .deleted(let o): try c.encode(Typed(o), forKey: .object)
        case .bookmark(let rv, let annotations):
            let meta = BookmarkObject.Meta(resourceVersion: rv, annotations: annotations.isEmpty ? nil : annotations)
            try c.encode(BookmarkObject(metadata: meta), forKey: .object)
        case .error(let status): try c.encode(status, forKey: .object)
        }
    }
}
