import AzureSimulator
import Foundation
import Testing
import X509

@Suite("ACR token service: /oauth2/token and access-token format")
struct RegistryTokenTests {
    static let registry = "contoso.azurecr.io"

    /// A principal with `role` on the registry and its ACR refresh token.
    static func refreshToken(_ h: Harness, role: AcrRole) async throws -> (client: String, token: String) {
        h.simulator.addRegistry(registry)
        let client = try h.addSecretApp()
        try h.simulator.assignRole(role, principal: client, registry: registry)
        let reply = try await h.exchange(try await h.entraToken(clientID: client), service: registry)
        return (client, try #require(reply.json["refresh_token"] as? String))
    }

    static func access(_ reply: Reply) -> [String: Set<String>] {
        let token = reply.json["access_token"] as? String ?? ""
        let entries = TestJWT.decode(token)?.claims["access"] as? [[String: Any]] ?? []
        var result: [String: Set<String>] = [:]
        for entry in entries {
            let key = "\(entry["type"] as? String ?? ""):\(entry["name"] as? String ?? "")"
            result[key, default: []].formUnion(entry["actions"] as? [String] ?? [])
        }
        return result
    }

    static let expectedAccess: [AcrRole: [String: Set<String>]] = [
        .acrPull: ["repository:team-a/app": ["pull"]],
        .acrPush: ["repository:team-a/app": ["pull", "push"]],
        .owner: ["repository:team-a/app": ["pull", "push", "delete"], "registry:catalog": ["*"]],
    ]

    @Test("access is the intersection of the requested scopes and the role", arguments: AcrRole.allCases)
    func intersection(_ role: AcrRole) async throws {
        let expected = Self.expectedAccess[role] ?? [:]
        try await Harness.with { h async throws in
            let (_, refresh) = try await Self.refreshToken(h, role: role)
            let reply = try await h.basicToken(
                service: Self.registry, user: "00000000-0000-0000-0000-000000000000", password: refresh,
                scopes: ["repository:team-a/app:pull,push", "repository:team-a/app:delete registry:catalog:*"])
            #expect(reply.status == 200)
            #expect(Self.access(reply) == expected)
        }
    }

    @Test("the access token is what docker-registry 2.8 accepts: x5c standard base64, integer times, string aud")
    func accessTokenFormat() async throws {
        try await Harness.with { h async throws in
            let (_, refresh) = try await Self.refreshToken(h, role: .acrPull)
            let reply = try await h.basicToken(
                service: Self.registry, user: "00000000-0000-0000-0000-000000000000", password: refresh,
                scopes: ["repository:team-a/app:pull"])
            #expect(reply.status == 200)
            let token = try #require(reply.json["access_token"] as? String)
            #expect(reply.json["token"] as? String == token)
            #expect(reply.json["expires_in"] as? Int == 4500)
            let issuedAt = try #require(reply.json["issued_at"] as? String)
            #expect(ISO8601DateFormatter().date(from: issuedAt) != nil)
            let jwt = try #require(TestJWT.decode(token))
            #expect(jwt.header["alg"] as? String == "RS256")
            let x5c = try #require(jwt.header["x5c"] as? [String])
            let signing = try Certificate(pemEncoded: h.simulator.signingCertificatePEM)
            let signingDER = Array(try signing.serializeAsPEM().derBytes)
            #expect(x5c.first == Data(signingDER).base64EncodedString())
            #expect(x5c.allSatisfy { !$0.contains("-") && !$0.contains("_") })
            #expect(try TestJWT.verifyRS256(token, certificateDER: signingDER))
            #expect(jwt.claims["aud"] as? String == Self.registry)
            #expect(jwt.claims["iss"] as? String == "Azure Container Registry")
            let raw = String(decoding: TestJWT.decodeBase64URL(jwt.segments[1]) ?? Data(), as: UTF8.self)
            for claim in ["exp", "nbf", "iat"] {
                #expect(jwt.claims[claim] is Int)
                let pattern = "\"\(claim)\":[0-9]+[,}]"
                #expect(raw.range(of: pattern, options: .regularExpression) != nil, "\(claim) is an integer")
            }
            #expect(!jwt.segments[1].contains("-") && !jwt.segments[1].contains("_"))
            // kid is the libtrust ID: 12 groups of 4 base32 characters.
            let kid = try #require(jwt.header["kid"] as? String)
            #expect(kid.split(separator: ":").count == 12 && kid.count == 59)
        }
    }

    @Test("admin account: both passwords work, rotation retires only the rotated one")
    func adminAccount() async throws {
        try await Harness.with { h async throws in
            h.simulator.addRegistry(Self.registry)
            try h.simulator.enableAdmin(registry: Self.registry, username: "contoso", password: "p1", password2: "p2")
            let scopes = ["repository:team-a/app:pull,push"]
            let first = try await h.basicToken(service: Self.registry, user: "contoso", password: "p1", scopes: scopes)
            #expect(first.status == 200)
            #expect(Self.access(first) == ["repository:team-a/app": ["pull", "push"]])
            #expect(
                try await h.basicToken(service: Self.registry, user: "contoso", password: "p2", scopes: scopes)
                    .status == 200)
            try h.simulator.rotateAdminPassword(registry: Self.registry, slot: .password, newPassword: "p1-new")
            #expect(
                try await h.basicToken(service: Self.registry, user: "contoso", password: "p1", scopes: scopes)
                    .status == 401)
            #expect(
                try await h.basicToken(service: Self.registry, user: "contoso", password: "p2", scopes: scopes)
                    .status == 200)
            #expect(
                try await h.basicToken(
                    service: Self.registry, user: "contoso", password: "p1-new",
                    scopes: scopes
                ).status == 200)
        }
    }

    @Test("repository tokens and service-principal app ID + secret get what they are allowed")
    func staticPrincipals() async throws {
        try await Harness.with { h async throws in
            h.simulator.addRegistry(Self.registry)
            try h.simulator.addRepositoryToken(
                registry: Self.registry, name: "ci-token", password: "t1", password2: "t2",
                permissions: ["team-a/app": ["pull"]])
            let scopes = ["repository:team-a/app:pull,push", "repository:team-b/app:pull"]
            let token = try await h.basicToken(service: Self.registry, user: "ci-token", password: "t2", scopes: scopes)
            #expect(token.status == 200)
            #expect(Self.access(token) == ["repository:team-a/app": ["pull"]])
            let client = try h.addSecretApp()
            try h.simulator.assignRole(.acrPush, principal: client, registry: Self.registry)
            let sp = try await h.basicToken(
                service: Self.registry, user: client, password: "s3cret~value", scopes: scopes)
            #expect(Self.access(sp) == ["repository:team-a/app": ["pull", "push"], "repository:team-b/app": ["pull"]])
            #expect(
                try await h.basicToken(service: Self.registry, user: client, password: "wrong", scopes: scopes)
                    .status == 401)
        }
    }

    @Test("POST grants: refresh_token and password work, others are 400")
    func postGrants() async throws {
        try await Harness.with { h async throws in
            let (_, refresh) = try await Self.refreshToken(h, role: .acrPull)
            try h.simulator.enableAdmin(registry: Self.registry, username: "contoso", password: "p1", password2: "p2")
            let url = h.simulator.registryAuthEndpoint + "/oauth2/token"
            let viaRefresh = try await h.postForm(
                url,
                [
                    ("grant_type", "refresh_token"), ("service", Self.registry), ("refresh_token", refresh),
                    ("scope", "repository:team-a/app:pull"), ("client_id", "containerd-client"),
                    ("access_type", "offline"),
                ])
            #expect(viaRefresh.status == 200)
            #expect(Self.access(viaRefresh) == ["repository:team-a/app": ["pull"]])
            let viaPassword = try await h.postForm(
                url,
                [
                    ("grant_type", "password"), ("service", Self.registry), ("username", "contoso"), ("password", "p2"),
                    ("scope", "repository:team-a/app:pull"),
                ])
            #expect(viaPassword.status == 200)
            let other = try await h.postForm(url, [("grant_type", "client_credentials"), ("service", Self.registry)])
            #expect(other.status == 400)
        }
    }

    @Test("bad credentials are 401; a revoked role yields a token with empty access")
    func refusals() async throws {
        try await Harness.with { h async throws in
            let (client, refresh) = try await Self.refreshToken(h, role: .acrPull)
            let zero = "00000000-0000-0000-0000-000000000000"
            let scope = ["repository:team-a/app:pull"]
            #expect(
                try await h.basicToken(service: Self.registry, user: zero, password: "garbage", scopes: scope)
                    .status == 401)
            h.simulator.addRegistry("other.azurecr.io")
            #expect(
                try await h.basicToken(service: "other.azurecr.io", user: zero, password: refresh, scopes: scope)
                    .status == 401)
            let anonymous = try await h.get(h.simulator.registryAuthEndpoint + "/oauth2/token?service=" + Self.registry)
            #expect(anonymous.status == 401)
            h.simulator.removeRole(principal: client, registry: Self.registry)
            let revoked = try await h.basicToken(service: Self.registry, user: zero, password: refresh, scopes: scope)
            #expect(revoked.status == 200)
            #expect(Self.access(revoked).isEmpty)
        }
    }

    /// protocols.md §3.5: an ACR access token is a docker password good only for its own scope.
    @Test("an access token as the Basic password is good for its own scope and refused a wider one")
    func accessTokenAsPassword() async throws {
        try await Harness.with { h async throws in
            let (_, refresh) = try await Self.refreshToken(h, role: .acrPush)
            let zero = "00000000-0000-0000-0000-000000000000"
            let issued = try await h.basicToken(
                service: Self.registry, user: zero, password: refresh, scopes: ["repository:team-a/app:pull"])
            let accessToken = try #require(issued.json["access_token"] as? String)

            let same = try await h.basicToken(
                service: Self.registry, user: zero, password: accessToken, scopes: ["repository:team-a/app:pull"])
            #expect(same.status == 200)
            #expect(Self.access(same) == ["repository:team-a/app": ["pull"]])
            // Wider: another repository, another action (the role would allow push), the catalog.
            for wider in ["repository:team-b/app:pull", "repository:team-a/app:pull,push", "registry:catalog:*"] {
                let reply = try await h.basicToken(
                    service: Self.registry, user: zero, password: accessToken, scopes: [wider])
                #expect(reply.status == 401, "scope \(wider)")
            }
            let mixed = try await h.basicToken(
                service: Self.registry, user: zero, password: accessToken,
                scopes: ["repository:team-a/app:pull", "repository:team-b/app:pull"])
            #expect(mixed.status == 401)
            // The refresh_token grant still takes refresh tokens only.
            let url = h.simulator.registryAuthEndpoint + "/oauth2/token"
            let grant = try await h.postForm(
                url,
                [
                    ("grant_type", "refresh_token"), ("service", Self.registry), ("refresh_token", accessToken),
                    ("scope", "repository:team-a/app:pull"),
                ])
            #expect(grant.status == 401)
            // Another registry's service does not take it either.
            h.simulator.addRegistry("other.azurecr.io")
            let elsewhere = try await h.basicToken(
                service: "other.azurecr.io", user: zero, password: accessToken, scopes: ["repository:team-a/app:pull"])
            #expect(elsewhere.status == 401)
        }
    }

    @Test("the registry listener checks Bearer tokens like docker-registry")
    func dataPlane() async throws {
        try await Harness.with { h async throws in
            let host = h.simulator.registryListenerHosts[0]
            h.simulator.addRegistry(host)
            let client = try h.addSecretApp()
            try h.simulator.assignRole(.acrPull, principal: client, registry: host)
            let exchange = try await h.exchange(try await h.entraToken(clientID: client), service: host)
            let refresh = try #require(exchange.json["refresh_token"] as? String)
            let reply = try await h.basicToken(
                service: host, user: "00000000-0000-0000-0000-000000000000", password: refresh,
                scopes: ["repository:team-a/app:pull"])
            let access = try #require(reply.json["access_token"] as? String)
            let bearer = [("Authorization", "Bearer \(access)")]
            #expect(try await h.get("https://\(host)/v2/", headers: bearer).status == 200)
            let manifest = try await h.get("https://\(host)/v2/team-a/app/manifests/1.0", headers: bearer)
            #expect(manifest.status == 404)
            let other = try await h.get("https://\(host)/v2/team-b/app/manifests/1.0", headers: bearer)
            #expect(other.status == 401)
            #expect(other.headers.first(name: "Www-Authenticate")?.contains("error=\"insufficient_scope\"") == true)
            let withRefresh = try await h.get(
                "https://\(host)/v2/team-a/app/manifests/1.0", headers: [("Authorization", "Bearer \(refresh)")])
            #expect(withRefresh.status == 401)
            let garbage = try await h.get("https://\(host)/v2/", headers: [("Authorization", "Bearer x.y.z")])
            #expect(garbage.headers.first(name: "Www-Authenticate")?.contains("error=\"invalid_token\"") == true)
        }
    }
}
