import AzureAuth
import Foundation
import Logging
import Testing

@Suite("ACR token service client (scripted transport)")
struct ACRClientTests {
    let logger = Logger(label: "test") { _ in SwiftLogNoOpLogHandler() }
    let endpoint = ACREndpoint(loginServer: "contoso.azurecr.io")
    let aad = AccessToken(token: "aad-token", expiresOn: .distantFuture, tenant: "tid")

    @Test("exchange: form fields and expiry from the refresh token")
    func exchange() async throws {
        let refresh = TestJWT.expiring(1_767_236_400)
        let transport = ScriptedTransport([Answer.json(200, #"{"refresh_token":"\#(refresh)"}"#)])
        let result = try await ACRClient(transport: transport).exchange(
            aad, at: endpoint, tenant: nil, tls: TLSOptions(), logger: logger)
        #expect(result.token == refresh)
        #expect(result.expiresOn == Date(timeIntervalSince1970: 1_767_236_400))
        let request = try #require(transport.requests.first)
        #expect(request.url == "https://contoso.azurecr.io/oauth2/exchange")
        #expect(
            request.form == [
                "grant_type": ["access_token"], "service": ["contoso.azurecr.io"], "tenant": ["tid"],
                "access_token": ["aad-token"],
            ])
    }

    @Test("scoped access token: repeated scope fields")
    func scoped() async throws {
        let access = TestJWT.expiring(1_767_230_000)
        let transport = ScriptedTransport([Answer.json(200, #"{"access_token":"\#(access)"}"#)])
        let result = try await ACRClient(transport: transport).accessToken(
            refreshToken: "rt", scopes: ["repository:a/b:pull", "repository:c:pull"], at: endpoint, tls: TLSOptions(),
            logger: logger)
        #expect(result.token == access)
        let request = try #require(transport.requests.first)
        #expect(request.url == "https://contoso.azurecr.io/oauth2/token")
        #expect(request.form["scope"] == ["repository:a/b:pull", "repository:c:pull"])
        #expect(request.form["grant_type"] == ["refresh_token"])
    }

    @Test("discovery from the /v2/ challenge")
    func discovery() async throws {
        let transport = ScriptedTransport([
            { _ in
                HTTPResponseData(
                    status: 401,
                    headers: [
                        (
                            "Www-Authenticate",
                            #"Bearer realm="https://127.0.0.1:7443/oauth2/token",service="sim.azurecr.io""#
                        )
                    ])
            }
        ])
        let found = try await ACRClient(transport: transport).discover(
            loginServer: "127.0.0.1:5000", authBaseURL: "https://127.0.0.1:7443/", tls: TLSOptions(), logger: logger)
        #expect(
            found
                == ACREndpoint(
                    loginServer: "127.0.0.1:5000", authBaseURL: "https://127.0.0.1:7443", service: "sim.azurecr.io"))
        #expect(transport.requests.first?.url == "https://127.0.0.1:7443/v2/")
    }

    struct Case: Sendable, CustomTestStringConvertible {
        var name: String
        var status: Int
        var body: String
        var code: AzureAuthError.Code
        var testDescription: String { name }
    }

    @Test(
        "exchange failures and malformed answers are classified",
        arguments: [
            Case(
                name: "no role", status: 401, body: #"{"errors":[{"code":"UNAUTHORIZED","message":"x"}]}"#,
                code: .registryDenied),
            Case(name: "denied", status: 403, body: "plain text", code: .registryDenied),
            Case(name: "bad request", status: 400, body: "", code: .registryRejected),
            Case(name: "not found", status: 404, body: "", code: .registryRejected),
            Case(name: "throttled", status: 429, body: "", code: .throttled),
            Case(name: "unavailable", status: 502, body: "<html>", code: .serverUnavailable),
            Case(name: "not JSON", status: 200, body: "<html>hello</html>", code: .malformedResponse),
            Case(name: "truncated JSON", status: 200, body: #"{"refresh_token":"ab"#, code: .malformedResponse),
            Case(name: "no refresh_token", status: 200, body: #"{"access_token":"x"}"#, code: .malformedResponse),
            Case(name: "refresh token not a JWT", status: 200, body: #"{"refresh_token":"opaque"}"#, code: .invalidJWT),
            Case(
                name: "refresh token without exp", status: 200,
                body: #"{"refresh_token":"\#(TestJWT.make(payload: "{}"))"}"#, code: .invalidJWT),
            Case(name: "JSON array", status: 200, body: "[1]", code: .malformedResponse),
        ])
    func failures(testCase: Case) async throws {
        let transport = ScriptedTransport([Answer.json(testCase.status, testCase.body)])
        let error = await #expect(throws: AzureAuthError.self) {
            try await ACRClient(transport: transport).exchange(
                aad, at: endpoint, tenant: nil, tls: TLSOptions(), logger: logger)
        }
        #expect(error?.code == testCase.code)
        #expect(error?.description.contains("aad-token") == false)
        if testCase.code == .registryDenied {
            #expect(
                error?.forIdentity("ci-sp").description.hasPrefix(
                    "identity ci-sp: registry contoso.azurecr.io: the registry refused the identity's Entra ID token")
                    == true)
            #expect(error?.description.contains("AcrPull") == true)
        }
    }

    @Test("binary garbage is an error, not a crash")
    func garbage() async throws {
        let bytes = (0..<4096).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) }
        let transport = ScriptedTransport([Answer.raw(200, bytes)])
        await #expect(throws: AzureAuthError.self) {
            try await ACRClient(transport: transport).exchange(
                aad, at: endpoint, tenant: nil, tls: TLSOptions(), logger: logger)
        }
    }
}
