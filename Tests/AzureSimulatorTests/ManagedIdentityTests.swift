import AzureSimulator
import Foundation
import PullKeeperCore
import Testing

@Suite("IMDS and App Service managed identity endpoints")
struct ManagedIdentityTests {
    static let userAssigned = "5e6f7a8b-3333-4c4d-8e9f-0a1b2c3d4e5f"
    static let userObject = "aaaaaaaa-3333-4c4d-8e9f-0a1b2c3d4e5f"
    static let systemAssigned = "99999999-3333-4c4d-8e9f-0a1b2c3d4e5f"
    static let resourceID =
        "/subscriptions/s/resourceGroups/rg/providers/Microsoft.ManagedIdentity/userAssignedIdentities/ua"

    static func register(_ h: Harness) {
        h.simulator.addManagedIdentity(
            tenant: Harness.tenant, clientID: userAssigned, objectID: userObject, resourceID: resourceID)
        h.simulator.addManagedIdentity(tenant: Harness.tenant, clientID: systemAssigned, systemAssigned: true)
    }

    static func imds(_ h: Harness, _ selector: String = "", metadata: Bool = true) async throws -> Reply {
        let url =
            h.simulator.imdsTokenURL + "?api-version=2018-02-01&resource="
            + Form.escape("https://containerregistry.azure.net") + selector
        return try await h.get(url, headers: metadata ? [("Metadata", "true")] : [])
    }

    @Test(
        "each selector finds its identity; no selector means system-assigned",
        arguments: [
            ("", systemAssigned), ("&client_id=\(userAssigned)", userAssigned),
            ("&object_id=\(userObject)", userAssigned), ("&msi_res_id=\(Form.escape(resourceID))", userAssigned),
        ])
    func selectors(_ selector: String, _ expected: String) async throws {
        try await Harness.with { h async throws in
            Self.register(h)
            let reply = try await Self.imds(h, selector)
            #expect(reply.status == 200)
            #expect(reply.json["client_id"] as? String == expected)
            for field in ["expires_in", "expires_on", "not_before", "ext_expires_in", "resource", "token_type"] {
                #expect(reply.json[field] is String, "\(field) must be a string")
            }
            #expect(Int(reply.json["expires_in"] as? String ?? "") ?? 0 > 80_000)
            let token = try #require(reply.json["access_token"] as? String)
            #expect(TestJWT.decode(token)?.claims["aud"] as? String == "https://containerregistry.azure.net")
            #expect(TestJWT.decode(token)?.claims["appid"] as? String == expected)
        }
    }

    @Test("a missing Metadata header and an unknown identity are 400s")
    func failures() async throws {
        try await Harness.with { h async throws in
            Self.register(h)
            let noHeader = try await Self.imds(h, metadata: false)
            #expect(noHeader.status == 400)
            #expect(noHeader.json["error"] as? String == "bad_request_102")
            let unknown = try await Self.imds(h, "&client_id=00000000-1111-2222-3333-444444444444")
            #expect(unknown.status == 400)
            #expect(unknown.json["error"] as? String == "invalid_request")
            #expect(unknown.json["error_description"] as? String == "Identity not found")
            let twoSelectors = try await Self.imds(h, "&client_id=\(Self.userAssigned)&object_id=\(Self.userObject)")
            #expect(twoSelectors.status == 400)
            let noResource = try await h.get(
                h.simulator.imdsTokenURL + "?api-version=2018-02-01", headers: [("Metadata", "true")])
            #expect(noResource.status == 400)
        }
    }

    @Test("scripted faults: 410 for the next two requests, then success; counters see all three")
    func goneThenSuccess() async throws {
        try await Harness.with { h async throws in
            Self.register(h)
            h.simulator.injectFault(.gone, endpoint: .imds, count: 2)
            #expect(try await Self.imds(h).status == 410)
            #expect(try await Self.imds(h).status == 410)
            #expect(try await Self.imds(h).status == 200)
            #expect(h.simulator.requestCount(.imds) == 3)
        }
    }

    @Test("scripted faults: 429 with Retry-After, a 500 burst, a timed 410 window and clearing")
    func throttlingAndWindows() async throws {
        try await Harness.with { h async throws in
            Self.register(h)
            h.simulator.injectFault(.throttled(retryAfter: 3), endpoint: .imds, count: 1)
            h.simulator.injectFault(.serverError, endpoint: .imds, count: 2)
            let throttled = try await Self.imds(h)
            #expect(throttled.status == 429)
            #expect(throttled.headers.first(name: "Retry-After") == "3")
            #expect(try await Self.imds(h).status == 500)
            #expect(try await Self.imds(h).status == 500)
            #expect(try await Self.imds(h).status == 200)
            h.simulator.injectFault(.gone, endpoint: .imds, for: .seconds(3600))
            #expect(try await Self.imds(h).status == 410)
            #expect(try await Self.imds(h).status == 410)
            h.simulator.clearFaults(endpoint: .imds)
            #expect(try await Self.imds(h).status == 200)
            #expect(h.simulator.requestCount(.imds) == 7)
            #expect(h.simulator.requestCount(.entra) == 0)
        }
    }

    @Test("App Service endpoint requires X-IDENTITY-HEADER and returns expires_on as a string")
    func appService() async throws {
        try await Harness.with { h async throws in
            Self.register(h)
            let url =
                h.simulator.appServiceEndpoint + "?api-version=2019-08-01&resource="
                + Form.escape("https://management.azure.com/") + "&client_id=\(Self.userAssigned)"
            let missing = try await h.get(url)
            #expect(missing.status == 401)
            let wrong = try await h.get(url, headers: [("X-IDENTITY-HEADER", "wrong")])
            #expect(wrong.status == 401)
            let reply = try await h.get(url, headers: [("X-IDENTITY-HEADER", h.simulator.appServiceHeader)])
            #expect(reply.status == 200)
            #expect(reply.json["expires_on"] is String)
            #expect(reply.json["client_id"] as? String == Self.userAssigned)
            let token = try #require(reply.json["access_token"] as? String)
            #expect(TestJWT.decode(token)?.claims["aud"] as? String == "https://management.azure.com/")
            #expect(h.simulator.requestCount(.appService) == 3)
        }
    }
}
