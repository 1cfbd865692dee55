/// The API server's `Status` object: the body of every error response and of watch `ERROR` events.
public struct Status: Codable, Hashable, Sendable {
    public var status: String?
    public var message: String?
    /// Machine-readable reason (`NotFound`, `Conflict`, `Expired`, ...).
    public var reason: String?
    public var details: StatusDetails?
    public var code: Int?
    public var metadata: ListMeta?

    public init(
        status: String? = "Failure", message: String? = nil, reason: String? = nil, details: StatusDetails? = nil,
        code: Int? = nil
    ) {
        self.status = status
        self.message = message
        self.reason = reason
        self.details = details
        self.code = code
    }

    enum CodingKeys: String, CodingKey { case apiVersion, kind, status, message, reason, details, code, metadata }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        status = try c.decodeIfPresent(String.self, forKey: .status)
        message = try c.decodeIfPresent(String.self, forKey: .message)
        reason = try c.decodeIfPresent(String.self, forKey: .reason)
        details = try c.decodeIfPresent(StatusDetails.self, forKey: .details)
        code = try c.decodeIfPresent(Int.self, forKey: .code)
        // The API server always sends `"metadata":{}`; an empty one means the same as none.
        let meta = try c.decodeIfPresent(ListMeta.self, forKey: .metadata)
        metadata = meta == ListMeta() ? nil : meta
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode("v1", forKey: .apiVersion)
        try c.encode("Status", forKey: .kind)
        try c.encode(metadata ?? ListMeta(), forKey: .metadata)
        try c.encodeIfPresent(status, forKey: .status)
        try c.encodeIfPresent(message, forKey: .message)
        try c.encodeIfPresent(reason, forKey: .reason)
        try c.encodeIfPresent(details, forKey: .details)
        try c.encodeIfPresent(code, forKey: .code)
    }
}

/// Which object a `Status` is about, and why in detail.
public struct StatusDetails: Codable, Hashable, Sendable {
    public var name: String?
    public var group: String?
    public var kind: String?
    public var uid: String?
    public var causes: [StatusCause]?
    public var retryAfterSeconds: Int?

    public init(name: String? = nil, group: String? = nil, kind: String? = nil, causes: [StatusCause]? = nil) {
        self.name = name
        self.group = group
        self.kind = kind
        self.causes = causes
    }
}

/// One cause of a failure, e.g. a field that did not validate.
public struct StatusCause: Codable, Hashable, Sendable {
    public var reason: String?
    public var message: String?
    public var field: String?

    public init(reason: String? = nil, message: String? = nil, field: String? = nil) {
        self.reason = reason
        self.message = message
        self.field = field
    }
}
