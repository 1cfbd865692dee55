import AzureAuth
import AzureSimulator
import Foundation
import PullKeeperCore
import Testing

private typealias App = SimulatedAzure.App
private typealias Managed = SimulatedAzure.Managed

/// Issue 4: every credential kind gets a token from the simulator over HTTPS, and a registry credential through
/// `TokenProvider` (exchange → refresh token whose `exp` is the simulator's refresh lifetime).
@Suite("Credentials against the AzureSimulator (HTTPS)")
struct SimulatorCredentialTests {
    /// Distinct lifetimes, so a token's `exp - iat` says which kind of token it is.
    static let lifetimes = AzureSimulator.TokenLifetimes(
        entra: .seconds(3_333), managedIdentity: .seconds(5_555), refresh: .seconds(7_321), access: .seconds(1_234))

    /// Gets an Entra ID (or managed-identity) token and checks whose it is and how long the simulator made it live.
    @discardableResult
    func expectToken(
        _ credential: any TokenCredential, appID: String, lifetime: Int
    ) async throws -> AccessToken {
        let token = try await credential.token(for: SimulatedAzure.scope, logger: SimulatedAzure.quiet)
        let claims = SimulatedAzure.claims(token.token)
        #expect(claims["appid"] as? String == appID)
        #expect(claims["aud"] as? String == "https://containerregistry.azure.net")
        #expect(claims["tid"] as? String == SimulatedAzure.tenant)
        #expect(token.tenant == SimulatedAzure.tenant)
        let exp = try #require(SimulatedAzure.integer(claims, "exp"))
        let iat = try #require(SimulatedAzure.integer(claims, "iat"))
        #expect(exp - iat == lifetime)
        #expect(token.expiresOn > Date())
        return token
    }

    /// Gets a registry credential through a fresh `TokenProvider` and checks it is an ACR refresh token for the
    /// registry and the principal, expiring at its `exp`, the simulator's refresh lifetime after `iat`.
    @discardableResult
    func expectRefreshToken(
        _ azure: SimulatedAzure, _ credential: any TokenCredential, appID: String
    ) async throws -> RegistryCredential {
        let exchanges = azure.simulator.requestCount(.exchange)
        let result = try await azure.provider().credential(
            identity: RegistryIdentity(name: "ci-sp", kind: .entra(credential)), registry: azure.target())
        #expect(result.kind == .refreshToken)
        #expect(result.username == "00000000-0000-0000-0000-000000000000")
        #expect(result.loginServer == azure.registry)
        let claims = SimulatedAzure.claims(result.password)
        #expect(claims["grant_type"] as? String == "refresh_token")
        #expect(claims["aud"] as? String == azure.registry)
        #expect(claims["appid"] as? String == appID)
        let exp = try #require(SimulatedAzure.integer(claims, "exp"))
        let iat = try #require(SimulatedAzure.integer(claims, "iat"))
        #expect(exp - iat == 7_321)
        #expect(result.expiresOn == Date(timeIntervalSince1970: TimeInterval(exp)))
        #expect(azure.simulator.requestCount(.exchange) == exchanges + 1)
        return result
    }

    @Test("client secret: Entra token and ACR refresh token")
    func clientSecret() async throws {
        try await SimulatedAzure.with(lifetimes: Self.lifetimes) { azure in
            let credential = try azure.secretCredential()
            try await expectToken(credential, appID: App.secret, lifetime: 3_333)
            try await expectRefreshToken(azure, credential, appID: App.secret)
            let sent = azure.transport.requests(path: "/oauth2/v2.0/token").map { $0.form["client_secret"] }
            #expect(sent == [[azure.secret], [azure.secret]])
            #expect(azure.simulator.requestCount(.entra) == 2)
        }
    }

    @Test("client secret: the tenant may be given by its verified domain name")
    func tenantByDomain() async throws {
        try await SimulatedAzure.with(lifetimes: Self.lifetimes) { azure in
            let credential = try azure.secretCredential(tenant: SimulatedAzure.tenantDomain)
            try await expectToken(credential, appID: App.secret, lifetime: 3_333)
        }
    }

