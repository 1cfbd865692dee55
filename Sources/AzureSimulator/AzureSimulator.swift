import Crypto
import Foundation
import Logging
import SimulatorPKI
import Synchronization
import _CryptoExtras

/// A fake Entra ID, IMDS, App Service identity endpoint and ACR token service over HTTPS on 127.0.0.1.
///
/// Create it, register tenants, apps, identities and registries, `start()` it, point clients at its URLs (valid
/// once started) and trust `caCertificatePEM`. Every endpoint counts its requests and can be scripted to fail.
public final class AzureSimulator: Sendable {
    /// Start-up settings.
    public struct Configuration: Sendable {
        /// Initial token lifetimes (changeable later with `setTokenLifetimes`).
        public var lifetimes: TokenLifetimes
        /// `iss` of registry refresh and access tokens (docker-registry's `auth.token.issuer`).
        public var acrIssuer: String
        /// Issuer of the federated (Kubernetes service-account) tokens the simulator mints.
        public var oidcIssuer: String
        /// Extra HTTPS listeners, each usable as a registry login server `127.0.0.1:<port>`.
        public var registryListeners: Int
        /// Clock skew tolerated on client assertions' `exp` / `nbf`.
        public var assertionClockSkew: Duration
        /// Largest request body accepted; larger ones get 413.
        public var maxBodyBytes: Int
        public var logger: Logger
        /// The simulator's wall clock: tokens are issued and checked against it (tests pass a manual one).
        public var now: @Sendable () -> Date = { Date() }

        public init(
            lifetimes: TokenLifetimes = TokenLifetimes(),
            acrIssuer: String = "Azure Container Registry",
            oidcIssuer: String = "https://oidc.simulator.pullkeeper.invalid/cluster",
            registryListeners: Int = 0,
            assertionClockSkew: Duration = .seconds(60),
            maxBodyBytes: Int = 256 * 1024,
            logger: Logger = Logger(label: "pullkeeper.azure-simulator", factory: { _ in SwiftLogNoOpLogHandler() })
        ) {
            self.lifetimes = lifetimes
            self.acrIssuer = acrIssuer
            self.oidcIssuer = oidcIssuer
            self.registryListeners = registryListeners
            self.assertionClockSkew = assertionClockSkew
            self.maxBodyBytes = maxBodyBytes
            self.logger = logger
        }
    }

    /// Lifetimes of the tokens the simulator issues.
    public struct TokenLifetimes: Sendable, Hashable {
        /// Entra access tokens from the v2 endpoint (secret, certificate, federated).
        public var entra: Duration
        /// Managed-identity tokens (IMDS, App Service).
        public var managedIdentity: Duration
        /// ACR refresh tokens from `/oauth2/exchange`.
        public var refresh: Duration
        /// ACR access tokens from `/oauth2/token`.
        public var access: Duration

        public init(
            entra: Duration = .seconds(3599),
            managedIdentity: Duration = .seconds(86_399),
            refresh: Duration = .seconds(3 * 3600),
            access: Duration = .seconds(4500)
        ) {
            self.entra = entra
            self.managedIdentity = managedIdentity
            self.refresh = refresh
            self.access = access
        }
    }

    let configuration: Configuration
    let pki: SimulatorPKI
    let tlsCertificate: IssuedCertificate
    let signingCertificate: IssuedCertificate
    let signingKey: _RSA.Signing.PrivateKey
    /// Signs Entra access tokens and the federated tokens of the simulated OIDC issuer.
    let entraKey: _RSA.Signing.PrivateKey
    let entraKeyID: String
    let signingKeyID: String
    let state: Mutex<SimState>
    let runtime = Mutex(SimRuntime())
    var logger: Logger { configuration.logger }

