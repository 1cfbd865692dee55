import AzureAuth
import Foundation
import PullKeeperConfig
import PullKeeperCore

/// Maps the operator configuration to AzureAuth credentials and registry targets (shared by `token`, `login`
/// and the controller). Commands are the only code reading the environment; they pass it in here.
public struct CredentialFactory: Sendable {
    public let config: OperatorConfig
    public let environment: [String: String]
    public let transport: any HTTPTransport
    /// `transport` with `timeouts.entra` (Entra ID, workload identity) and `timeouts.imds` (managed identity).
    let entraTransport: any HTTPTransport
    let imdsTransport: any HTTPTransport
    /// The cloud with the configured (or `AZURE_AUTHORITY_HOST`) authority host applied.
    public let cloud: AzureCloud
    /// Trust for Entra ID and IMDS: the system roots plus `caFile`.
    public let azureTLS: TLSOptions
    /// Retries of Entra ID requests (managed identity has its own azidentity defaults).
    public var entraRetry: RetryPolicy
    /// Retries of managed-identity requests.
    public var managedIdentityRetry: RetryPolicy
    /// The clock retries wait on, and whose wall clock turns `expires_in` into `expiresOn`.
    public let clock: RuntimeClock

    /// Name of the identity built from the `AZURE_*` variables when the config has none of that name.
    public static let environmentIdentityName = "env"

    public init(
        config: OperatorConfig, environment: [String: String], transport: any HTTPTransport,
        entraRetry: RetryPolicy = RetryPolicy(
            maxAttempts: 3, initialDelay: .seconds(1), maxDelay: .seconds(10), jitter: 0, maxRetryAfter: .seconds(10)),
        managedIdentityRetry: RetryPolicy = .managedIdentity, clock: RuntimeClock = .system
    ) {
        self.clock = clock
        self.config = config
        self.environment = environment
        self.transport = transport
        self.entraTransport = TimeoutTransport(transport, timeout: config.timeouts.entra, clock: clock)
        self.imdsTransport = TimeoutTransport(transport, timeout: config.timeouts.imds, clock: clock)
        self.entraRetry = entraRetry
        self.managedIdentityRetry = managedIdentityRetry
        // Retries wait on the injected clock (tests move it by hand).
        self.entraRetry.sleep = { try await clock.sleep(for: $0) }
        self.managedIdentityRetry.sleep = { try await clock.sleep(for: $0) }
        self.cloud = Self.cloud(for: config, environment: environment)
        self.azureTLS = TLSOptions(caFiles: config.caFile.map { [$0] } ?? [])
    }

    /// The Entra cloud settings: explicit `authorityHost` > `AZURE_AUTHORITY_HOST` > the cloud's own.
    public static func cloud(for config: OperatorConfig, environment: [String: String]) -> AzureCloud {
        let base: AzureCloud
        switch config.cloud {
        case .public: base = .azurePublic
        case .china: base = .azureChina
        case .usgov: base = .azureUSGovernment
        case .custom:
            base = AzureCloud(
                authorityHost: config.authorityHost ?? environment["AZURE_AUTHORITY_HOST"] ?? "",
                registrySuffix: config.registrySuffixes.first ?? "", armAudience: config.cloud.armAudience)
        }
        let override = [config.authorityHost, environment["AZURE_AUTHORITY_HOST"]]
            .compactMap { $0 }.first { !$0.isEmpty }
        return base.withAuthorityHost(override)
    }

    /// The Entra scope requested before the exchange (`tokenAudience`).
    public var entraScope: String {
        cloud.scope(for: config.tokenAudience == .arm ? .arm : .acr)
    }

    /// The identity `name` (or `defaultIdentity`); `env` falls back to the environment when not configured.
    public func identity(named name: String?) throws -> RegistryIdentity {
        guard let name = name ?? config.defaultIdentity else {
            throw AzureAuthError(
                code: .invalidConfiguration, detail: "no --identity given and the config has no defaultIdentity")
        }
        if let configured = config.identity(named: name) {
            return RegistryIdentity(name: name, kind: try kind(for: configured.credential), scope: entraScope)
        }
        if name == Self.environmentIdentityName {
            return RegistryIdentity(name: name, kind: try kind(for: .environment), scope: entraScope)
        }
        let known = config.identities.map(\.name).joined(separator: ", ")
        throw AzureAuthError(
            code: .invalidConfiguration,
            detail: "identity \(name) is not configured (known: \(known.isEmpty ? "none" : known))")
    }