    @Test(
        "certificate: PS256 with x5t#S256 and RS256 with x5t both get tokens",
        arguments: [ClientAssertion.Algorithm.ps256, .rs256])
    func certificate(algorithm: ClientAssertion.Algorithm) async throws {
        try await SimulatedAzure.with(lifetimes: Self.lifetimes) { azure in
            let credential = try azure.certificateCredential(algorithm: algorithm)
            try await expectToken(credential, appID: App.certificate, lifetime: 3_333)
            try await expectRefreshToken(azure, credential, appID: App.certificate)

            let assertions = azure.transport.requests(path: "/oauth2/v2.0/token").compactMap {
                $0.form["client_assertion"]?.first
            }
            #expect(assertions.count == 2)
            #expect(Set(assertions).count == 2, "every request signs a fresh assertion")
            for assertion in assertions {
                let header = SimulatedAzure.header(assertion)
                let claims = SimulatedAzure.claims(assertion)
                #expect(header["alg"] as? String == (algorithm == .ps256 ? "PS256" : "RS256"))
                #expect((header["x5t#S256"] != nil) == (algorithm == .ps256))
                #expect((header["x5t"] != nil) == (algorithm == .rs256))
                #expect(claims["aud"] as? String == azure.simulator.tokenURL(tenant: SimulatedAzure.tenant))
                #expect(claims["iss"] as? String == App.certificate)
                #expect(claims["sub"] as? String == App.certificate)
            }
        }
    }

    @Test("certificate: PS256 is the default")
    func certificateDefault() throws {
        let credential = ClientCertificateCredential(
            tenantID: SimulatedAzure.tenant, clientID: App.certificate, certificateFile: "/unused",
            transport: ScriptedTransport())
        #expect(credential.algorithm == .ps256)
    }

    struct Selection: Sendable, CustomTestStringConvertible {
        var name: String
        var selector: ManagedIdentityCredential.Selector
        var clientID: String
        var testDescription: String { name }
    }

    static let selections = [
        Selection(name: "client ID", selector: .clientID(Managed.userClientID), clientID: Managed.userClientID),
        Selection(name: "object ID", selector: .objectID(Managed.userObjectID), clientID: Managed.userClientID),
        Selection(
            name: "resource ID", selector: .resourceID(Managed.userResourceID), clientID: Managed.userClientID),
        Selection(name: "system-assigned", selector: .systemAssigned, clientID: Managed.systemClientID),
    ]

    @Test("managed identity via IMDS: each selector picks its identity", arguments: selections)
    func imds(selection: Selection) async throws {
        try await SimulatedAzure.with(lifetimes: Self.lifetimes) { azure in
            let credential = azure.managedIdentity(selection.selector)
            try await expectToken(credential, appID: selection.clientID, lifetime: 5_555)
            try await expectRefreshToken(azure, credential, appID: selection.clientID)
            #expect(azure.simulator.requestCount(.imds) == 2)
            let requests = azure.transport.requests(path: "/metadata/identity/oauth2/token")
            #expect(requests.count == 2)
            #expect(requests.allSatisfy { $0.header("Metadata") == "true" && $0.method == .get })
        }
    }

    @Test("managed identity via the App Service endpoint: each selector picks its identity", arguments: selections)
    func appService(selection: Selection) async throws {
        try await SimulatedAzure.with(lifetimes: Self.lifetimes) { azure in
            let credential = azure.appServiceIdentity(selection.selector)
            try await expectToken(credential, appID: selection.clientID, lifetime: 5_555)
            try await expectRefreshToken(azure, credential, appID: selection.clientID)
            #expect(azure.simulator.requestCount(.appService) == 2)
            #expect(azure.simulator.requestCount(.imds) == 0)
        }
    }

