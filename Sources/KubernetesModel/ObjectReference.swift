/// A reference to another object (events' `involvedObject`/`regarding`, service-account secrets).
public struct ObjectReference: Codable, Hashable, Sendable {
    public var apiVersion: String?
    public var kind: String?
    public var namespace: String?
    public var name: String?
    public var uid: String?
    public var resourceVersion: String?
    public var fieldPath: String?

    public init(
        apiVersion: String? = nil, kind: String? = nil, namespace: String? = nil, name: String? = nil,
        uid: String? = nil, resourceVersion: String? = nil, fieldPath: String? = nil
    ) {
        self.apiVersion = apiVersion
        self.kind = kind
        self.namespace = namespace
        self.name = name
        self.uid = uid
        self.resourceVersion = resourceVersion
        self.fieldPath = fieldPath
    }

    /// A reference to `object`, taking kind and version from its type.
    public init<R: KubernetesResource>(to object: R) {
        self.init(
            apiVersion: R.apiVersion, kind: R.kind, namespace: object.metadata.namespace,
            name: object.metadata.name, uid: object.metadata.uid, resourceVersion: object.metadata.resourceVersion)
    }
}

/// A reference by name within the same namespace (`imagePullSecrets`, `secretRef`).
public struct LocalObjectReference: Codable, Hashable, Sendable {
    /// Empty for an entry without a usable name.
    public var name: String

    public init(name: String) { self.name = name }

    enum CodingKeys: String, CodingKey { case name }

    /// `name` is optional in Kubernetes: API servers store `{}` (and `null`) entries as they are. Such an entry
    /// decodes with an empty name instead of failing the whole object, so one careless edit of a service account
    /// cannot stop a cluster-wide list, and index-based patches still count it.
    public init(from decoder: any Decoder) throws {
        let container = try? decoder.container(keyedBy: CodingKeys.self)
        name = (try? container?.decodeIfPresent(String.self, forKey: .name)) ?? ""
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        if !name.isEmpty { try container.encode(name, forKey: .name) }
    }
}
