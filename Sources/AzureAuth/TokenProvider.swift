import Foundation
import Logging

/// The token cache shared by the whole process: one entry per identity × registry × scope, single-flight
/// (concurrent callers share one request, including the Entra ID / IMDS step, which is itself shared per
/// identity × audience across registries), refreshed ahead of expiry, never handing out an expired token.
public actor TokenProvider {
    enum Entry<Value: Sendable> {
        case ready(Value, refreshAt: Date)
        case inFlight(Task<Value, any Error>)
    }

    private struct EntraKey: Hashable {
        var identity: String
        var scope: String
    }

    private struct RegistryKey: Hashable {
        var identity: String
        var loginServer: String
        var scope: String
    }

    private let acr: ACRClient
    let refreshMargin: Duration
    private let imdsLimiter: TokenBucket
    let now: @Sendable () -> Date
    private let logger: Logger
    private var entraTokens: [EntraKey: Entry<AccessToken>] = [:]
    private var registryTokens: [RegistryKey: Entry<RegistryCredential>] = [:]
    private var endpoints: [RegistryTarget: ACREndpoint] = [:]

    /// `refreshMargin`: how long before expiry a token is replaced (at most half its lifetime);
    /// `imdsLimiter`: shared by every managed-identity request (default 5 per second).
    public init(
        transport: any HTTPTransport, refreshMargin: Duration = .seconds(300),
        imdsLimiter: TokenBucket = TokenBucket(), registryRetry: RetryPolicy = .none,
        now: @escaping @Sendable () -> Date = Date.init, logger: Logger
    ) {
        self.acr = ACRClient(transport: transport, retry: registryRetry)
        self.refreshMargin = refreshMargin
        self.imdsLimiter = imdsLimiter
        self.now = now
        self.logger = logger
    }

    /// The docker credential for `identity` on `registry`: the refresh token when `scope` is nil, a scoped access
    /// token otherwise; static identities return their username and password (scope ignored).
    public func credential(
        identity: RegistryIdentity, registry: RegistryTarget, scope: String? = nil
    ) async throws -> RegistryCredential {
        var scoped = self.logger
        scoped[metadataKey: "identity.name"] = "\(identity.name)"
        scoped[metadataKey: "registry.host"] = "\(registry.loginServer)"
        let logger = scoped
        do {
            switch identity.kind {
            case .static(let credential):
                let login = try credential.login()
                return RegistryCredential(
                    loginServer: registry.loginServer, username: login.username, password: login.password,
                    expiresOn: nil, kind: .static)
            case .entra(let credential):
                let key = RegistryKey(identity: identity.name, loginServer: registry.loginServer, scope: scope ?? "")
                return try await shared(
                    read: { registryTokens[key] }, write: { registryTokens[key] = $0 }, logger: logger
                ) { provider in
                    try await provider.fetchRegistry(identity, credential, registry, scope, logger)
                }
            }
        } catch let error as AzureAuthError {
            let named = error.forIdentity(identity.name)
            logger.warning("token request failed", metadata: ["error.code": "\(named.code)"])
            throw named
        }
    }

    /// Drops cached tokens of an identity (all registries when `loginServer` is nil), e.g. after a registry
    /// refused one.
    public func invalidate(identity: String, loginServer: String? = nil) {
        registryTokens = registryTokens.filter { key, entry in
            guard key.identity == identity, loginServer == nil || key.loginServer == loginServer else { return true }
            if case .inFlight = entry { return true }
            return false
        }
        if loginServer == nil {
            entraTokens = entraTokens.filter { key, _ in key.identity != identity }
        }
    }

    private func fetchRegistry(
        _ identity: RegistryIdentity, _ entra: any TokenCredential, _ registry: RegistryTarget,
        _ scope: String?, _ logger: Logger
    ) async throws -> RegistryCredential {
        if let scope {
            let base = try await credential(identity: identity, registry: registry, scope: nil)
            let endpoint = try await endpoint(for: registry, logger: logger)
            let token = try await acr.accessToken(
                refreshToken: base.password, scopes: scope.split(separator: " ").map(String.init), at: endpoint,
                tls: registry.tls, logger: logger)
            return RegistryCredential(
                loginServer: registry.loginServer, username: RegistryCredential.tokenUsername,
                password: token.token, expiresOn: token.expiresOn, kind: .accessToken)
        }
        let entraKey = EntraKey(identity: identity.name, scope: identity.scope)
        let accessToken = try await shared(
            read: { entraTokens[entraKey] }, write: { entraTokens[entraKey] = $0 }, logger: logger
        ) { provider in
            try await provider.fetchEntra(entra, scope: identity.scope, logger: logger)
        }
        let endpoint = try await endpoint(for: registry, logger: logger)
        let refresh = try await acr.exchange(
            accessToken, at: endpoint, tenant: entra.tenantID, tls: registry.tls, logger: logger)
        return RegistryCredential(
            loginServer: registry.loginServer, username: RegistryCredential.tokenUsername, password: refresh.token,
            expiresOn: refresh.expiresOn, kind: .refreshToken)
    }

    private func fetchEntra(
        _ credential: any TokenCredential, scope: String, logger: Logger
    ) async throws -> AccessToken {
        if credential.usesInstanceMetadata { try await imdsLimiter.acquire() }
        let token = try await credential.token(for: scope, logger: logger)
        logger.debug("Entra ID token obtained", metadata: ["token.expires_at": "\(token.expiresOn)"])
        return token
    }

    private func endpoint(for registry: RegistryTarget, logger: Logger) async throws -> ACREndpoint {
        if let known = endpoints[registry] { return known }
        let endpoint: ACREndpoint
        if let authEndpoint = registry.authEndpoint {
            endpoint = try await acr.discover(
                loginServer: registry.loginServer, authBaseURL: authEndpoint, tls: registry.tls, logger: logger)
        } else {
            endpoint = ACREndpoint(loginServer: registry.loginServer)
        }
        endpoints[registry] = endpoint
        return endpoint
    }
}
