import Foundation
import Logging
import PullKeeperCore

/// A managed identity, through IMDS (VMs, VMSS, AKS nodes) or the App Service / Container Apps endpoint.
public struct ManagedIdentityCredential: TokenCredential {
    /// Which identity of the host to use.
    public enum Selector: Sendable, Hashable {
        case systemAssigned
        case clientID(String)
        case objectID(String)
        case resourceID(String)
    }

    /// Where tokens come from.
    public enum Endpoint: Sendable, Hashable {
        /// IMDS at this base URL (default `http://169.254.169.254`).
        case imds(baseURL: String)
        /// App Service: the `IDENTITY_ENDPOINT` URL and `IDENTITY_HEADER` value, passed in by the caller.
        case appService(endpoint: String, header: String)

        /// The real IMDS.
        public static let defaultIMDS = Endpoint.imds(baseURL: "http://169.254.169.254")
    }

    public let selector: Selector
    public let endpoint: Endpoint
    private let transport: any HTTPTransport
    private let tls: TLSOptions
    private let retry: RetryPolicy
    private let rateLimiter: TokenBucket?
    private let now: @Sendable () -> Date

    /// `retry` defaults to azidentity's (5 retries, 2 s doubling, 60 s max); `rateLimiter` is shared by all
    /// managed-identity credentials of a process so IMDS (about 5 requests/s) does not throttle.
    public init(
        selector: Selector = .systemAssigned, endpoint: Endpoint = .defaultIMDS, transport: any HTTPTransport,
        tls: TLSOptions = TLSOptions(), retry: RetryPolicy = .managedIdentity, rateLimiter: TokenBucket? = nil,
        now: @escaping @Sendable () -> Date = Date.init
    ) {
        self.selector = selector
        self.endpoint = endpoint
        self.transport = transport
        self.tls = tls
        self.retry = retry
        self.rateLimiter = rateLimiter
        self.now = now
    }

    public var usesInstanceMetadata: Bool { true }

    public func token(for scope: String, logger: Logger) async throws -> AccessToken {
        let request = try makeRequest(resource: TokenScope.resource(forScope: scope))
        let source = sourceLabel
        return try await retry.run {
            try await rateLimiter?.acquire()
            logger.debug("requesting managed identity token", metadata: ["mi.endpoint": "\(source)"])
            let response = try await transport.send(request)
            guard response.status == 200 else {
                let error = classify(response)
                logger.debug(
                    "managed identity endpoint refused the token request",
                    metadata: ["http.status": "\(response.status)", "error.code": "\(error.code)"])
                throw error
            }
            return try TokenResponse.parse(response.body, source: source, now: now())
        }
    }

    var sourceLabel: String {
        if case .appService = endpoint { "the App Service identity endpoint" } else { "IMDS" }
    }

    func makeRequest(resource: String) throws -> HTTPRequestData {
        var query = [("resource", resource)]
        let url: String
        let headers: [(String, String)]
        switch endpoint {
        case .imds(let base):
            let trimmed = base.hasSuffix("/") ? String(base.dropLast()) : base
            let path = "/metadata/identity/oauth2/token"
            url = trimmed.hasSuffix(path) ? trimmed : trimmed + path
            query.insert(("api-version", "2018-02-01"), at: 0)
            switch selector {
            case .systemAssigned: break
            case .clientID(let id): query.append(("client_id", id))
            case .objectID(let id): query.append(("object_id", id))
            case .resourceID(let id): query.append(("msi_res_id", id))
            }
            headers = [("Metadata", "true")]
        case .appService(let endpoint, let header):
            url = endpoint
            query.insert(("api-version", "2019-08-01"), at: 0)
            switch selector {
            case .systemAssigned: break
            case .clientID(let id): query.append(("client_id", id))
            case .objectID(let id): query.append(("principal_id", id))
            case .resourceID(let id): query.append(("mi_res_id", id))
            }
            headers = [("X-IDENTITY-HEADER", header)]
        }
        guard url.hasPrefix("http://") || url.hasPrefix("https://") else {
            throw AzureAuthError(code: .invalidConfiguration, detail: "managed identity endpoint \(url) is not a URL")
        }
        let separator = url.contains("?") ? "&" : "?"
        return HTTPRequestData(
            method: .get, url: url + separator + FormEncoding.encode(query), headers: headers, tls: tls)
    }
}
