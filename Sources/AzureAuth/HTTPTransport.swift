import Foundation

/// One HTTP exchange as AzureAuth needs it: small bodies, no streaming.
public struct HTTPRequestData: Sendable {
    public enum Method: String, Sendable { case get = "GET", post = "POST" }

    public var method: Method
    public var url: String
    public var headers: [(String, String)]
    public var body: [UInt8]?
    /// Trust settings for this endpoint.
    public var tls: TLSOptions
    /// How long the whole exchange may take; nil: the transport's default (`TimeoutTransport` sets it per service).
    public var timeout: Duration?

    public init(
        method: Method, url: String, headers: [(String, String)] = [], body: [UInt8]? = nil,
        tls: TLSOptions = TLSOptions(), timeout: Duration? = nil
    ) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
        self.tls = tls
        self.timeout = timeout
    }

    /// `host[:port]` as the URL names it, for messages.
    public var hostForMessages: String {
        guard let components = URLComponents(string: url), let host = components.host else { return "endpoint" }
        return components.port.map { "\(host):\($0)" } ?? host
    }
}

/// The answer to an `HTTPRequestData`, body already collected (and size-limited).
public struct HTTPResponseData: Sendable {
    public var status: Int
    public var headers: [(String, String)]
    public var body: [UInt8]

    public init(status: Int, headers: [(String, String)] = [], body: [UInt8] = []) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    /// The first header with this name, case-insensitively.
    public func header(_ name: String) -> String? {
        headers.first { $0.0.caseInsensitiveCompare(name) == .orderedSame }?.1
    }
}

/// The I/O boundary of AzureAuth: sends one request and returns the collected response.
///
/// Implementations throw `AzureAuthError` with code `.network` for connection failures and
/// `.responseTooLarge` when the body exceeds their limit.
public protocol HTTPTransport: Sendable {
    func send(_ request: HTTPRequestData) async throws -> HTTPResponseData
}

/// Trust for one endpoint: the system roots plus optional extra PEM bundles. Verification is always on
/// unless `insecureSkipVerify` is set.
public struct TLSOptions: Sendable, Hashable {
    /// Extra PEM CA bundle files, read when a request is sent (so a rotated bundle is picked up).
    public var caFiles: [String]
    /// Extra PEM CA bundles given inline.
    public var caPEMs: [String]
    /// Turns certificate verification off. Only for throwaway test setups.
    public var insecureSkipVerify: Bool

    public init(caFiles: [String] = [], caPEMs: [String] = [], insecureSkipVerify: Bool = false) {
        self.caFiles = caFiles
        self.caPEMs = caPEMs
        self.insecureSkipVerify = insecureSkipVerify
    }

    /// These options plus one more bundle file (a registry's own `caFile` on top of the global one).
    public func adding(caFile: String?) -> TLSOptions {
        guard let caFile, !caFiles.contains(caFile) else { return self }
        var copy = self
        copy.caFiles.append(caFile)
        return copy
    }
}
