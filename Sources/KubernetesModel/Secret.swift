import Foundation

/// A core/v1 Secret. `data` holds decoded bytes (base64 on the wire); unknown fields survive in `extra`.
public struct Secret: KubernetesResource {
    public static let apiVersion = "v1"
    public static let kind = "Secret"
    public static let plural = "secrets"
    public static let namespaced = true

    /// The dockerconfigjson type pullkeeper writes.
    public static let dockerConfigJSONType = "kubernetes.io/dockerconfigjson"

    public var metadata: ObjectMeta
    public var type: String?
    public var data: [String: Data]?
    /// Write-only plain-text data; the server merges it into `data`.
    public var stringData: [String: String]?
    public var immutable: Bool?
    /// Members this model does not declare, preserved verbatim.
    public var extra: [String: JSONValue]

    public init(
        metadata: ObjectMeta, type: String? = nil, data: [String: Data]? = nil,
        stringData: [String: String]? = nil, immutable: Bool? = nil
    ) {
        self.metadata = metadata
        self.type = type
        self.data = data
        self.stringData = stringData
        self.immutable = immutable
        self.extra = [:]
    }
}

extension Secret: CustomStringConvertible {
    /// Names the keys but never shows the values.
    public var description: String {
        let keys = (data?.keys.sorted() ?? []).joined(separator: ",")
        return "Secret(\(metadata.key), type: \(type ?? "-"), keys: [\(keys)])"
    }
}

extension Secret: Codable {
    enum CodingKeys: String, CodingKey, CaseIterable {
        case apiVersion, kind, metadata, type, data, stringData, immutable
    }

    static let known = Set(CodingKeys.allCases.map(\.rawValue))

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        metadata = try c.decodeIfPresent(ObjectMeta.self, forKey: .metadata) ?? ObjectMeta()
        type = try c.decodeIfPresent(String.self, forKey: .type)
        if let encoded = try c.decodeIfPresent([String: String].self, forKey: .data) {
            var data: [String: Data] = [:]
            for (key, value) in encoded {
                guard let bytes = Data(base64Encoded: value) else {
                    throw DecodingError.dataCorruptedError(
                        forKey: .data, in: c, debugDescription: "data[\(key)] is not valid base64")
                }
                data[key] = bytes
            }
            self.data = data
        } else {
            data = nil
        }
        stringData = try c.decodeIfPresent([String: String].self, forKey: .stringData)
        immutable = try c.decodeIfPresent(Bool.self, forKey: .immutable)
        extra = try decoder.unknownFields(known: Self.known)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(metadata, forKey: .metadata)
        try c.encodeIfPresent(type, forKey: .type)
        try c.encodeIfPresent(data?.mapValues { $0.base64EncodedString() }, forKey: .data)
        try c.encodeIfPresent(stringData, forKey: .stringData)
        try c.encodeIfPresent(immutable, forKey: .immutable)
        try encoder.encodeUnknownFields(extra, known: Self.known)
    }
}
