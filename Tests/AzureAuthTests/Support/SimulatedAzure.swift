import AzureAuth
import AzureSimulator
import Foundation
import Logging
import PullKeeperCore
import SimulatorPKI

/// A started AzureSimulator (HTTPS on loopback, two registry listeners) with the tenant, apps, managed identities
/// and registries these tests use, and the real `AsyncHTTPTransport` (tapped by `RecordingTransport`) trusting the
/// simulator's CA.
struct SimulatedAzure: Sendable {
    /// RSA key generation is slow in debug builds: every simulator of the test process shares one key set and one
    /// client certificate.
    static let keys = Result { try AzureSimulatorKeys.generate() }
    /// Registered on `App.certificate` (and on no other app).
    static let certificate = Result {
        try keys.get().pki.issue(
            commonName: "sp-cert", dnsNames: [], ipAddresses: [], keyKind: .rsa2048, usage: .client)
    }

    static let tenant = "6a1c5e2f-4b3d-4e8a-9f70-1b2c3d4e5f60"
    static let tenantDomain = "pullkeeper-tests.onmicrosoft.com"
    /// The service account a federated credential of `App.workload` names.
    static let subject = "system:serviceaccount:pullkeeper:pullkeeper"
    static let adminUser = "pullkeepertests"
    /// The Entra scope for ACR.
    static let scope = AzureCloud.azurePublic.scope(for: .acr)
    static let quiet = Logger(label: "test") { _ in SwiftLogNoOpLogHandler() }

    /// Client IDs of the app registrations and the role each has on `registry` (none on `deniedRegistry`).
    enum App {
        /// Client secret; AcrPull.
        static let secret = "0a5e1f3c-1111-4c2d-8e9f-000000000001"
        /// Only an expired client secret; AcrPull.
        static let expired = "0a5e1f3c-1111-4c2d-8e9f-000000000002"
        /// `SimulatedAzure.certificate`; AcrPull.
        static let certificate = "0a5e1f3c-1111-4c2d-8e9f-000000000003"
        /// Federated credential for `subject` from the simulator's OIDC issuer; AcrPull.
        static let workload = "0a5e1f3c-1111-4c2d-8e9f-000000000004"
        /// Client secret; AcrPush.
        static let push = "0a5e1f3c-1111-4c2d-8e9f-000000000005"
        /// Client secret; Owner.
        static let owner = "0a5e1f3c-1111-4c2d-8e9f-000000000006"
        /// Client secret; no role anywhere.
        static let noRole = "0a5e1f3c-1111-4c2d-8e9f-000000000007"
    }

    /// The host's managed identities, both with AcrPull on `registry`.
    enum Managed {
        static let userClientID = "5e6f7a8b-3333-4c4d-8e9f-0a1b2c3d4e01"
        static let userObjectID = "5e6f7a8b-3333-4c4d-8e9f-0a1b2c3d4e02"
        static let userResourceID =
            "/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/tests/providers/"
            + "Microsoft.ManagedIdentity/userAssignedIdentities/pullkeeper"
        static let systemClientID = "5e6f7a8b-3333-4c4d-8e9f-0a1b2c3d4e03"
        static let systemObjectID = "5e6f7a8b-3333-4c4d-8e9f-0a1b2c3d4e04"
    }

    let simulator: AzureSimulator
    let transport: RecordingTransport
    let files: TempDirectory
    /// Every ready-to-use secret app's client secret (random per simulator).
    let secret: String
    let adminPassword: String
    let adminPassword2: String
    /// The login server every principal but `App.noRole` may pull from.
    let registry: String
    /// A login server on which nobody has a role.
    let deniedRegistry: String
    /// Trust for every simulator endpoint.
    var tls: TLSOptions { TLSOptions(caPEMs: [simulator.caCertificatePEM]) }

