import AzureAuth
import Foundation
import Logging
import PullKeeperTesting
import Testing

/// Bad-input catalogue, Azure half (issue 9): Entra ID, IMDS and ACR answers that are truncated, huge, not JSON,
/// or carry JWTs with bad segments, each a named case with the error code it must give. No answer may crash,
/// and neither the error nor the log may repeat a secret, a token or the hostile body itself.
@Suite("Bad-input catalogue: Azure answers (scripted transport)")
struct BadInputBodyCatalogueTests {
    enum Endpoint: Sendable {
        /// `ClientSecretCredential` against Entra ID's token endpoint.
        case entra
        /// `ManagedIdentityCredential` against IMDS.
        case imds
        /// `ACRClient.exchange` (Entra token → ACR refresh token).
        case exchange
        /// `ACRClient.accessToken` (refresh token → scoped access token).
        case accessToken
    }

    struct Case: Sendable, CustomTestStringConvertible {
        var name: String
        var endpoint: Endpoint
        var status = 200
        var body: [UInt8]
        /// The error it must give; nil: the answer is acceptable.
        var code: AzureAuthError.Code?
        /// A part of the error's description.
        var mentions: String?
        var testDescription: String { name }

        init(
            _ name: String, _ endpoint: Endpoint, status: Int = 200, _ body: String, _ code: AzureAuthError.Code?,
            mentions: String? = nil
        ) {
            self.init(name, endpoint, status: status, bytes: Array(body.utf8), code, mentions: mentions)
        }

        init(
            _ name: String, _ endpoint: Endpoint, status: Int = 200, bytes: [UInt8], _ code: AzureAuthError.Code?,
            mentions: String? = nil
        ) {
            self.name = name
            self.endpoint = endpoint
            self.status = status
            self.body = bytes
            self.code = code
            self.mentions = mentions
        }
    }

