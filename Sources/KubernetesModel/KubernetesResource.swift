/// A kind the generic client can address: its group/version, kind, plural resource name and scope.
public protocol KubernetesResource: Codable, Hashable, Sendable {
    /// `v1` for the core group, `group/version` otherwise (`apps/v1`).
    static var apiVersion: String { get }
    /// The kind, e.g. `Secret`.
    static var kind: String { get }
    /// The plural resource name used in URLs, e.g. `secrets`.
    static var plural: String { get }
    /// Whether objects live in a namespace.
    static var namespaced: Bool { get }
    /// The object's metadata.
    var metadata: ObjectMeta { get set }
}

extension KubernetesResource {
    /// The API group; empty for the core group.
    public static var group: String {
        guard let slash = apiVersion.firstIndex(of: "/") else { return "" }
        return String(apiVersion[..<slash])
    }

    /// The version within the group.
    public static var version: String {
        guard let slash = apiVersion.firstIndex(of: "/") else { return apiVersion }
        return String(apiVersion[apiVersion.index(after: slash)...])
    }

    /// `namespace/name` for namespaced objects, `name` otherwise (the cache key client-go uses).
    public var key: String { metadata.key }

    /// This object wrapped so that it encodes `apiVersion` and `kind` first (for manifests and request bodies).
    public var typed: Typed<Self> { Typed(self) }
}

/// Encodes a resource with its `apiVersion` and `kind`; decodes by ignoring them.
public struct Typed<Resource: KubernetesResource>: Codable, Hashable, Sendable {
    public var object: Resource

    public init(_ object: Resource) { self.object = object }

    public init(from decoder: any Decoder) throws {
        object = try Resource(from: decoder)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: AnyCodingKey.self)
        try container.encode(Resource.apiVersion, forKey: AnyCodingKey("apiVersion"))
        try container.encode(Resource.kind, forKey: AnyCodingKey("kind"))
        try object.encode(to: encoder)
    }
}
