import AzureAuth
import Foundation
import Logging
import PullKeeperCore
import Testing

@Suite("Entra ID credentials (scripted transport)")
struct EntraCredentialTests {
    static let tenant = "72f988bf-0000-4000-8000-2d7cd011db47"
    static let client = "3f1c9a2e-1111-4a55-9d8e-0a1b2c3d4e5f"
    static let ok = Answer.json(200, #"{"token_type":"Bearer","expires_in":3599,"access_token":"aad-token"}"#)
    let logger = Logger(label: "test") { _ in SwiftLogNoOpLogHandler() }

    @Test("client secret: form fields, token URL, secret re-read on every request")
    func secretRotation() async throws {
        let dir = try TempDirectory()
        let secretPath = try dir.write("secret", "first-secret\n")
        let transport = ScriptedTransport([Self.ok, Self.ok])
        let now = Date(timeIntervalSince1970: 1_000_000)
        let credential = ClientSecretCredential(
            tenantID: Self.tenant, clientID: Self.client, secretFile: secretPath,
            authorityHost: "https://login.example.test", transport: transport, now: { now })
        let token = try await credential.token(for: "https://containerregistry.azure.net/.default", logger: logger)
        #expect(token.token == "aad-token")
        #expect(token.expiresOn == now.addingTimeInterval(3599))
        try dir.write("secret", "second-secret")
        _ = try await credential.token(for: "https://containerregistry.azure.net/.default", logger: logger)

        let requests = transport.requests
        #expect(
            requests.map(\.url)
                == Array(repeating: "https://login.example.test/\(Self.tenant)/oauth2/v2.0/token", count: 2))
        #expect(requests[0].form["client_secret"] == ["first-secret"])
        #expect(requests[1].form["client_secret"] == ["second-secret"])
        #expect(requests[0].form["grant_type"] == ["client_credentials"])
        #expect(requests[0].form["client_id"] == [Self.client])
        #expect(requests[0].form["scope"] == ["https://containerregistry.azure.net/.default"])
        #expect(requests[0].header("Content-Type") == "application/x-www-form-urlencoded")
    }

