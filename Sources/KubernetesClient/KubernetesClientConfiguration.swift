import Foundation
import PullKeeperCore

/// Everything `HTTPKubernetesClient` needs: where the API server is, how to trust it, how to authenticate,
/// and the client's limits.
public struct KubernetesClientConfiguration: Sendable {
    /// `https://host:port` (a path prefix is kept).
    public var server: String
    /// PEM CA bundle to verify the server; nil uses the system roots.
    public var certificateAuthorityPEM: String?
    /// Turns TLS verification off. Only for throwaway clusters.
    public var insecureSkipTLSVerify: Bool
    /// The name to verify in the server certificate (and send as SNI) instead of the URL's host.
    public var tlsServerName: String?
    /// PEM client certificate chain and key for mutual TLS, from the kubeconfig.
    public var clientCertificatePEM: String?
    public var clientKeyPEM: String?
    /// Bearer tokens and exec-plugin credentials.
    public var credentials: (any KubernetesCredentialProvider)?
    /// The namespace of the context (or the pod), for callers that need a default.
    public var namespace: String?
    /// Bound of every non-watch call, including retries' waits.
    public var requestTimeout: Duration
    /// Connect timeout.
    public var connectTimeout: Duration
    /// Backoff for retried calls.
    public var retry: RetryPolicy
    /// Client-side rate limit; qps ≤ 0 disables it.
    public var qps: Double
    public var burst: Int
    /// HTTP/1.1 connections kept to the API server (watches hold one each while they run).
    public var maxConnections: Int
    /// Only HTTP/1.1, a pool of `maxConnections`; otherwise HTTP/2 when the server offers it by ALPN (one
    /// connection, many streams: client-go's default), HTTP/1.1 when it does not.
    public var http1Only: Bool
    /// Called once per HTTP attempt with verb, resource and code, for metrics.
    public var requestObserver: (@Sendable (KubernetesRequestRecord) -> Void)?
    /// `User-Agent` header.
    public var userAgent: String

    public init(
        server: String, certificateAuthorityPEM: String? = nil, insecureSkipTLSVerify: Bool = false,
        tlsServerName: String? = nil, clientCertificatePEM: String? = nil, clientKeyPEM: String? = nil,
        credentials: (any KubernetesCredentialProvider)? = nil, namespace: String? = nil
    ) {
        self.server = server
        self.certificateAuthorityPEM = certificateAuthorityPEM
        self.insecureSkipTLSVerify = insecureSkipTLSVerify
        self.tlsServerName = tlsServerName
        self.clientCertificatePEM = clientCertificatePEM
        self.clientKeyPEM = clientKeyPEM
        self.credentials = credentials
        self.namespace = namespace
        self.requestTimeout = .seconds(30)
        self.connectTimeout = .seconds(5)
        self.retry = RetryPolicy()
        self.qps = 50
        self.burst = 100
        self.maxConnections = 16
        self.http1Only = false
        self.requestObserver = nil
        self.userAgent = "pullkeeper"
    }
}

/// One HTTP attempt, reported to `requestObserver`.
public struct KubernetesRequestRecord: Sendable, Hashable {
    /// `get`, `list`, `watch`, `create`, `update`, `patch`, `delete`.
    public var verb: String
    /// The plural resource, e.g. `secrets`.
    public var resource: String
    /// The HTTP status, nil when no response arrived.
    public var code: Int?
    public var duration: Duration
}

extension KubernetesClientConfiguration: CustomStringConvertible, CustomDebugStringConvertible {
    /// Server and what kinds of credentials are set; never keys or tokens.
    public var description: String {
        "KubernetesClientConfiguration(server: \(server), ca: \(certificateAuthorityPEM == nil ? "system" : "custom"), "
            + "insecure: \(insecureSkipTLSVerify), clientCertificate: \(clientCertificatePEM == nil ? "none" : "set"), "
            + "credentials: \(credentials.map { "\(type(of: $0))" } ?? "none"), namespace: \(namespace ?? "-"))"
    }

    public var debugDescription: String { description }
}