    /// The registry as the token cache sees it: its explicit entry (auth endpoint, CA) if any.
    public func registry(_ loginServer: String) -> RegistryTarget {
        let key = loginServer.lowercased()
        guard let entry = config.registries.first(where: { $0.loginServer.lowercased() == key }) else {
            return RegistryTarget(loginServer: loginServer, tls: azureTLS)
        }
        return RegistryTarget(
            loginServer: entry.loginServer, authEndpoint: entry.authEndpoint, tls: azureTLS.adding(caFile: entry.caFile)
        )
    }

    /// Whether the registry is allowed: an explicit entry, or a host under the cloud's or an extra suffix.
    public func isAllowed(registry loginServer: String) -> Bool {
        let host = loginServer.lowercased()
        if config.registries.contains(where: { $0.loginServer.lowercased() == host }) { return true }
        let suffixes = ([cloud.registrySuffix] + config.registrySuffixes).filter { !$0.isEmpty }
        return suffixes.contains { suffix in
            let dotted = suffix.hasPrefix(".") ? suffix.lowercased() : "." + suffix.lowercased()
            return host.hasSuffix(dotted) && host.count > dotted.count
        }
    }

    /// Whether `identity` may be used for `registry` (its `registries` list, when set).
    public func identity(_ name: String, mayUse loginServer: String) -> Bool {
        guard let allowed = config.identity(named: name)?.registries else { return true }
        return allowed.contains { $0.lowercased() == loginServer.lowercased() }
    }

    func kind(for credential: CredentialConfig) throws -> RegistryIdentity.Kind {
        let host = cloud.authorityHost
        switch credential {
        case .servicePrincipal(let sp):
            if let path = sp.certificateFile {
                return .entra(
                    ClientCertificateCredential(
                        tenantID: sp.tenantID, clientID: sp.clientID, certificateFile: path,
                        algorithm: sp.legacyRS256 ? .rs256 : .ps256, sendCertificateChain: sp.sendCertificateChain,
                        authorityHost: host, transport: entraTransport, tls: azureTLS, retry: entraRetry,
                        now: clock.date))
            }
            guard let path = sp.clientSecretFile else {
                throw AzureAuthError(
                    code: .invalidConfiguration, detail: "servicePrincipal needs clientSecretFile or certificateFile")
            }
            return .entra(
                ClientSecretCredential(
                    tenantID: sp.tenantID, clientID: sp.clientID, secretFile: path, authorityHost: host,
                    transport: entraTransport, tls: azureTLS, retry: entraRetry, now: clock.date))
        case .managedIdentity(let mi):
            return .entra(
                ManagedIdentityCredential(
                    selector: selector(mi.selector), endpoint: managedIdentityEndpoint(mi), transport: imdsTransport,
                    tls: azureTLS, retry: managedIdentityRetry, now: clock.date))
        case .workloadIdentity(let wi):
            return .entra(
                WorkloadIdentityCredential(
                    tenantID: wi.tenantID, clientID: wi.clientID, tokenFile: wi.tokenFile, authorityHost: host,
                    transport: entraTransport, tls: azureTLS, retry: entraRetry, now: clock.date))
        case .environment:
            return .entra(
                try EnvironmentCredential.make(
                    environment: environment, defaultAuthorityHost: host, transport: entraTransport, tls: azureTLS,
                    retry: entraRetry, now: clock.date))
        case .static(let credential):
            return .static(credential)
        }
    }

    private func selector(_ selector: CredentialConfig.ManagedIdentity.Selector) -> ManagedIdentityCredential.Selector {
        switch selector {
        case .systemAssigned: .systemAssigned
        case .clientID(let id): .clientID(id)
        case .objectID(let id): .objectID(id)
        case .resourceID(let id): .resourceID(id)
        }
    }

    /// An explicit IMDS endpoint wins; else App Service's `IDENTITY_ENDPOINT` + `IDENTITY_HEADER`; else IMDS.
    private func managedIdentityEndpoint(_ mi: CredentialConfig.ManagedIdentity) -> ManagedIdentityCredential.Endpoint {
        if let endpoint = mi.endpoint, !endpoint.isEmpty { return .imds(baseURL: endpoint) }
        if let endpoint = environment["IDENTITY_ENDPOINT"], let header = environment["IDENTITY_HEADER"],
            !endpoint.isEmpty, !header.isEmpty
        {
            return .appService(endpoint: endpoint, header: header)
        }
        return .defaultIMDS
    }
}
