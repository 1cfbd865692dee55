import Crypto
import Foundation
import Logging
import PullKeeperCore

/// The token cache shared by the whole process: one entry per identity × registry × scope, single-flight
/// (concurrent callers share one request, including the Entra ID / IMDS step, which is itself shared per
/// identity × audience across registries), refreshed ahead of expiry, never handing out an expired token.
///
/// With a `probe`, every new credential is tried against its registry as part of that one request (the
/// self-check): a credential the registry refuses is never cached nor handed out, and callers sharing the request
/// share the check. Static logins are checked the same way (`password`, then `password2`) and trusted for
/// `staticRecheck`, since a password rotated at the registry brings no file change.
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

    let acr: ACRClient
    let probe: RegistryProbe?
    let staticRecheck: Duration
    let refreshMargin: Duration
    private let imdsLimiter: TokenBucket
    let now: @Sendable () -> Date
    let logger: Logger
    private let observer: (@Sendable (TokenRequestRecord) -> Void)?
    private var entraTokens: [EntraKey: Entry<AccessToken>] = [:]
    private var registryTokens: [RegistryKey: Entry<RegistryCredential>] = [:]
    private var endpoints: [RegistryTarget: ACREndpoint] = [:]
    /// Counts `invalidate` calls: a value cached before one is not put back after a failed refresh.
    var invalidations = 0

    /// `refreshMargin`: how long before expiry a token is replaced (at most half its lifetime);
    /// `imdsLimiter`: shared by every managed-identity request (default 5 per second); `observer` hears of every
    /// request to Entra ID, IMDS and registries (for metrics).
    public init(
        transport: any HTTPTransport, refreshMargin: Duration = .seconds(300),
        imdsLimiter: TokenBucket = .instanceMetadata(), registryRetry: RetryPolicy = .none,
        probe: RegistryProbe? = nil, staticRecheck: Duration = .seconds(300),
        now: @escaping @Sendable () -> Date = Date.init, logger: Logger,
        observer: (@Sendable (TokenRequestRecord) -> Void)? = nil
    ) {
        self.observer = observer
        self.probe = probe
        self.staticRecheck = staticRecheck
        self.acr = ACRClient(transport: transport, retry: registryRetry)
        self.refreshMargin = refreshMargin
        self.imdsLimiter = imdsLimiter
        self.now = now
        self.logger = logger
    }

    /// The docker credential for `identity` on `registry`: the refresh token when `scope` is nil, a scoped access
    /// token otherwise; static identities return their username and password (scope ignored).
    ///
    /// `mustExpireAfter`: a cached token that expires at or before this is not handed out; the one request that
    /// replaces it is shared by every caller, so a thousand Secrets renewing one token cause one exchange.
    public func credential(
        identity: RegistryIdentity, registry: RegistryTarget, scope: String? = nil, mustExpireAfter: Date? = nil
    ) async throws -> RegistryCredential {
        var scoped = self.logger
        scoped[metadataKey: "identity.name"] = "\(identity.name)"
        scoped[metadataKey: "registry.host"] = "\(registry.loginServer)"
        let logger = scoped
        do {
            switch identity.kind {
            case .static(let source):
                let logins = try source.logins()
                guard let probe else {
                    return RegistryCredential(
                        loginServer: registry.loginServer, username: logins[0].username, password: logins[0].password,
                        expiresOn: nil, kind: .static)
                }
                // The key holds the logins' fingerprint: new file contents are a new entry, checked again.
                let key = RegistryKey(
                    identity: identity.name, loginServer: registry.loginServer,
                    scope: "static:" + Self.fingerprint(logins))
                return try await shared(
                    read: { registryTokens[key] }, write: { registryTokens[key] = $0 }, ttl: staticRecheck,
                    logger: logger
                ) { provider in
                    try await provider.firstAccepted(logins, registry: registry, probe: probe, logger: logger)
                }
            case .entra(let credential):
                let key = RegistryKey(identity: identity.name, loginServer: registry.loginServer, scope: scope ?? "")
                return try await shared(
                    read: { registryTokens[key] }, write: { registryTokens[key] = $0 },
                    mustExpireAfter: mustExpireAfter,
                    logger: logger
                ) { provider in
                    try await provider.fetchRegistry(identity, credential, registry, scope, logger)
                }
            }
        } catch let error as AzureAuthError {
            let named = error.forIdentity(identity.name)
            // The cause in words (a host, a status, "cannot resolve ..."): AzureAuthError never holds secret material.
            logger.warning(
                "token request failed", metadata: ["error.code": "\(named.code)", "error": "\(named.detail)"])
            throw named
        }
    }

    /// The cached credential, if one is ready and good (before its refresh time, expiring after `mustExpireAfter`);
    /// never a request.
    public func cachedCredential(
        identity: RegistryIdentity, registry: RegistryTarget, scope: String? = nil, mustExpireAfter: Date? = nil
    ) -> RegistryCredential? {
        let key = RegistryKey(identity: identity.name, loginServer: registry.loginServer, scope: scope ?? "")
        guard case .ready(let value, let refreshAt) = registryTokens[key], now() < refreshAt,
            value.outlives(mustExpireAfter), value.expiry.map({ $0 > now() }) ?? true
        else { return nil }
        return value
    }

    /// Drops cached tokens of an identity (all registries when `loginServer` is nil), e.g. after a registry
    /// refused one.
    public func invalidate(identity: String, loginServer: String? = nil) {
        invalidations += 1
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
            let token = try await observed(identity.name, registry.loginServer, "token") {
                try await acr.accessToken(
                    refreshToken: base.password, scopes: scope.split(separator: " ").map(String.init), at: endpoint,
                    tls: registry.tls, logger: logger)
            } expiry: {
                $0.expiresOn
            }
            let credential = RegistryCredential(
                loginServer: registry.loginServer, username: RegistryCredential.tokenUsername,
                password: token.token, expiresOn: token.expiresOn, kind: .accessToken)
            return try await selfChecked(credential, registry: registry, scope: scope, logger: logger)
        }
        let entraKey = EntraKey(identity: identity.name, scope: identity.scope)
        let accessToken = try await shared(
            read: { entraTokens[entraKey] }, write: { entraTokens[entraKey] = $0 }, logger: logger
        ) { provider in
            try await provider.observed(
                identity.name, registry.loginServer, entra.usesInstanceMetadata ? "imds" : "entra"
            ) {
                try await provider.fetchEntra(entra, scope: identity.scope, logger: logger)
            } expiry: {
                $0.expiresOn
            }
        }
        let endpoint = try await endpoint(for: registry, logger: logger)
        let refresh = try await observed(identity.name, registry.loginServer, "exchange") {
            try await acr.exchange(accessToken, at: endpoint, tenant: entra.tenantID, tls: registry.tls, logger: logger)
        } expiry: {
            $0.expiresOn
        }
        let credential = RegistryCredential(
            loginServer: registry.loginServer, username: RegistryCredential.tokenUsername, password: refresh.token,
            expiresOn: refresh.expiresOn, kind: .refreshToken)
        return try await selfChecked(credential, registry: registry, scope: nil, logger: logger)
    }

    /// Tries a new credential against its registry (when a probe is set): refused, it is an error and never
    /// cached; a registry that cannot be asked now is a retryable error.
    private func selfChecked(
        _ credential: RegistryCredential, registry: RegistryTarget, scope: String?, logger: Logger
    ) async throws -> RegistryCredential {
        guard let probe else { return credential }
        let login = RegistryLogin(username: credential.username, password: credential.password)
        switch await probe.check(
            login, loginServer: registry.loginServer, scope: scope, tls: registry.tls, logger: logger)
        {
        case .accepted:
            return credential
        case .rejected(let reason):
            throw AzureAuthError(
                code: .credentialRejected, detail: "the registry refused the new credential: \(reason)",
                registry: registry.loginServer)
        case .unavailable(let reason):
            throw AzureAuthError(
                code: .serverUnavailable, detail: "self-check: the registry is unavailable: \(reason)",
                registry: registry.loginServer)
        }
    }

    /// The first static login the registry accepts, `password` before `password2`.
    private func firstAccepted(
        _ logins: [RegistryLogin], registry: RegistryTarget, probe: RegistryProbe, logger: Logger
    ) async throws -> RegistryCredential {
        var refusals: [String] = []
        for (index, login) in logins.enumerated() {
            switch await probe.check(login, loginServer: registry.loginServer, tls: registry.tls, logger: logger) {
            case .accepted:
                if index > 0 { logger.notice("registry refused password, using password2") }
                return RegistryCredential(
                    loginServer: registry.loginServer, username: login.username, password: login.password,
                    expiresOn: nil, kind: .static)
            case .rejected(let reason):
                refusals.append("\(index == 0 ? "password" : "password2"): \(reason)")
            case .unavailable(let reason):
                throw AzureAuthError(
                    code: .serverUnavailable, detail: "self-check: the registry is unavailable: \(reason)",
                    registry: registry.loginServer)
            }
        }
        throw AzureAuthError(
            code: .credentialRejected,
            detail: "the registry refused every static password (\(refusals.joined(separator: "; ")))",
            registry: registry.loginServer)
    }

    /// A digest of logins, for cache keys (never the logins themselves).
    static func fingerprint(_ logins: [RegistryLogin]) -> String {
        var hasher = SHA256()
        for login in logins {
            hasher.update(data: Data("\(login.username)\u{0}\(login.password)\u{0}".utf8))
        }
        return hasher.finalize().hexEncoded
    }

    private func fetchEntra(
        _ credential: any TokenCredential, scope: String, logger: Logger
    ) async throws -> AccessToken {
        if credential.usesInstanceMetadata { try await imdsLimiter.acquire() }
        let token = try await credential.token(for: scope, logger: logger)
        let expiresOn = token.expiresOn  // only the expiry is logged, never the token
        logger.debug("Entra ID token obtained", metadata: ["token.expires_at": "\(expiresOn)"])
        return token
    }

    /// Runs one request and tells the observer how it went.
    private func observed<Value>(
        _ identity: String, _ registry: String, _ endpoint: String, _ request: () async throws -> Value,
        expiry: (Value) -> Date?
    ) async throws -> Value {
        do {
            let value = try await request()
            observer?(
                TokenRequestRecord(
                    identity: identity, registry: registry, endpoint: endpoint, succeeded: true,
                    expiresOn: expiry(value)))
            return value
        } catch {
            observer?(
                TokenRequestRecord(
                    identity: identity, registry: registry, endpoint: endpoint, succeeded: false, expiresOn: nil))
            throw error
        }
    }

    func endpoint(for registry: RegistryTarget, logger: Logger) async throws -> ACREndpoint {
        if let known = endpoints[registry] { return known }
        let endpoint: ACREndpoint
        if let authEndpoint = registry.authEndpoint {
            // A registry in front of another token service (a proxy, docker-registry with auth.token, the
            // simulator) names it in its challenge, as clients see it; without a usable challenge the configured
            // endpoint serves with the login server as `service`.
            do {
                endpoint = try await acr.discover(
                    loginServer: registry.loginServer, authBaseURL: "https://\(registry.loginServer)",
                    tls: registry.tls, logger: logger)
            } catch {
                logger.debug("no challenge on the login server; using authEndpoint", metadata: ["error": "\(error)"])
                endpoint = ACREndpoint(loginServer: registry.loginServer, authBaseURL: authEndpoint)
            }
        } else {
            endpoint = ACREndpoint(loginServer: registry.loginServer)
        }
        endpoints[registry] = endpoint
        return endpoint
    }
}

/// One request the token cache made, for metrics: `endpoint` is `entra`, `imds`, `exchange` or `token`.
public struct TokenRequestRecord: Sendable, Hashable {
    public var identity: String
    public var registry: String
    public var endpoint: String
    public var succeeded: Bool
    /// Expiry of the token obtained, when it succeeded.
    public var expiresOn: Date?
}
