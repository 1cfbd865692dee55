import AzureAuth
import Foundation
import Logging
import PullKeeperTesting
import Testing

@Suite("No secret material in logs or errors (scripted transport)")
struct LogSafetyTests {
    static let secret = "SECRET-client-secret-value"
    static let aadToken = "AADTOKEN-" + TestJWT.expiring(1_999_999_999, extra: #","tid":"t""#)
    static let refresh = TestJWT.expiring(1_999_999_999, extra: #","marker":"REFRESHTOKEN""#)

    @Test("trace logs and error descriptions never contain the secret, the Entra token or the refresh token")
    func noSecrets() async throws {
        let capture = LogCapture()
        let logger = capture.logger()
        let dir = try TempDirectory()
        let secretFile = try dir.write("secret", Self.secret)
        let transport = RoutingTransport([
            "/good/oauth2/v2.0/token": Answer.json(200, #"{"access_token":"\#(Self.aadToken)","expires_in":3600}"#),
            "/bad/oauth2/v2.0/token": Answer.json(401, #"{"error":"invalid_client","error_codes":[7000215]}"#),
            "/oauth2/exchange": { request in
                // Echoing the request back is what a careless server might do in an error body.
                let echo = String(decoding: request.body ?? [], as: UTF8.self)
                if request.url.contains("denied") {
                    return HTTPResponseData(
                        status: 401, body: Array(#"{"errors":[{"code":"UNAUTHORIZED","message":"\#(echo)"}]}"#.utf8))
                }
                return HTTPResponseData(status: 200, body: Array(#"{"refresh_token":"\#(Self.refresh)"}"#.utf8))
            },
        ])
        let provider = TokenProvider(transport: transport, logger: logger)
        func identity(_ tenant: String) -> RegistryIdentity {
            RegistryIdentity(
                name: tenant == "bad" ? "ci-sp-bad" : "ci-sp",
                kind: .entra(
                    ClientSecretCredential(
                        tenantID: tenant, clientID: "cid", secretFile: secretFile, authorityHost: "https://h.test/",
                        transport: transport)))
        }
        var descriptions: [String] = []
        let good = try await provider.credential(
            identity: identity("good"), registry: RegistryTarget(loginServer: "ok.io"))
        descriptions.append("\(good)")
        do {
            _ = try await provider.credential(identity: identity("bad"), registry: RegistryTarget(loginServer: "ok.io"))
        } catch {
            descriptions.append("\(error)")
            descriptions.append(String(reflecting: error))
        }
        do {
            _ = try await provider.credential(
                identity: identity("good"),
                registry: RegistryTarget(loginServer: "denied.io", authEndpoint: nil))
        } catch {
            descriptions.append("\(error)")
            descriptions.append(String(reflecting: error))
            descriptions.append(error.localizedDescription)
        }
        #expect(descriptions.count == 6)
        let logText = capture.text
        #expect(logText.contains("ci-sp"))
        #expect(logText.contains("identity.name"))
        for text in [logText] + descriptions {
            #expect(!text.contains(Self.secret))
            #expect(!text.contains("AADTOKEN"))
            #expect(!text.contains(Self.refresh))
            #expect(!text.contains(Self.refresh.split(separator: ".")[1]))
        }
    }
}
