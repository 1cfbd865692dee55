import AzureAuth
import AzureSimulator
import Foundation
import PullKeeperCore
import Testing

private typealias App = SimulatedAzure.App
private typealias Managed = SimulatedAzure.Managed

/// Issue 4: answers that are not what the protocol says are errors, never crashes, where the simulator can produce
/// them over HTTPS. Elsewhere: truncated, huge and non-JSON bodies, binary garbage and malformed JWTs with scripted
/// transports (`BadInputBodyCatalogueTests`, `EntraCredentialTests.malformed`, `ACRClientTests.failures` and
/// `.garbage`, `JWTClaimsTests.malformed`); answers over the real transport's size limit from the simulator in
/// `Integration.BadInputCatalogueTests.oversizedAnswer`.
@Suite("Broken answers and connections against the AzureSimulator (HTTPS)")
struct SimulatorBrokenAnswerTests {
    struct TokenlessCase: Sendable, CustomTestStringConvertible {
        var endpoint: SimulatorEndpoint
        var message: String
        var testDescription: String { endpoint.rawValue }
    }

    static let tokenless = [
        TokenlessCase(
            endpoint: .entra,
            message: "Entra ID answered 200 without a JSON token (access_token, expires_in/expires_on)"),
        TokenlessCase(
            endpoint: .imds, message: "IMDS answered 200 without a JSON token (access_token, expires_in/expires_on)"),
        TokenlessCase(
            endpoint: .appService,
            message:
                "the App Service identity endpoint answered 200 without a JSON token (access_token, "
                + "expires_in/expires_on)"),
        TokenlessCase(endpoint: .exchange, message: "the exchange answer has no refresh_token"),
        TokenlessCase(endpoint: .token, message: "the token answer has no access_token"),
    ]

