import AzureAuth
import Foundation
import Logging
import PullKeeperCore
import Testing

@Suite("Managed identity (scripted transport)")
struct ManagedIdentityTests {
    static let ok = Answer.json(
        200,
        #"{"access_token":"mi-token","client_id":"c","expires_in":"86399","expires_on":"1767312000","#
            + #""ext_expires_in":"86399","not_before":"1767225300","resource":"https://containerregistry.azure.net","#
            + #""token_type":"Bearer","refresh_token":""}"#)
    let logger = Logger(label: "test") { _ in SwiftLogNoOpLogHandler() }

    func credential(
        _ transport: ScriptedTransport, _ sleeps: SleepRecorder,
        selector: ManagedIdentityCredential.Selector = .systemAssigned,
        endpoint: ManagedIdentityCredential.Endpoint = .imds(baseURL: "http://127.0.0.1:1")
    ) -> ManagedIdentityCredential {
        ManagedIdentityCredential(
            selector: selector, endpoint: endpoint, transport: transport, retry: Self.retry(sleeps),
            now: { Date(timeIntervalSince1970: 1_767_225_600) })
    }

    @Test(
        "IMDS request: api-version, resource without /.default, selector, Metadata header",
        arguments: [
            (ManagedIdentityCredential.Selector.systemAssigned, nil),
            (.clientID("cid"), "client_id=cid"),
            (.objectID("oid"), "object_id=oid"),
            (.resourceID("/subscriptions/s/rg/x"), "msi_res_id=%2Fsubscriptions%2Fs%2Frg%2Fx"),
        ] as [(ManagedIdentityCredential.Selector, String?)])
    func imdsRequest(selector: ManagedIdentityCredential.Selector, query: String?) async throws {
        let transport = ScriptedTransport([Self.ok])
        let token = try await credential(transport, SleepRecorder(), selector: selector)
            .token(for: "https://containerregistry.azure.net/.default", logger: logger)
        #expect(token.token == "mi-token")
        #expect(token.expiresOn == Date(timeIntervalSince1970: 1_767_225_600 + 86399))
        let request = try #require(transport.requests.first)
        #expect(
            request.url.hasPrefix(
                "http://127.0.0.1:1/metadata/identity/oauth2/token?api-version=2018-02-01&resource=https%3A%2F%2Fcontainerregistry.azure.net"
            ))
        if let query { #expect(request.url.hasSuffix("&" + query)) } else { #expect(!request.url.contains("_id=")) }
        #expect(request.header("Metadata") == "true")
        #expect(request.method == .get)
    }

    @Test("App Service endpoint: header and api-version")
    func appService() async throws {
        let transport = ScriptedTransport([Answer.json(200, #"{"access_token":"as","expires_on":"1767312000"}"#)])
        let cred = credential(
            transport, SleepRecorder(), selector: .clientID("cid"),
            endpoint: .appService(endpoint: "http://127.0.0.1:2/msi/token", header: "hdr-value"))
        let token = try await cred.token(for: "https://management.azure.com//.default", logger: logger)
        #expect(token.expiresOn == Date(timeIntervalSince1970: 1_767_312_000))
        let request = try #require(transport.requests.first)
        #expect(request.url.hasPrefix("http://127.0.0.1:2/msi/token?api-version=2019-08-01&resource="))
        #expect(request.url.hasSuffix("&client_id=cid"))
        #expect(request.header("X-IDENTITY-HEADER") == "hdr-value")
    }

    @Test("410, 410, 200 succeeds after exponential backoff")
    func upgrading() async throws {
        let sleeps = SleepRecorder()
        let transport = ScriptedTransport([Answer.json(410, "{}"), Answer.json(410, "{}"), Self.ok])
        let token = try await credential(transport, sleeps).token(for: "r/.default", logger: logger)
        #expect(token.token == "mi-token")
        #expect(transport.requests.count == 3)
        #expect(sleeps.recorded == [.seconds(2), .seconds(4)])
    }

    @Test("400 identity not found fails at once")
    func identityNotFound() async throws {
        let sleeps = SleepRecorder()
        let transport = ScriptedTransport([
            Answer.json(400, #"{"error":"invalid_request","error_description":"Identity not found"}"#)
        ])
        let error = await #expect(throws: AzureAuthError.self) {
            try await credential(transport, sleeps, selector: .clientID("cid")).token(for: "r", logger: logger)
        }
        #expect(error?.code == .identityNotFound)
        #expect(error?.isRetryable == false)
        #expect(
            error?.forIdentity("node-mi").description
                == "identity node-mi: the identity with client ID cid is not assigned to this host (IMDS answered 400 identity not found)"
        )
        #expect(transport.requests.count == 1)
        #expect(sleeps.recorded.isEmpty)
    }

    @Test("429 honours Retry-After")
    func throttled() async throws {
        let sleeps = SleepRecorder()
        let transport = ScriptedTransport([Answer.json(429, "{}", headers: [("Retry-After", "17")]), Self.ok])
        _ = try await credential(transport, sleeps).token(for: "r", logger: logger)
        #expect(sleeps.recorded == [.seconds(17)])
    }

    @Test("404 and 5xx retry; gives up after 5 retries with capped delays")
    func exhausted() async throws {
        let sleeps = SleepRecorder()
        let transport = ScriptedTransport(fallback: Answer.json(503, "{}"))
        let cred = ManagedIdentityCredential(
            transport: transport, retry: Self.retry(sleeps, initialDelay: .seconds(10)))
        let error = await #expect(throws: AzureAuthError.self) { try await cred.token(for: "r", logger: logger) }
        #expect(error?.code == .serverUnavailable)
        #expect(transport.requests.count == 6)
        #expect(sleeps.recorded == [.seconds(10), .seconds(20), .seconds(40), .seconds(60), .seconds(60)])
    }

    /// azidentity's schedule, with sleeps recorded instead of slept.
    static func retry(_ sleeps: SleepRecorder, initialDelay: Duration = .seconds(2)) -> RetryPolicy {
        var policy = RetryPolicy.managedIdentity
        policy.initialDelay = initialDelay
        policy.sleep = sleeps.sleep
        return policy
    }

    @Test(
        "Retry-After forms, as the IMDS error classifier reads them",
        arguments: [
            ("Retry-After", "3", Duration.seconds(3)), ("retry-after-ms", "1500", .milliseconds(1500)),
            ("x-ms-retry-after-ms", "20", .milliseconds(20)),
        ])
    func retryAfterForms(header: String, value: String, expected: Duration) {
        let response = HTTPResponseData(status: 429, headers: [(header, value)])
        #expect(RetryAfter.parse(header: response.header) == expected)
    }
}
