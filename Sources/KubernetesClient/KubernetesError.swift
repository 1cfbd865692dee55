import KubernetesModel

/// A failed Kubernetes API call. Keeps the server's `Status`; match with the `is...` properties or `kind`.
public struct KubernetesError: Error, Sendable, CustomStringConvertible {
    /// What failed, as an open set.
    public struct Kind: Hashable, Sendable, CustomStringConvertible {
        private let name: String
        private init(_ name: String) { self.name = name }

        /// The server answered with an error status (see `status` and `httpStatus`).
        public static let server = Kind("server")
        /// The connection failed or broke (DNS, TCP, TLS, reset).
        public static let transport = Kind("transport")
        /// The call did not finish before its deadline.
        public static let timeout = Kind("timeout")
        /// The response body could not be decoded.
        public static let decoding = Kind("decoding")
        /// A watch produced no event and no bookmark for longer than allowed.
        public static let watchStalled = Kind("watch stalled")
        /// The client is misconfigured (bad URL, unreadable credentials, exec plugin failed).
        public static let configuration = Kind("configuration")

        public var description: String { name }
    }

    public var kind: Kind
    /// The server's Status, when it sent one (error responses and watch ERROR events).
    public var status: Status?
    /// The HTTP status code, when there was a response (or the code of a watch ERROR event).
    public var httpStatus: Int?
    /// The call, e.g. `get secrets team-a/acr-pull`.
    public var operation: String
    /// A human-readable reason, never containing credentials.
    public var message: String

    public init(kind: Kind, operation: String, message: String, status: Status? = nil, httpStatus: Int? = nil) {
        self.kind = kind
        self.operation = operation
        self.message = message
        self.status = status
        self.httpStatus = httpStatus
    }

    /// The effective code: the Status's `code`, else the HTTP status.
    public var code: Int? { status?.code ?? httpStatus }
    /// The Status `reason` (`Conflict`, `NotFound`, ...).
    public var reason: String? { status?.reason }

    public var isNotFound: Bool { code == 404 }
    /// 409 because of a stale resourceVersion (not AlreadyExists).
    public var isConflict: Bool { code == 409 && reason != "AlreadyExists" }
    public var isAlreadyExists: Bool { code == 409 && reason == "AlreadyExists" }
    /// 410: the resourceVersion (or continue token) was compacted; relist.
    public var isGone: Bool { code == 410 }
    /// Same as `isGone` (the API reason is `Expired` in current servers, `Gone` in older ones).
    public var isExpired: Bool { isGone }
    public var isForbidden: Bool { code == 403 }
    public var isUnauthorized: Bool { code == 401 }
    public var isInvalid: Bool { code == 422 }
    public var isTooManyRequests: Bool { code == 429 }
    public var isServerError: Bool { (code ?? 0) >= 500 }
    public var isTimeout: Bool { kind == .timeout || code == 504 }

    /// 403 because the namespace is being deleted and refuses new content.
    public var isNamespaceTerminating: Bool {
        guard code == 403 else { return false }
        if status?.details?.causes?.contains(where: { $0.reason == "NamespaceTerminating" }) == true { return true }
        return status?.message?.contains("because it is being terminated") == true
    }

    public var description: String {
        var text = "\(operation): "
        if let code { text += "\(code) " }
        if let reason { text += "\(reason): " }
        return text + message
    }
}