    /// Runs `body` against a fresh simulator and always shuts both simulator and transport down.
    static func with<T>(
        lifetimes: AzureSimulator.TokenLifetimes = .init(), simulatorLogger: Logger? = nil,
        _ body: (SimulatedAzure) async throws -> T
    ) async throws -> T {
        var configuration = AzureSimulator.Configuration(lifetimes: lifetimes, registryListeners: 2)
        if let simulatorLogger { configuration.logger = simulatorLogger }
        let simulator = try AzureSimulator(configuration: configuration, keys: try keys.get())
        try await simulator.start()
        let transport = RecordingTransport(AsyncHTTPTransport())
        do {
            let result = try await body(try SimulatedAzure(simulator: simulator, transport: transport))
            try? await transport.shutdown()
            await simulator.shutdown()
            return result
        } catch {
            try? await transport.shutdown()
            await simulator.shutdown()
            throw error
        }
    }

    private init(simulator: AzureSimulator, transport: RecordingTransport) throws {
        self.simulator = simulator
        self.transport = transport
        files = try TempDirectory()
        secret = "sim8Q~secret-" + UUID().uuidString
        adminPassword = "admin-password-" + UUID().uuidString
        adminPassword2 = "admin-password2-" + UUID().uuidString
        let listeners = simulator.registryListenerHosts
        guard listeners.count == 2 else { throw SimulatorSetupError.listeners(listeners) }
        registry = listeners[0]
        deniedRegistry = listeners[1]

        simulator.addTenant(Self.tenant, domains: [Self.tenantDomain])
        simulator.addRegistry(registry)
        simulator.addRegistry(deniedRegistry)
        let apps: [(String, AcrRole?)] = [
            (App.secret, .acrPull), (App.expired, .acrPull), (App.certificate, .acrPull), (App.workload, .acrPull),
            (App.push, .acrPush), (App.owner, .owner), (App.noRole, nil),
        ]
        for (clientID, role) in apps {
            try simulator.addApplication(tenant: Self.tenant, clientID: clientID)
            if let role { try simulator.assignRole(role, principal: clientID, registry: registry) }
        }
        for clientID in [App.secret, App.push, App.owner, App.noRole] {
            try simulator.addClientSecret(tenant: Self.tenant, clientID: clientID, secret: secret)
        }
        try simulator.addClientSecret(tenant: Self.tenant, clientID: App.expired, secret: secret, expired: true)
        try simulator.addCertificate(
            tenant: Self.tenant, clientID: App.certificate, certificatePEM: try Self.certificate.get().certificatePEM)
        try simulator.addFederatedCredential(
            tenant: Self.tenant, clientID: App.workload, issuer: simulator.oidcIssuer, subject: Self.subject)

        simulator.addManagedIdentity(
            tenant: Self.tenant, clientID: Managed.userClientID, objectID: Managed.userObjectID,
            resourceID: Managed.userResourceID)
        simulator.addManagedIdentity(
            tenant: Self.tenant, clientID: Managed.systemClientID, objectID: Managed.systemObjectID,
            systemAssigned: true)
        for clientID in [Managed.userClientID, Managed.systemClientID] {
            try simulator.assignRole(.acrPull, principal: clientID, registry: registry)
        }
        try simulator.enableAdmin(
            registry: registry, username: Self.adminUser, password: adminPassword, password2: adminPassword2)
    }

    // MARK: Credentials

    /// The registry as `TokenProvider` sees it: its challenge names the simulator's token service.
    func target(_ loginServer: String? = nil) -> RegistryTarget {
        RegistryTarget(loginServer: loginServer ?? registry, authEndpoint: simulator.registryAuthEndpoint, tls: tls)
    }

    func secretCredential(
        clientID: String = App.secret, secret: String? = nil, tenant: String = tenant, retry: RetryPolicy = .none
    ) throws -> ClientSecretCredential {
        ClientSecretCredential(
            tenantID: tenant, clientID: clientID,
            secretFile: try files.write("secret-\(UUID())", secret ?? self.secret),
            authorityHost: simulator.authorityHost, transport: transport, tls: tls, retry: retry)
    }

    /// A PEM file with the certificate's key and certificate.
    func certificateFile(_ certificate: IssuedCertificate) throws -> String {
        try files.write("cert-\(UUID()).pem", certificate.privateKeyPEM + certificate.certificatePEM)
    }

