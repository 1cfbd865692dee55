/// What authenticates a request: a bearer token and/or a client certificate.
public struct KubernetesCredentials: Sendable, Hashable {
    /// Bearer token, sent as `Authorization: Bearer ...`. Never logged.
    public var token: String?
    /// PEM client certificate chain and key for mutual TLS (exec plugins may return them).
    public var clientCertificatePEM: String?
    public var clientKeyPEM: String?

    public init(token: String? = nil, clientCertificatePEM: String? = nil, clientKeyPEM: String? = nil) {
        self.token = token
        self.clientCertificatePEM = clientCertificatePEM
        self.clientKeyPEM = clientKeyPEM
    }
}

extension KubernetesCredentials: CustomStringConvertible {
    /// Says what is present, never the values.
    public var description: String {
        "KubernetesCredentials(token: \(token == nil ? "none" : "<redacted>"), "
            + "clientCertificate: \(clientCertificatePEM == nil ? "none" : "present"))"
    }
}

/// A source of credentials, asked before every request. `refresh: true` after a 401 asks for new ones.
public protocol KubernetesCredentialProvider: Sendable {
    func credentials(refresh: Bool) async throws -> KubernetesCredentials
}

/// Fixed credentials (kubeconfig `token`, tests).
public struct StaticCredentialProvider: KubernetesCredentialProvider {
    public let value: KubernetesCredentials

    public init(_ value: KubernetesCredentials) { self.value = value }

    public func credentials(refresh: Bool) async throws -> KubernetesCredentials { value }
}