    @Test("a 200 answer without a token is malformedResponse, and is not cached", arguments: tokenless)
    func okWithoutToken(testCase: TokenlessCase) async throws {
        try await SimulatedAzure.with { azure in
            // A fault with status 200 answers the endpoint's error body (JSON, but no token) with 200.
            azure.simulator.injectFault(SimulatedFault(status: 200), endpoint: testCase.endpoint, count: 1)
            let credential: any TokenCredential =
                switch testCase.endpoint {
                case .imds: azure.managedIdentity(.clientID(Managed.userClientID))
                case .appService: azure.appServiceIdentity(.clientID(Managed.userClientID))
                default: try azure.secretCredential()
                }
            let identity = RegistryIdentity(name: "ci-sp", kind: .entra(credential))
            let scope = testCase.endpoint == .token ? "repository:team-a/app:pull" : nil
            let provider = azure.provider()
            let error = await #expect(throws: AzureAuthError.self) {
                try await provider.credential(identity: identity, registry: azure.target(), scope: scope)
            }
            #expect(error?.code == .malformedResponse)
            #expect(error?.isRetryable == false)
            #expect(error?.description.hasPrefix("identity ci-sp: ") == true)
            #expect(error?.description.hasSuffix(testCase.message) == true, "\(error.map { "\($0)" } ?? "")")

            let credentialAfter = try await provider.credential(
                identity: identity, registry: azure.target(), scope: scope)
            #expect(credentialAfter.expiresOn.map { $0 > Date() } == true)
            #expect(azure.simulator.requestCount(testCase.endpoint) == 2)
        }
    }

    @Test("error pages that are not JSON are classified by their status")
    func plainTextErrorPages() async throws {
        try await SimulatedAzure.with { azure in
            // The simulator answers paths it does not serve with a plain-text 404.
            let lost = ClientSecretCredential(
                tenantID: SimulatedAzure.tenant, clientID: App.secret, secret: azure.secret,
                authorityHost: azure.simulator.baseURL + "/nowhere/", transport: azure.transport, tls: azure.tls)
            let entra = await #expect(throws: AzureAuthError.self) {
                try await lost.token(for: SimulatedAzure.scope, logger: SimulatedAzure.quiet)
            }
            #expect(entra?.code == .entraRejected)
            #expect(entra?.isRetryable == false)
            #expect(entra?.description == "Entra ID refused the token request (HTTP 404)")

            let token = try await azure.secretCredential().token(
                for: SimulatedAzure.scope, logger: SimulatedAzure.quiet)
            let endpoint = ACREndpoint(loginServer: azure.registry, authBaseURL: azure.simulator.baseURL + "/nowhere")
            let exchange = await #expect(throws: AzureAuthError.self) {
                try await ACRClient(transport: azure.transport).exchange(
                    token, at: endpoint, tenant: nil, tls: azure.tls, logger: SimulatedAzure.quiet)
            }
            #expect(exchange?.code == .registryRejected)
            #expect(exchange?.isRetryable == false)
            #expect(
                exchange?.description
                    == "registry \(azure.registry): the token service has no /oauth2/exchange endpoint: is "
                    + "authEndpoint right? (HTTP 404)")

            // For IMDS, 404 means "updating": retryable.
            let imds = ManagedIdentityCredential(
                endpoint: .imds(baseURL: azure.simulator.baseURL + "/nowhere"), transport: azure.transport,
                tls: azure.tls, retry: .none)
            let updating = await #expect(throws: AzureAuthError.self) {
                try await imds.token(for: SimulatedAzure.scope, logger: SimulatedAzure.quiet)
            }
            #expect(updating?.code == .serverUnavailable)
            #expect(updating?.isRetryable == true)
        }
    }

    @Test("a host that answers /v2/ without a Bearer challenge is a clear error")
    func noChallenge() async throws {
        try await SimulatedAzure.with { azure in
            // The main listener serves no registry when several are registered: 404 NAME_UNKNOWN, no challenge.
            let error = await #expect(throws: AzureAuthError.self) {
                try await ACRClient(transport: azure.transport).discover(
                    loginServer: "lookalike.example", authBaseURL: azure.simulator.baseURL, tls: azure.tls,
                    logger: SimulatedAzure.quiet)
            }
            #expect(error?.code == .malformedResponse)
            #expect(
                error?.description
                    == "registry lookalike.example: \(azure.simulator.baseURL)/v2/ answered HTTP 404 without a "
                    + "Bearer challenge naming realm and service")
        }
    }

    @Test("TLS is verified: without the simulator's CA no request reaches it")
    func untrustedCertificate() async throws {
        try await SimulatedAzure.with { azure in
            // A failed handshake is the answer at once (issue 20: no retry inside the client).
            let transport = AsyncHTTPTransport(timeout: .seconds(3))
            func credential(_ tls: TLSOptions) -> ClientSecretCredential {
                ClientSecretCredential(
                    tenantID: SimulatedAzure.tenant, clientID: App.secret, secret: azure.secret,
                    authorityHost: azure.simulator.authorityHost, transport: transport, tls: tls)
            }
            let error = await #expect(throws: AzureAuthError.self) {
                try await credential(TLSOptions()).token(for: SimulatedAzure.scope, logger: SimulatedAzure.quiet)
            }
            #expect(error?.code == .network)
            #expect(error?.isRetryable == true)
            #expect(
                error?.description.hasPrefix("TLS: unknown authority (127.0.0.1:") == true,
                "\(String(describing: error))")
            #expect(azure.simulator.requestCount(.entra) == 0)
            // The same request trusting the simulator's CA goes through.
            do {
                _ = try await credential(azure.tls).token(for: SimulatedAzure.scope, logger: SimulatedAzure.quiet)
            } catch {
                Issue.record("with the CA: \(error)")
            }
            try? await transport.shutdown()
            #expect(azure.simulator.requestCount(.entra) == 1)
        }
    }

    @Test("a token service that went away is a retryable network error")
    func connectionRefused() async throws {
        try await SimulatedAzure.with { azure in
            // A refused connection is the answer at once (issue 20: no retry inside the client).
            let transport = AsyncHTTPTransport(timeout: .seconds(1))
            let credential = ClientSecretCredential(
                tenantID: SimulatedAzure.tenant, clientID: App.secret, secret: azure.secret,
                authorityHost: azure.simulator.authorityHost, transport: transport, tls: azure.tls)
            await azure.simulator.shutdown()
            let error = await #expect(throws: AzureAuthError.self) {
                try await credential.token(for: SimulatedAzure.scope, logger: SimulatedAzure.quiet)
            }
            try? await transport.shutdown()
            #expect(error?.code == .network)
            #expect(error?.isRetryable == true)
            #expect(
                error?.description.hasPrefix("connection refused by 127.0.0.1:") == true, "\(String(describing: error))"
            )
        }
    }
}
