import AzureAuth
import AzureSimulator
import Foundation
import PullKeeperCore
import Testing

private typealias App = SimulatedAzure.App
private typealias Managed = SimulatedAzure.Managed

/// Issue 4: each documented failure, produced by the simulator over HTTPS, gives the classified error and a message
/// a cluster admin understands; IMDS retries follow azidentity (410 and 429 retried, 400 final).
@Suite("Failures against the AzureSimulator (HTTPS)")
struct SimulatorFailureTests {
    /// The error `TokenProvider` throws for identity `ci-sp` on `registry` (the allowed one by default).
    func failure(
        _ azure: SimulatedAzure, _ credential: any TokenCredential, registry: String? = nil
    ) async throws -> AzureAuthError {
        let identity = RegistryIdentity(name: "ci-sp", kind: .entra(credential))
        let error = await #expect(throws: AzureAuthError.self) {
            try await azure.provider().credential(identity: identity, registry: azure.target(registry))
        }
        return try #require(error)
    }

    @Test("wrong client secret: AADSTS7000215, terminal")
    func wrongSecret() async throws {
        try await SimulatedAzure.with { azure in
            let error = try await failure(azure, try azure.secretCredential(secret: "wrong-" + UUID().uuidString))
            #expect(error.code == .invalidClientSecret)
            #expect(!error.isRetryable)
            #expect(error.httpStatus == 401)
            #expect(error.errorCodes == [7_000_215])
            #expect(error.description == "identity ci-sp: the client secret is wrong or expired (AADSTS7000215)")
            #expect(azure.simulator.requestCount(.entra) == 1)
            #expect(azure.simulator.requestCount(.exchange) == 0)
        }
    }

    @Test("expired client secret: AADSTS7000222, terminal")
    func expiredSecret() async throws {
        try await SimulatedAzure.with { azure in
            let error = try await failure(azure, try azure.secretCredential(clientID: App.expired))
            #expect(error.code == .expiredClientSecret)
            #expect(!error.isRetryable)
            #expect(error.errorCodes == [7_000_222])
            #expect(error.description == "identity ci-sp: the client secret has expired (AADSTS7000222)")
            #expect(azure.simulator.requestCount(.entra) == 1)
        }
    }

    @Test("application not found: AADSTS700016 names the client ID and tenant")
    func applicationNotFound() async throws {
        try await SimulatedAzure.with { azure in
            let unknown = "0a5e1f3c-1111-4c2d-8e9f-0000000000ff"
            let error = try await failure(azure, try azure.secretCredential(clientID: unknown))
            #expect(error.code == .applicationNotFound)
            #expect(!error.isRetryable)
            #expect(error.httpStatus == 400)
            #expect(
                error.description
                    == "identity ci-sp: application \(unknown) is not found in tenant \(SimulatedAzure.tenant) "
                    + "(AADSTS700016)")
        }
    }

    @Test("tenant not found: AADSTS90002 names the tenant")
    func tenantNotFound() async throws {
        try await SimulatedAzure.with { azure in
            let unknown = "00000000-dead-4bee-8f00-000000000000"
            let error = try await failure(azure, try azure.secretCredential(tenant: unknown))
            #expect(error.code == .tenantNotFound)
            #expect(!error.isRetryable)
            #expect(error.errorCodes == [90_002])
            #expect(error.description == "identity ci-sp: tenant \(unknown) is not found (AADSTS90002)")
        }
    }

    @Test(
        "bad certificate assertion (the certificate is not registered on the app): AADSTS700027",
        arguments: [ClientAssertion.Algorithm.ps256, .rs256])
    func badCertificateAssertion(algorithm: ClientAssertion.Algorithm) async throws {
        try await SimulatedAzure.with { azure in
            // A valid certificate and signature, but registered on another app.
            let error = try await failure(
                azure, try azure.certificateCredential(algorithm: algorithm, clientID: App.secret))
            #expect(error.code == .invalidClientAssertion)
            #expect(!error.isRetryable)
            #expect(error.httpStatus == 401)
            #expect(error.errorCodes == [700_027])
            #expect(
                error.description
                    == "identity ci-sp: Entra ID refused the certificate assertion: the certificate is not registered "
                    + "on application \(App.secret), or the clock is off (AADSTS700027)")
        }
    }

    @Test("federated token for another service account: AADSTS70021")
    func federatedMismatch() async throws {
        try await SimulatedAzure.with { azure in
            let error = try await failure(
                azure, try azure.workloadCredential(subject: "system:serviceaccount:other:intruder"))
            #expect(error.code == .federatedCredentialMismatch)
            #expect(!error.isRetryable)
            #expect(error.errorCodes == [70_021])
            #expect(
                error.description
                    == "identity ci-sp: no federated credential of application \(App.workload) matches the token's "
                    + "issuer, subject and audience (AADSTS70021)")
        }
    }

    @Test("IMDS 400 identity not found: terminal, one request, no backoff")
    func imdsIdentityNotFound() async throws {
        try await SimulatedAzure.with { azure in
            let sleeps = SleepRecorder()
            let unknown = "5e6f7a8b-3333-4c4d-8e9f-0a1b2c3d4eff"
            let credential = azure.managedIdentity(
                .clientID(unknown), retry: quickRetry(sleeps))
            let error = try await failure(azure, credential)
            #expect(error.code == .identityNotFound)
            #expect(!error.isRetryable)
            #expect(error.httpStatus == 400)
            #expect(
                error.description
                    == "identity ci-sp: the identity with client ID \(unknown) is not assigned to this host (IMDS "
                    + "answered 400 identity not found)")
            #expect(azure.simulator.requestCount(.imds) == 1)
            #expect(sleeps.recorded.isEmpty)
        }
    }

    @Test("App Service endpoint with a wrong X-IDENTITY-HEADER: terminal")
    func appServiceWrongHeader() async throws {
        try await SimulatedAzure.with { azure in
            let error = try await failure(azure, azure.appServiceIdentity(.systemAssigned, header: "wrong"))
            #expect(error.code == .managedIdentityRejected)
            #expect(!error.isRetryable)
            #expect(
                error.description
                    == "identity ci-sp: the App Service identity endpoint refused the token request (HTTP 401)")
            #expect(azure.simulator.requestCount(.appService) == 1)
        }
    }

    static let refusedAtExchange =
        "the registry refused the identity's Entra ID token at /oauth2/exchange: the identity has no pull role "
        + "(AcrPull, AcrPush or Owner) on this registry, or the token's audience or tenant is not accepted "
        + "(HTTP 401 UNAUTHORIZED)"

    @Test("no role on the registry: the exchange refuses it, terminal, with the roles that would help")
    func noPullRole() async throws {
        try await SimulatedAzure.with { azure in
            let error = try await failure(azure, try azure.secretCredential(clientID: App.noRole))
            #expect(error.code == .registryDenied)
            #expect(!error.isRetryable)
            #expect(error.httpStatus == 401)
            #expect(error.serverError == "UNAUTHORIZED")
            #expect(error.registry == azure.registry)
            #expect(error.description == "identity ci-sp: registry \(azure.registry): \(Self.refusedAtExchange)")
            #expect(azure.simulator.requestCount(.entra) == 1)
            #expect(azure.simulator.requestCount(.exchange) == 1)
            #expect(azure.simulator.requestCount(.token) == 0)

            // An identity allowed on one registry is refused on another where it has no role.
            let elsewhere = try await failure(azure, try azure.secretCredential(), registry: azure.deniedRegistry)
            #expect(elsewhere.code == .registryDenied)
            #expect(
                elsewhere.description == "identity ci-sp: registry \(azure.deniedRegistry): \(Self.refusedAtExchange)")
        }
    }

    // MARK: IMDS retries

    /// A retry policy with a small base delay whose sleeps are recorded (and kept short).
    func quickRetry(_ sleeps: SleepRecorder) -> RetryPolicy {
        RetryPolicy(maxAttempts: 6, initialDelay: .milliseconds(10), maxDelay: .seconds(60), jitter: 0) { delay in
            try await sleeps.sleep(delay)
            try await Task.sleep(for: min(delay, .milliseconds(20)))
        }
    }

    @Test("IMDS 410, 410, 200: succeeds after exponential backoff")
    func imdsGoneTwice() async throws {
        try await SimulatedAzure.with { azure in
            azure.simulator.injectFault(.gone, endpoint: .imds, count: 2)
            let sleeps = SleepRecorder()
            let identity = RegistryIdentity(
                name: "ci-sp",
                kind: .entra(azure.managedIdentity(.clientID(Managed.userClientID), retry: quickRetry(sleeps))))
            let credential = try await azure.provider().credential(identity: identity, registry: azure.target())
            #expect(credential.kind == .refreshToken)
            #expect(azure.simulator.requestCount(.imds) == 3)
            #expect(azure.simulator.requestCount(.exchange) == 1)
            #expect(sleeps.recorded == [.milliseconds(10), .milliseconds(20)])
        }
    }

    @Test("IMDS 429 with Retry-After: the client waits as long as asked, then succeeds")
    func imdsThrottled() async throws {
        try await SimulatedAzure.with { azure in
            azure.simulator.injectFault(.throttled(retryAfter: 3), endpoint: .imds, count: 1)
            let sleeps = SleepRecorder()
            let credential = azure.managedIdentity(.systemAssigned, retry: quickRetry(sleeps))
            let token = try await credential.token(for: SimulatedAzure.scope, logger: SimulatedAzure.quiet)
            #expect(SimulatedAzure.claims(token.token)["appid"] as? String == Managed.systemClientID)
            #expect(azure.simulator.requestCount(.imds) == 2)
            #expect(sleeps.recorded == [.seconds(3)])
        }
    }

    @Test("IMDS still unavailable after every retry: serverUnavailable, retryable, 1 + maxRetries requests")
    func imdsExhausted() async throws {
        try await SimulatedAzure.with { azure in
            azure.simulator.injectFault(.unavailable, endpoint: .imds, count: 10)
            let sleeps = SleepRecorder()
            var retry = quickRetry(sleeps)
            retry.maxRetries = 2
            let error = try await failure(azure, azure.managedIdentity(.systemAssigned, retry: retry))
            #expect(error.code == .serverUnavailable)
            #expect(error.isRetryable)
            #expect(error.description == "identity ci-sp: IMDS is unavailable or updating (HTTP 503)")
            #expect(azure.simulator.requestCount(.imds) == 3)
            #expect(sleeps.recorded == [.milliseconds(10), .milliseconds(20)])
        }
    }
}