    /// PEM of the CA that issued the TLS certificate (and the token-signing certificate).
    public let caCertificatePEM: String
    /// PEM of the certificate whose key signs registry tokens (docker-registry `rootcertbundle`).
    public let signingCertificatePEM: String
    /// The value App Service clients must send as `X-IDENTITY-HEADER`.
    public let appServiceHeader: String
    /// Bearer token of the control endpoint `POST /_simulator/roles` (for test scripts in other processes).
    public let controlToken: String
    /// `iss` of the registry tokens (a docker-registry's `auth.token.issuer`).
    public var acrIssuer: String { configuration.acrIssuer }
    /// Issuer of the federated tokens from `issueFederatedToken`.
    public var oidcIssuer: String { configuration.oidcIssuer }

    /// A simulator with fresh key material (a new CA unless `pki` is given); nothing registered, not listening.
    public convenience init(configuration: Configuration = Configuration(), pki: SimulatorPKI? = nil) throws {
        try self.init(configuration: configuration, keys: try AzureSimulatorKeys.generate(pki: pki))
    }

    /// A simulator with the given key material (tests share one set: RSA key generation is slow in debug builds).
    public init(configuration: Configuration = Configuration(), keys: AzureSimulatorKeys) throws {
        self.configuration = configuration
        pki = keys.pki
        tlsCertificate = keys.tlsCertificate
        signingCertificate = keys.signingCertificate
        signingKey = try _RSA.Signing.PrivateKey(pemRepresentation: signingCertificate.privateKeyPEM)
        entraKey = keys.entraKey
        entraKeyID = SimBase64.url(SHA256.hash(data: entraKey.publicKey.derRepresentation)).prefix(16).description
        signingKeyID = Self.libtrustKeyID(spki: Array(signingKey.publicKey.derRepresentation))
        caCertificatePEM = pki.caCertificatePEM
        signingCertificatePEM = signingCertificate.certificatePEM
        appServiceHeader = UUID().uuidString.lowercased()
        controlToken = UUID().uuidString.lowercased()
        state = Mutex(SimState(lifetimes: configuration.lifetimes))
    }

    /// docker/libtrust key ID: SHA-256 of the SPKI DER, first 30 bytes, base32, 12 groups of 4 joined by `:`.
    static func libtrustKeyID(spki: [UInt8]) -> String {
        let encoded = Array(SimBase64.base32(Array(SHA256.hash(data: spki).prefix(30))))
        return stride(from: 0, to: 48, by: 4).map { String(encoded[$0..<$0 + 4]) }.joined(separator: ":")
    }

    /// An RSA client certificate from the simulator CA, for certificate-credential apps (`addCertificate`).
    public func issueClientCertificate(commonName: String) throws -> IssuedCertificate {
        try pki.issue(commonName: commonName, dnsNames: [], ipAddresses: [], keyKind: .rsa2048, usage: .client)
    }

    /// A TLS server certificate from the simulator CA (for a real registry next to the simulator, e.g. a
    /// docker-registry on `127.0.0.1:5000`, so that `PULLKEEPER_SIM_CA` verifies it too).
    public func issueServerCertificate(
        commonName: String, ipAddresses: [String], dnsNames: [String] = []
    )
        throws -> IssuedCertificate
    {
        try pki.issue(commonName: commonName, dnsNames: dnsNames, ipAddresses: ipAddresses, keyKind: .rsa2048)
    }

    /// Writes `signingCertificatePEM` to a file (for a registry's `rootcertbundle`).
    public func writeSigningCertificate(to path: String) throws {
        try Data(signingCertificatePEM.utf8).write(to: URL(fileURLWithPath: path), options: .atomic)
    }

    /// Writes `caCertificatePEM` to a file (for clients' CA bundle).
    public func writeCACertificate(to path: String) throws {
        try Data(caCertificatePEM.utf8).write(to: URL(fileURLWithPath: path), options: .atomic)
    }

    /// Current token lifetimes.
    public var tokenLifetimes: TokenLifetimes { state.withLock { $0.lifetimes } }

    /// Changes the lifetimes of tokens issued from now on.
    public func setTokenLifetimes(_ lifetimes: TokenLifetimes) {
        state.withLock { $0.lifetimes = lifetimes }
    }
}
