import AsyncHTTPClient
import Foundation
import KubernetesModel
import Logging
import NIOCore
import NIOSSL
import PullKeeperCore
import Synchronization

/// `KubernetesClient` over AsyncHTTPClient: HTTPS, bearer tokens or client certificates, deadlines, retries of
/// idempotent reads, a token-bucket rate limit, and typed errors.
///
/// Retries: get/list retry on 429, 500, 502, 503, 504 and transport errors. Writes retry only on 429: the API
/// server's priority-and-fairness filter rejects a request before it is processed, so resending is safe; a 5xx
/// or a broken connection may hide a write that did happen, so those surface to the caller (who re-reads).
public final class HTTPKubernetesClient: KubernetesClient {
    let configuration: KubernetesClientConfiguration
    let httpClient: any KubernetesTransport
    let logger: Logger
    let limiter: TokenBucket
    let baseURL: String
    let baseTLS: TLSConfiguration
    let tlsCache = Mutex<[String: TLSConfiguration]>([:])

    /// Builds the client and its connection pool (or uses `transport`); call `shutdown()` when done.
    public init(
        configuration: KubernetesClientConfiguration, logger: Logger, transport: (any KubernetesTransport)? = nil
    ) throws {
        self.configuration = configuration
        self.logger = logger
        self.limiter = TokenBucket(rate: configuration.qps, burst: configuration.burst)
        let endpoint = try ServerEndpoint(configuration.server, tlsServerName: configuration.tlsServerName)
        self.baseURL = endpoint.baseURL
        self.baseTLS = try Self.makeTLS(
            configuration, clientCertificatePEM: configuration.clientCertificatePEM,
            clientKeyPEM: configuration.clientKeyPEM)
        var http = HTTPClient.Configuration(tlsConfiguration: baseTLS)
        // No idle read timeout: watches are quiet for minutes; every call is bounded by its own deadline.
        http.timeout = .init(connect: .init(configuration.connectTimeout), read: nil)
        http.dnsOverride = endpoint.dnsOverride
        http.decompression = .disabled
        if configuration.http1Only { http.httpVersion = .http1Only }
        http.connectionPool = .init(
            idleTimeout: .seconds(60), concurrentHTTP1ConnectionsPerHostSoftLimit: max(1, configuration.maxConnections))
        // A failed connect surfaces at once as a transport error that `retry` handles; with the pool's own
        // reconnect loop a refused port used up the whole deadline and was reported as "no answer within 30 s".
        http.connectionPool.retryConnectionEstablishment = false
        self.httpClient =
            transport
            ?? AsyncHTTPClientTransport(client: HTTPClient(eventLoopGroupProvider: .singleton, configuration: http))
    }

    /// Closes all connections.
    public func shutdown() async throws {
        try await httpClient.shutdown()
    }

    package static func makeTLS(
        _ configuration: KubernetesClientConfiguration, clientCertificatePEM: String?, clientKeyPEM: String?
    ) throws -> TLSConfiguration {
        var tls = TLSConfiguration.makeClientConfiguration()
        // Stopping a watch early otherwise holds the socket (and shutdown) for the default 5 s.
        tls.shutdownTimeout = .milliseconds(200)
        do {
            if let pem = configuration.certificateAuthorityPEM {
                tls.trustRoots = .certificates(try NIOSSLCertificate.fromPEMBytes(Array(pem.utf8)))
            }
            if configuration.insecureSkipTLSVerify {
                tls.certificateVerification = .none
            }
            if let cert = clientCertificatePEM, let key = clientKeyPEM {
                let chain = try NIOSSLCertificate.fromPEMBytes(Array(cert.utf8))
                tls.certificateChain = chain.map { .certificate($0) }
                tls.privateKey = .privateKey(try NIOSSLPrivateKey(bytes: Array(key.utf8), format: .pem))
            }
        } catch {
            throw KubernetesError(
                kind: .configuration, operation: "configure TLS",
                message: "invalid certificate or key PEM: \(type(of: error))")
        }
        return tls
    }

    /// The TLS configuration for credentials that carry their own client certificate (exec plugins).
    func tls(for credentials: KubernetesCredentials) throws -> TLSConfiguration? {
        guard let cert = credentials.clientCertificatePEM, let key = credentials.clientKeyPEM else { return nil }
        let cacheKey = cert + key
        if let hit = tlsCache.withLock({ $0[cacheKey] }) { return hit }
        let tls = try Self.makeTLS(configuration, clientCertificatePEM: cert, clientKeyPEM: key)
        // Only the current exec credential matters; keeping one entry bounds memory across rotations.
        tlsCache.withLock { $0 = [cacheKey: tls] }
        return tls
    }
}

/// The server URL split for AsyncHTTPClient; with `tls-server-name` the request goes to that name and DNS is
/// overridden to the real host, so SNI and certificate verification use the configured name.
struct ServerEndpoint {
    var baseURL: String
    var dnsOverride: [String: String]

    init(_ server: String, tlsServerName: String?) throws {
        guard var components = URLComponents(string: server), let scheme = components.scheme,
            scheme == "https" || scheme == "http", let host = components.host, !host.isEmpty
        else {
            throw KubernetesError(
                kind: .configuration, operation: "configure server", message: "invalid server URL \(server)")
        }
        dnsOverride = [:]
        if let tlsServerName, !tlsServerName.isEmpty, tlsServerName != host {
            dnsOverride[tlsServerName] = host
            components.host = tlsServerName
        }
        var url = components.string ?? server
        while url.hasSuffix("/") { url.removeLast() }
        baseURL = url
    }
}
