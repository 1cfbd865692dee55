import AzureSimulator
import Foundation
import Testing

@Suite("ACR token service: challenge and /oauth2/exchange")
struct RegistryExchangeTests {
    @Test("GET /v2/ on a registry listener answers the Bearer challenge naming that registry")
    func challenge() async throws {
        try await Harness.with { h async throws in
            let registry = h.simulator.registryListenerHosts[0]
            h.simulator.addRegistry(registry)
            h.simulator.addRegistry(h.simulator.registryListenerHosts[1])
            let reply = try await h.get("https://\(registry)/v2/")
            #expect(reply.status == 401)
            #expect(
                reply.headers.first(name: "Www-Authenticate")
                    == "Bearer realm=\"\(h.simulator.realm)\",service=\"\(registry)\"")
            #expect(reply.headers.first(name: "Docker-Distribution-Api-Version") == "registry/2.0")
            let errors = reply.json["errors"] as? [[String: Any]]
            #expect(errors?.first?["code"] as? String == "UNAUTHORIZED")
            let scoped = try await h.get("https://\(registry)/v2/team-a/app/manifests/1.0")
            #expect(
                scoped.headers.first(name: "Www-Authenticate")?.hasSuffix(
                    ",scope=\"repository:team-a/app:pull\"") == true)
            #expect(h.simulator.requestCount(.challenge) == 2)
        }
    }

    @Test(
        "the exchange is refused without a role and allowed with AcrPull, AcrPush or Owner",
        arguments: [nil, AcrRole.acrPull, .acrPush, .owner])
    func roles(_ role: AcrRole?) async throws {
        try await Harness.with { h async throws in
            let registry = "contoso.azurecr.io"
            h.simulator.addRegistry(registry)
            let client = try h.addSecretApp()
            if let role { try h.simulator.assignRole(role, principal: client, registry: registry) }
            let aad = try await h.entraToken(clientID: client)
            let reply = try await h.exchange(aad, service: registry)
            guard let role else {
                #expect(reply.status == 401)
                #expect((reply.json["errors"] as? [[String: Any]])?.first?["code"] as? String == "UNAUTHORIZED")
                return
            }
            #expect(reply.status == 200)
            let refresh = try #require(reply.json["refresh_token"] as? String)
            let jwt = try #require(TestJWT.decode(refresh))
            #expect(jwt.claims["grant_type"] as? String == "refresh_token")
            #expect(jwt.claims["aud"] as? String == registry)
            #expect(jwt.claims["access"] == nil)
            #expect(jwt.claims["tenant"] as? String == Harness.tenant)
            #expect(jwt.claims["exp"] is Int)
            let lifetime = (jwt.claims["exp"] as? Int ?? 0) - (jwt.claims["iat"] as? Int ?? 0)
            #expect(lifetime == 3 * 3600)
            // The Go SDK decodes the payload with standard base64 (protocols.md §3.2).
            #expect(!jwt.segments[1].contains("-") && !jwt.segments[1].contains("_"))
            let permissions = jwt.claims["permissions"] as? [String: Any]
            #expect(Set(permissions?["actions"] as? [String] ?? []) == role.actions)
        }
    }

    @Test("an ARM-audience token is accepted only while the registry allows it")
    func armAudience() async throws {
        try await Harness.with { h async throws in
            h.simulator.addRegistry("arm-ok.azurecr.io")
            h.simulator.addRegistry("acr-only.azurecr.io", allowsARMAudience: false)
            let client = try h.addSecretApp()
            try h.simulator.assignRole(.acrPull, principal: client, registry: "arm-ok.azurecr.io")
            try h.simulator.assignRole(.acrPull, principal: client, registry: "acr-only.azurecr.io")
            let arm = try await h.entraToken(clientID: client, resource: "https://management.azure.com/")
            #expect(try await h.exchange(arm, service: "arm-ok.azurecr.io").status == 200)
            #expect(try await h.exchange(arm, service: "acr-only.azurecr.io").status == 401)
            let acr = try await h.entraToken(clientID: client)
            #expect(try await h.exchange(acr, service: "acr-only.azurecr.io").status == 200)
            let vault = try await h.entraToken(clientID: client, resource: "https://vault.azure.net")
            #expect(try await h.exchange(vault, service: "arm-ok.azurecr.io").status == 401)
        }
    }

    @Test("forged, foreign-tenant and malformed exchange requests are refused, never crash")
    func badExchanges() async throws {
        try await Harness.with { h async throws in
            let registry = "contoso.azurecr.io"
            h.simulator.addRegistry(registry)
            let client = try h.addSecretApp()
            try h.simulator.assignRole(.acrPull, principal: client, registry: registry)
            let aad = try await h.entraToken(clientID: client)
            let parts = try #require(TestJWT.decode(aad))
            let forged = try TestJWT.sign(header: parts.header, claims: parts.claims, key: try TestKeys.rsa())
            #expect(try await h.exchange(forged, service: registry).status == 401)
            #expect(try await h.exchange("garbage", service: registry).status == 401)
            let url = h.simulator.registryAuthEndpoint + "/oauth2/exchange"
            let otherTenant = try await h.postForm(
                url,
                [
                    ("grant_type", "access_token"), ("service", registry), ("tenant", "someone-else"),
                    ("access_token", aad),
                ])
            #expect(otherTenant.status == 401)
            let wrongGrant = try await h.postForm(url, [("grant_type", "refresh_token"), ("service", registry)])
            #expect(wrongGrant.status == 400)
            let unknownService = try await h.exchange(aad, service: "nowhere.azurecr.io")
            #expect(unknownService.status == 400)
            let noToken = try await h.postForm(url, [("grant_type", "access_token"), ("service", registry)])
            #expect(noToken.status == 400)
            // Unknown query parameters (the Go SDK's api-version) are ignored.
            let withVersion = try await h.postForm(
                url + "?api-version=2021-07-01",
                [
                    ("grant_type", "access_token"), ("service", registry), ("access_token", aad),
                ])
            #expect(withVersion.status == 200)
            #expect(h.simulator.requestCount(.exchange) == 7)
        }
    }
}