    @Test("workload identity: the federated token file is the assertion")
    func workloadIdentity() async throws {
        try await SimulatedAzure.with(lifetimes: Self.lifetimes) { azure in
            let credential = try azure.workloadCredential()
            try await expectToken(credential, appID: App.workload, lifetime: 3_333)
            try await expectRefreshToken(azure, credential, appID: App.workload)
            let file = try String(contentsOfFile: credential.tokenFile, encoding: .utf8)
            let sent = azure.transport.requests(path: "/oauth2/v2.0/token").map { $0.form["client_assertion"] }
            #expect(sent == [[file], [file]])
        }
    }

    enum EnvironmentVariant: String, CaseIterable, Sendable {
        case clientSecret, certificate, federatedTokenFile
    }

    @Test("the env identity from AZURE_* variables", arguments: EnvironmentVariant.allCases)
    func environment(variant: EnvironmentVariant) async throws {
        try await SimulatedAzure.with(lifetimes: Self.lifetimes) { azure in
            var environment = [
                "AZURE_TENANT_ID": SimulatedAzure.tenant, "AZURE_AUTHORITY_HOST": azure.simulator.authorityHost,
            ]
            let appID: String
            switch variant {
            case .clientSecret:
                appID = App.secret
                environment["AZURE_CLIENT_SECRET"] = azure.secret
            case .certificate:
                appID = App.certificate
                environment["AZURE_CLIENT_CERTIFICATE_PATH"] = try azure.certificateFile(
                    SimulatedAzure.certificate.get())
            case .federatedTokenFile:
                appID = App.workload
                environment["AZURE_FEDERATED_TOKEN_FILE"] = try azure.federatedTokenFile()
            }
            environment["AZURE_CLIENT_ID"] = appID
            // The default authority host is the public cloud's: only AZURE_AUTHORITY_HOST leads to the simulator.
            let credential = try EnvironmentCredential.make(
                environment: environment, transport: azure.transport, tls: azure.tls)
            try await expectToken(credential, appID: appID, lifetime: 3_333)
            try await expectRefreshToken(azure, credential, appID: appID)
        }
    }

    @Test("static admin account: password, then password2 when the password file is gone; the registry takes both")
    func staticAdmin() async throws {
        try await SimulatedAzure.with(lifetimes: Self.lifetimes) { azure in
            let credential = try azure.adminCredential()
            let identity = RegistryIdentity(name: "admin", kind: .static(credential))
            let provider = azure.provider()

            let first = try await provider.credential(identity: identity, registry: azure.target())
            #expect(first.kind == .static)
            #expect(first.username == SimulatedAzure.adminUser)
            #expect(first.password == azure.adminPassword)
            #expect(first.expiresOn == nil)
            try await expectAccepted(azure, first)

            // An emptied password file (a rotation in progress) and a missing one both fall back to password2.
            try azure.files.write(URL(fileURLWithPath: credential.passwordFile).lastPathComponent, "\n")
            let emptied = try await provider.credential(identity: identity, registry: azure.target())
            #expect(emptied.password == azure.adminPassword2)
            try FileManager.default.removeItem(atPath: credential.passwordFile)
            let second = try await provider.credential(identity: identity, registry: azure.target())
            #expect(second.username == SimulatedAzure.adminUser)
            #expect(second.password == azure.adminPassword2)
            try await expectAccepted(azure, second)

            // The registry does check: a password it does not know is refused.
            let refused = try await azure.basicAccessToken(
                username: SimulatedAzure.adminUser, password: "not-" + azure.adminPassword,
                scope: "repository:team-a/app:pull")
            #expect(refused.status == 401)
            #expect(azure.simulator.requestCount(.entra) == 0)
            #expect(azure.simulator.requestCount(.exchange) == 0)
        }
    }

    /// The docker flow with a static login: Basic at the realm for a pull scope, then the Bearer token on `/v2/`.
    func expectAccepted(_ azure: SimulatedAzure, _ login: RegistryCredential) async throws {
        let answer = try await azure.basicAccessToken(
            username: login.username, password: login.password, scope: "repository:team-a/app:pull")
        #expect(answer.status == 200)
        let token = try #require(answer.token)
        #expect(try await azure.pullStatus(token: token, repository: "team-a/app") == 404)
    }
}