    /// `SimulatedAzure.certificate` for `clientID` (an app that does not know it refuses the assertion).
    func certificateCredential(
        algorithm: ClientAssertion.Algorithm = .ps256, clientID: String = App.certificate
    ) throws -> ClientCertificateCredential {
        ClientCertificateCredential(
            tenantID: Self.tenant, clientID: clientID, certificateFile: try certificateFile(Self.certificate.get()),
            algorithm: algorithm, authorityHost: simulator.authorityHost, transport: transport, tls: tls)
    }

    /// A file holding a service-account token of the simulator's OIDC issuer.
    func federatedTokenFile(subject: String = subject) throws -> String {
        try files.write("token-\(UUID())", try simulator.issueFederatedToken(subject: subject))
    }

    func workloadCredential(subject: String = subject) throws -> WorkloadIdentityCredential {
        WorkloadIdentityCredential(
            tenantID: Self.tenant, clientID: App.workload, tokenFile: try federatedTokenFile(subject: subject),
            authorityHost: simulator.authorityHost, transport: transport, tls: tls)
    }

    func managedIdentity(
        _ selector: ManagedIdentityCredential.Selector, retry: RetryPolicy = .none
    ) -> ManagedIdentityCredential {
        ManagedIdentityCredential(
            selector: selector, endpoint: .imds(baseURL: simulator.imdsEndpoint), transport: transport, tls: tls,
            retry: retry)
    }

    func appServiceIdentity(
        _ selector: ManagedIdentityCredential.Selector, header: String? = nil
    ) -> ManagedIdentityCredential {
        ManagedIdentityCredential(
            selector: selector,
            endpoint: .appService(
                endpoint: simulator.appServiceEndpoint, header: header ?? simulator.appServiceHeader),
            transport: transport, tls: tls, retry: .none)
    }

    func adminCredential() throws -> StaticFiles {
        StaticFiles(
            username: Self.adminUser, passwordFile: try files.write("admin-password-\(UUID())", adminPassword),
            password2File: try files.write("admin-password2-\(UUID())", adminPassword2))
    }

    func provider(logger: Logger = quiet) -> TokenProvider {
        TokenProvider(transport: transport, logger: logger)
    }

    // MARK: Registry checks

    /// Docker-style `GET /oauth2/token` with Basic auth for `scope`: the access token when the login is accepted.
    func basicAccessToken(
        username: String, password: String, scope: String, registry: String? = nil
    ) async throws -> (status: Int, token: String?) {
        let query = FormEncoding.encode([("service", registry ?? self.registry), ("scope", scope)])
        let basic = Data("\(username):\(password)".utf8).base64EncodedString()
        let response = try await transport.send(
            HTTPRequestData(
                method: .get, url: simulator.realm + "?" + query, headers: [("Authorization", "Basic \(basic)")],
                tls: tls))
        let object = (try? JSONSerialization.jsonObject(with: Data(response.body))) as? [String: Any]
        return (response.status, object?["access_token"] as? String)
    }

    /// `GET /v2/<repository>/manifests/latest` on the registry with a Bearer token: 404 (the simulator stores no
    /// content) when the token grants pull on the repository, 401 when it does not.
    func pullStatus(token: String, repository: String, registry: String? = nil) async throws -> Int {
        let response = try await transport.send(
            HTTPRequestData(
                method: .get, url: "https://\(registry ?? self.registry)/v2/\(repository)/manifests/latest",
                headers: [("Authorization", "Bearer \(token)")], tls: tls))
        return response.status
    }

    // MARK: JWTs

    /// The decoded payload of a JWT (empty when it is not one).
    static func claims(_ jwt: String) -> [String: Any] { segment(jwt, 1) }

    /// The decoded header of a JWT (empty when it is not one).
    static func header(_ jwt: String) -> [String: Any] { segment(jwt, 0) }

    private static func segment(_ jwt: String, _ index: Int) -> [String: Any] {
        let parts = jwt.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3, let bytes = LenientBase64.decode(parts[index]) else { return [:] }
        return (try? JSONSerialization.jsonObject(with: Data(bytes))) as? [String: Any] ?? [:]
    }

    /// An integer claim.
    static func integer(_ claims: [String: Any], _ name: String) -> Int? {
        (claims[name] as? NSNumber)?.intValue
    }
}

enum SimulatorSetupError: Error {
    case listeners([String])
}
