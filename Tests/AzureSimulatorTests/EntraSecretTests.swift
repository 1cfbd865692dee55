import AzureSimulator
import Foundation
import Testing

@Suite("Entra ID token endpoint: client secrets and request checks")
struct EntraSecretTests {
    @Test("a client secret gets an RS256 access token with the documented claims")
    func secretSuccess() async throws {
        try await Harness.with { h async throws in
            let client = try h.addSecretApp()
            let reply = try await h.postForm(
                h.tokenURL,
                [
                    ("grant_type", "client_credentials"), ("client_id", client), ("client_secret", "s3cret~value"),
                    ("scope", "https://containerregistry.azure.net/.default openid offline_access profile"),
                    ("client_info", "1"),
                ])
            #expect(reply.status == 200)
            #expect(reply.json["token_type"] as? String == "Bearer")
            #expect((reply.json["expires_in"] as? Int ?? 0) > 3000)
            #expect(reply.json["ext_expires_in"] as? Int == reply.json["expires_in"] as? Int)
            let token = try #require(reply.json["access_token"] as? String)
            let jwt = try #require(TestJWT.decode(token))
            #expect(jwt.header["alg"] as? String == "RS256")
            #expect(jwt.claims["aud"] as? String == "https://containerregistry.azure.net")
            #expect(jwt.claims["tid"] as? String == Harness.tenant)
            #expect(jwt.claims["appid"] as? String == client)
            #expect(jwt.claims["oid"] is String)
            for claim in ["exp", "nbf", "iat"] {
                let text = String(decoding: TestJWT.decodeBase64URL(jwt.segments[1]) ?? Data(), as: UTF8.self)
                #expect(text.contains("\"\(claim)\":") && jwt.claims[claim] is Int, "claim \(claim)")
            }
        }
    }

    @Test("HTTP Basic client authentication is accepted")
    func basicClientAuth() async throws {
        try await Harness.with { h async throws in
            let client = try h.addSecretApp()
            let basic = Data("\(client):s3cret~value".utf8).base64EncodedString()
            let reply = try await h.postForm(
                h.tokenURL, [("grant_type", "client_credentials"), ("scope", "https://management.azure.com/.default")],
                headers: [("Authorization", "Basic \(basic)")])
            #expect(reply.status == 200)
            let token = try #require(reply.json["access_token"] as? String)
            #expect(TestJWT.decode(token)?.claims["aud"] as? String == "https://management.azure.com")
        }
    }

    struct Failure: Sendable, CustomStringConvertible {
        var description: String
        var status: Int
        var error: String
        var code: Int
        var tenant: String = Harness.tenant
        var clientID: String? = "app"
        var secret: String? = "s3cret~value"
        var scope: String? = "https://containerregistry.azure.net/.default"
        var grant: String? = "client_credentials"
    }

    static let failures: [Failure] = [
        Failure(description: "wrong secret", status: 401, error: "invalid_client", code: 7000215, secret: "nope"),
        Failure(description: "expired secret", status: 401, error: "invalid_client", code: 7000222, secret: "old"),
        Failure(
            description: "unknown app", status: 400, error: "unauthorized_client", code: 700016,
            clientID: "11111111-2222-3333-4444-555555555555"),
        Failure(
            description: "unknown tenant", status: 400, error: "invalid_request", code: 90002,
            tenant: "00000000-9999-4000-8000-000000000000"),
        Failure(
            description: "two resources", status: 400, error: "invalid_scope", code: 70011,
            scope: "https://containerregistry.azure.net/.default https://management.azure.com/.default"),
        Failure(
            description: "no /.default", status: 400, error: "invalid_scope", code: 70011,
            scope: "https://containerregistry.azure.net"),
        Failure(description: "only openid", status: 400, error: "invalid_scope", code: 70011, scope: "openid"),
        Failure(
            description: "no secret or assertion", status: 401, error: "invalid_client", code: 7000218,
            secret: nil),
        Failure(description: "missing scope", status: 400, error: "invalid_request", code: 900144, scope: nil),
        Failure(
            description: "password grant", status: 400, error: "unsupported_grant_type", code: 70003,
            grant: "password"),
        Failure(
            description: "missing client_id", status: 400, error: "invalid_request", code: 900144,
            clientID: nil),
    ]

    @Test("documented failures have the AADSTS error shape", arguments: failures)
    func failure(_ failure: Failure) async throws {
        try await Harness.with { h async throws in
            try h.addSecretApp(clientID: "app")
            try h.simulator.addClientSecret(tenant: Harness.tenant, clientID: "app", secret: "old", expired: true)
            var fields: [(String, String)] = []
            if let grant = failure.grant { fields.append(("grant_type", grant)) }
            if let client = failure.clientID { fields.append(("client_id", client)) }
            if let secret = failure.secret { fields.append(("client_secret", secret)) }
            if let scope = failure.scope { fields.append(("scope", scope)) }
            let reply = try await h.postForm(h.simulator.tokenURL(tenant: failure.tenant), fields)
            #expect(reply.status == failure.status)
            #expect(reply.json["error"] as? String == failure.error)
            #expect(reply.json["error_codes"] as? [Int] == [failure.code])
            let description = try #require(reply.json["error_description"] as? String)
            #expect(description.hasPrefix("AADSTS\(failure.code): "))
            #expect(description.contains("Trace ID: ") && description.contains("Correlation ID: "))
            #expect(!description.contains("s3cret") && !description.contains("nope"))
            for key in ["timestamp", "trace_id", "correlation_id", "error_uri"] { #expect(reply.json[key] is String) }
        }
    }

    @Test("the tenant may be addressed by a verified domain; openid-configuration is served")
    func domainAndDiscovery() async throws {
        try await Harness.with { h async throws in
            let client = try h.addSecretApp()
            h.simulator.addTenant(Harness.tenant, domains: ["contoso.onmicrosoft.com"])
            let reply = try await h.postForm(
                h.simulator.tokenURL(tenant: "contoso.onmicrosoft.com"),
                [
                    ("grant_type", "client_credentials"), ("client_id", client), ("client_secret", "s3cret~value"),
                    ("scope", "https://containerregistry.azure.net/.default"),
                ])
            #expect(reply.status == 200)
            let discovery = try await h.get(
                h.simulator.authorityHost + Harness.tenant
                    + "/v2.0/.well-known/openid-configuration")
            #expect(discovery.status == 200)
            #expect(discovery.json["token_endpoint"] as? String == h.tokenURL)
            #expect((discovery.json["issuer"] as? String)?.hasPrefix(h.simulator.authorityHost) == true)
            let unknown = try await h.get(h.simulator.authorityHost + "nobody/v2.0/.well-known/openid-configuration")
            #expect(unknown.status == 400)
        }
    }
}
