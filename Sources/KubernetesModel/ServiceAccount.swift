/// A core/v1 ServiceAccount. `imagePullSecrets` is an atomic list; unknown fields survive in `extra`.
public struct ServiceAccount: KubernetesResource {
    public static let apiVersion = "v1"
    public static let kind = "ServiceAccount"
    public static let plural = "serviceaccounts"
    public static let namespaced = true

    public var metadata: ObjectMeta
    public var secrets: [ObjectReference]?
    public var imagePullSecrets: [LocalObjectReference]?
    public var automountServiceAccountToken: Bool?
    /// Members this model does not declare, preserved verbatim.
    public var extra: [String: JSONValue]

    public init(
        metadata: ObjectMeta, secrets: [ObjectReference]? = nil,
        imagePullSecrets: [LocalObjectReference]? = nil, automountServiceAccountToken: Bool? = nil
    ) {
        self.metadata = metadata
        self.secrets = secrets
        self.imagePullSecrets = imagePullSecrets
        self.automountServiceAccountToken = automountServiceAccountToken
        self.extra = [:]
    }
}

extension ServiceAccount: Codable {
    enum CodingKeys: String, CodingKey, CaseIterable {
        case apiVersion, kind, metadata, secrets, imagePullSecrets, automountServiceAccountToken
    }

    static let known = Set(CodingKeys.allCases.map(\.rawValue))

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        metadata = try c.decodeIfPresent(ObjectMeta.self, forKey: .metadata) ?? ObjectMeta()
        secrets = try c.decodeIfPresent([ObjectReference].self, forKey: .secrets)
        imagePullSecrets = try c.decodeIfPresent([LocalObjectReference].self, forKey: .imagePullSecrets)
        automountServiceAccountToken = try c.decodeIfPresent(Bool.self, forKey: .automountServiceAccountToken)
        extra = try decoder.unknownFields(known: Self.known)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(metadata, forKey: .metadata)
        try c.encodeIfPresent(secrets, forKey: .secrets)
        try c.encodeIfPresent(imagePullSecrets, forKey: .imagePullSecrets)
        try c.encodeIfPresent(automountServiceAccountToken, forKey: .automountServiceAccountToken)
        try encoder.encodeUnknownFields(extra, known: Self.known)
    }
}