    @Test("a missing secret file is a clear error and sends nothing")
    func missingSecret() async throws {
        let transport = ScriptedTransport()
        let credential = ClientSecretCredential(
            tenantID: Self.tenant, clientID: Self.client, secretFile: "/nonexistent/secret", transport: transport)
        let error = await #expect(throws: AzureAuthError.self) {
            try await credential.token(for: "s/.default", logger: logger)
        }
        #expect(error?.code == .unreadableFile)
        #expect(error?.description.contains("/nonexistent/secret") == true)
        #expect(transport.requests.isEmpty)
    }

    @Test("a tenant that is not a GUID or domain is refused before sending")
    func badTenant() async throws {
        let transport = ScriptedTransport()
        let credential = ClientSecretCredential(
            tenantID: "evil/../x", clientID: Self.client, secret: "s", transport: transport)
        let error = await #expect(throws: AzureAuthError.self) { try await credential.token(for: "s", logger: logger) }
        #expect(error?.code == .invalidConfiguration)
        #expect(transport.requests.isEmpty)
    }

    @Test("workload identity: token file re-read on every request")
    func workloadRotation() async throws {
        let dir = try TempDirectory()
        let path = try dir.write("token", "sa-token-1")
        let transport = ScriptedTransport([Self.ok, Self.ok])
        let credential = WorkloadIdentityCredential(
            tenantID: Self.tenant, clientID: Self.client, tokenFile: path, transport: transport)
        _ = try await credential.token(for: "s/.default", logger: logger)
        try dir.write("token", "sa-token-2")
        _ = try await credential.token(for: "s/.default", logger: logger)
        #expect(transport.requests.map { $0.form["client_assertion"] ?? [] } == [["sa-token-1"], ["sa-token-2"]])
        #expect(transport.requests[0].form["client_assertion_type"] == [ClientAssertion.assertionType])
    }

    @Test("expires_on as a string is used when expires_in is absent")
    func expiresOnString() async throws {
        let transport = ScriptedTransport([Answer.json(200, #"{"access_token":"t","expires_on":"1767312000"}"#)])
        let credential = ClientSecretCredential(
            tenantID: Self.tenant, clientID: Self.client, secret: "s", transport: transport)
        let token = try await credential.token(for: "s", logger: logger)
        #expect(token.expiresOn == Date(timeIntervalSince1970: 1_767_312_000))
    }

    struct Failure: Sendable, CustomTestStringConvertible {
        var name: String
        var status: Int
        var body: String
        var code: AzureAuthError.Code
        var message: String
        var testDescription: String { name }
    }

    static let failures: [Failure] = [
        Failure(
            name: "wrong secret", status: 401,
            body:
                #"{"error":"invalid_client","error_description":"AADSTS7000215: Invalid client secret","error_codes":[7000215]}"#,
            code: .invalidClientSecret, message: "identity ci-sp: the client secret is wrong or expired (AADSTS7000215)"
        ),
        Failure(
            name: "expired secret", status: 401, body: #"{"error":"invalid_client","error_codes":[7000222]}"#,
            code: .expiredClientSecret, message: "identity ci-sp: the client secret has expired (AADSTS7000222)"),
        Failure(
            name: "app not found", status: 400, body: #"{"error":"unauthorized_client","error_codes":[700016]}"#,
            code: .applicationNotFound,
            message: "identity ci-sp: application \(client) is not found in tenant \(tenant) (AADSTS700016)"),
        Failure(
            name: "tenant not found", status: 400, body: #"{"error":"invalid_request","error_codes":[90002]}"#,
            code: .tenantNotFound, message: "identity ci-sp: tenant \(tenant) is not found (AADSTS90002)"),
        Failure(
            name: "bad assertion", status: 401, body: #"{"error":"invalid_client","error_codes":[700027]}"#,
            code: .invalidClientAssertion, message: "AADSTS700027"),
        Failure(
            name: "federated mismatch", status: 400, body: #"{"error":"invalid_request","error_codes":[700213]}"#,
            code: .federatedCredentialMismatch, message: "no federated credential"),
        Failure(
            name: "unknown 400", status: 400, body: "<html>bad</html>", code: .entraRejected,
            message: "Entra ID refused the token request (HTTP 400)"),
        Failure(name: "throttled", status: 429, body: "{}", code: .throttled, message: "HTTP 429"),
        Failure(name: "unavailable", status: 503, body: "", code: .serverUnavailable, message: "HTTP 503"),
        Failure(
            name: "description text is not used", status: 401,
            body: #"{"error":"invalid_client","error_description":"AADSTS7000215: wrong","error_codes":[]}"#,
            code: .entraRejected, message: "HTTP 401 invalid_client"),
    ]

    @Test("Entra ID failures are classified", arguments: failures)
    func classified(failure: Failure) async throws {
        let transport = ScriptedTransport([Answer.json(failure.status, failure.body, headers: [("Retry-After", "7")])])
        let credential = ClientSecretCredential(
            tenantID: Self.tenant, clientID: Self.client, secret: "s3cr3t-value", transport: transport)
        let error = await #expect(throws: AzureAuthError.self) { try await credential.token(for: "s", logger: logger) }
        let named = try #require(error).forIdentity("ci-sp")
        #expect(named.code == failure.code)
        #expect(named.description.contains(failure.message), "\(named.description)")
        #expect(named.isRetryable == (failure.status == 429 || failure.status >= 500))
        #expect(!named.description.contains("s3cr3t-value"))
        if failure.status == 429 { #expect(named.retryAfter == .seconds(7)) }
    }

    @Test(
        "malformed 200 answers are errors",
        arguments: [
            "", "not json", "{}", #"{"access_token":""}"#, #"{"access_token":"t"}"#,
            #"{"access_token":"t","expires_in":"soon"}"#, #"{"access_token":42,"expires_in":1}"#, "[]",
            #"{"access_token":"t","#,
        ])
    func malformed(body: String) async throws {
        let transport = ScriptedTransport([Answer.json(200, body)])
        let credential = ClientSecretCredential(
            tenantID: Self.tenant, clientID: Self.client, secret: "s", transport: transport)
        let error = await #expect(throws: AzureAuthError.self) { try await credential.token(for: "s", logger: logger) }
        #expect(error?.code == .malformedResponse)
    }
}