    /// What the client sends: none of it may come back in an error or a log line.
    static let clientSecret = "CLIENT-SECRET-v4lue"
    static let entraToken = "ENTRA-TOKEN-" + TestJWT.expiring(1_999_999_999, extra: #","tid":"t""#)
    static let refreshToken = "REFRESH-TOKEN-" + TestJWT.expiring(1_999_999_999)
    /// Planted in hostile answers: an error that quotes the answer would show it.
    static let marker = "LEAKED-FROM-BODY"
    static let secrets = [clientSecret, entraToken, refreshToken, marker]

    static let header = TestJWT.encode(#"{"alg":"RS256","typ":"JWT"}"#)
    static func refresh(_ token: String) -> String { #"{"refresh_token":"\#(token)"}"# }
    static func access(_ token: String) -> String { #"{"access_token":"\#(token)"}"# }
    static func jwt(payload: String) -> String { header + "." + TestJWT.encode(payload) + "." + marker }
    /// 4 MiB: four times what the real transport accepts, to show the parsers stay bounded without it.
    static let huge = String(repeating: "A", count: 4 << 20)
    static let notJSON = "<html><body>\(marker): 502 Bad Gateway</body></html>"
    static let invalidJWT = AzureAuthError.Code.invalidJWT
    static let malformed = AzureAuthError.Code.malformedResponse

    static let cases: [Case] = [
        Case("Entra: truncated JSON", .entra, #"{"access_token":"\#(marker)"#, malformed, mentions: "Entra ID"),
        Case("Entra: HTML instead of JSON", .entra, notJSON, malformed, mentions: "Entra ID answered 200"),
        Case("Entra: empty body", .entra, "", malformed),
        Case("Entra: JSON null", .entra, "null", malformed),
        Case("Entra: 4 MiB of garbage", .entra, huge, malformed),
        Case("Entra: 4 MiB token left open (truncated)", .entra, #"{"access_token":""# + huge, malformed),
        Case("Entra: binary bytes", .entra, bytes: (0..<4096).map { UInt8(truncatingIfNeeded: $0 &* 37) }, malformed),
        Case("Entra: negative expires_in", .entra, #"{"access_token":"t","expires_in":-5}"#, malformed),
        Case("Entra: infinite expires_in", .entra, #"{"access_token":"t","expires_in":"1e400"}"#, malformed),
        Case("Entra: expires_on out of range", .entra, #"{"access_token":"t","expires_on":1000000000000}"#, malformed),
        Case(
            "Entra: an opaque (non-JWT) access token is accepted", .entra,
            #"{"access_token":"opaque.\#(marker)","expires_in":3600}"#, nil),
        Case(
            "Entra: 400 whose error field echoes the request", .entra, status: 400,
            #"{"error":"grant_type=client_credentials&client_secret=\#(clientSecret)&\#(marker)"}"#, .entraRejected,
            mentions: "Entra ID refused the token request (HTTP 400)"),
        Case(
            "Entra: 400 with a 4 MiB error field", .entra, status: 400, #"{"error":"\#(huge)"}"#, .entraRejected,
            mentions: "(HTTP 400)"),
        Case("Entra: 401 with an HTML page", .entra, status: 401, notJSON, .entraRejected, mentions: "(HTTP 401)"),

        Case("IMDS: truncated JSON", .imds, #"{"access_token":"\#(marker)","expires_in":"86"#, malformed),
        Case("IMDS: HTML instead of JSON", .imds, notJSON, malformed, mentions: "IMDS answered 200"),
        Case("IMDS: 4 MiB of garbage", .imds, huge, malformed),
        Case("IMDS: expires_on is a word", .imds, #"{"access_token":"t","expires_on":"tomorrow"}"#, malformed),
        Case("IMDS: access_token is a number", .imds, #"{"access_token":7,"expires_in":"60"}"#, malformed),
        Case(
            "IMDS: 400 whose error field is a page of text", .imds, status: 400,
            #"{"error":"\#(marker) \#(String(repeating: "x", count: 4096))"}"#, .managedIdentityRejected,
            mentions: "IMDS refused the token request (HTTP 400)"),

        Case("ACR exchange: truncated JSON", .exchange, #"{"refresh_token":"\#(marker)"#, malformed),
        Case("ACR exchange: HTML instead of JSON", .exchange, notJSON, malformed, mentions: "not a JSON object"),
        Case("ACR exchange: 4 MiB of garbage", .exchange, huge, malformed),
        Case("ACR exchange: empty refresh_token", .exchange, refresh(""), malformed, mentions: "no refresh_token"),
        Case("ACR exchange: JWT with one segment", .exchange, refresh(marker), invalidJWT, mentions: "1 segments"),
        Case(
            "ACR exchange: JWT with two segments", .exchange, refresh("\(header).\(marker)"), invalidJWT,
            mentions: "has 2 segments, expected 3"),
        Case(
            "ACR exchange: JWT with four segments", .exchange, refresh(jwt(payload: #"{"exp":1}"#) + ".x"),
            invalidJWT, mentions: "has 4 segments"),
        Case(
            "ACR exchange: JWT with empty segments", .exchange, refresh(".."), invalidJWT,
            mentions: "header is not base64-encoded JSON"),
        Case(
            "ACR exchange: JWT header not base64", .exchange, refresh("%%%.e30.\(marker)"), invalidJWT,
            mentions: "header is not base64-encoded JSON"),
        Case(
            "ACR exchange: JWT payload not base64", .exchange, refresh("\(header).%%%.\(marker)"), invalidJWT,
            mentions: "payload is not base64"),
        Case(
            "ACR exchange: JWT payload not JSON", .exchange,
            refresh("\(header).\(TestJWT.encode(marker)).\(marker)"), invalidJWT,
            mentions: "payload is not a JSON object"),
        Case(
            "ACR exchange: JWT payload is a JSON array", .exchange, refresh(jwt(payload: "[1,2]")), invalidJWT,
            mentions: "payload is not a JSON object"),
        Case(
            "ACR exchange: JWT exp is a word", .exchange, refresh(jwt(payload: #"{"exp":"soon"}"#)), invalidJWT,
            mentions: "numeric time claims"),
        Case(
            "ACR exchange: JWT exp is negative", .exchange, refresh(jwt(payload: #"{"exp":-1}"#)), invalidJWT,
            mentions: "numeric time claims"),
        Case(
            "ACR exchange: JWT exp is 1e300", .exchange, refresh(jwt(payload: #"{"exp":1e300}"#)), invalidJWT,
            mentions: "numeric time claims"),
        Case(
            "ACR exchange: JWT without exp", .exchange, refresh(jwt(payload: #"{"iss":"x"}"#)), invalidJWT,
            mentions: "has no exp claim"),
        Case(
            "ACR exchange: 401 whose error code echoes the request", .exchange, status: 401,
            #"{"errors":[{"code":"access_token=\#(entraToken)&\#(marker)"}]}"#, .registryDenied,
            mentions: "(HTTP 401)"),
        Case(
            "ACR exchange: 502 with a 4 MiB page", .exchange, status: 502, huge, .serverUnavailable,
            mentions: "(HTTP 502)"),

        Case("ACR token: truncated JSON", .accessToken, #"{"access_token":"\#(marker)"#, malformed),
        Case(
            "ACR token: JWT with two segments", .accessToken, access("\(header).\(marker)"), invalidJWT,
            mentions: "ACR access token is not a valid JWT"),
        Case(
            "ACR token: JWT payload not base64", .accessToken, access("\(header).!!!.\(marker)"), invalidJWT,
            mentions: "payload is not base64"),
        Case("ACR token: answer is a JSON string", .accessToken, #""\#(marker)""#, malformed),
    ]

    /// Sends one request through `transport` to the case's endpoint; returns a description of what was accepted.
    func attempt(_ endpoint: Endpoint, transport: ScriptedTransport, logger: Logger) async throws -> String {
        let registry = ACREndpoint(loginServer: "contoso.azurecr.io")
        let scope = "https://containerregistry.azure.net/.default"
        let client = ACRClient(transport: transport)
        switch endpoint {
        case .entra:
            let credential = ClientSecretCredential(
                tenantID: "72f988bf-0000-4000-8000-2d7cd011db47", clientID: "cid", secret: Self.clientSecret,
                authorityHost: "https://login.example.test", transport: transport)
            return "\(try await credential.token(for: scope, logger: logger))"
        case .imds:
            let credential = ManagedIdentityCredential(
                selector: .clientID("cid"), endpoint: .imds(baseURL: "http://127.0.0.1:1"), transport: transport,
                retry: .none)
            return "\(try await credential.token(for: scope, logger: logger))"
        case .exchange:
            let aad = AccessToken(token: Self.entraToken, expiresOn: .distantFuture, tenant: "t")
            let token = try await client.exchange(aad, at: registry, tenant: nil, tls: TLSOptions(), logger: logger)
            return "\(token)"
        case .accessToken:
            let token = try await client.accessToken(
                refreshToken: Self.refreshToken, scopes: ["repository:a:pull"], at: registry, tls: TLSOptions(),
                logger: logger)
            return "\(token)"
        }
    }

    @Test(arguments: cases)
    func answer(_ badInput: Case) async throws {
        let capture = LogCapture()
        let transport = ScriptedTransport([
            { _ in
                HTTPResponseData(
                    status: badInput.status, headers: [("Content-Type", "application/json")], body: badInput.body)
            }
        ])
        var texts: [String] = []
        do {
            let accepted = try await attempt(badInput.endpoint, transport: transport, logger: capture.logger())
            #expect(badInput.code == nil, "accepted: \(accepted)")
            texts.append(accepted)
        } catch let error as AzureAuthError {
            #expect(error.code == badInput.code, "\(error)")
            if let mentions = badInput.mentions { #expect(error.description.contains(mentions), "\(error)") }
            // Bounded, whatever the server sent: it ends up in an Event message.
            #expect(error.description.count < 600, "\(error.description.prefix(200))...")
            texts += [error.description, String(reflecting: error), error.localizedDescription]
        }
        #expect(transport.requests.count == 1)
        for text in texts + [capture.text] {
            for secret in Self.secrets { #expect(!text.contains(secret), "\(text.prefix(300))") }
            #expect(!text.contains(String(Self.huge.prefix(100))))
        }
    }

    @Test func catalogueIsLargeAndNamesAreUnique() {
        #expect(Self.cases.count >= 40)
        #expect(Set(Self.cases.map(\.name)).count == Self.cases.count)
    }
}
