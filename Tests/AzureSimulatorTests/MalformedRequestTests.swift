import AzureSimulator
import Foundation
import Testing

@Suite("Malformed requests are 4xx answers, never crashes")
struct MalformedRequestTests {
    static let bodies: [[UInt8]] = [
        Array("%%%zz=&&==".utf8), [0xFF, 0xFE, 0x00, 0x80], Array("{\"json\":true}".utf8), [],
        Array(
            "grant_type=client_credentials&client_assertion_type=urn%3Aietf%3Aparams%3Aoauth%3Aclient-assertion-type%3Ajwt-bearer&client_id=app&scope=https%3A%2F%2Fcontainerregistry.azure.net%2F.default&client_assertion=eyJhbGciOiJQUzI1NiJ9.e30.AAAA"
                .utf8),
        Array("grant_type=access_token&service=contoso.azurecr.io&access_token=eyJ.eyJ.sig".utf8),
        Array("grant_type=refresh_token&service=contoso.azurecr.io&refresh_token=....".utf8),
    ]

    @Test("garbage bodies on every POST endpoint", arguments: bodies)
    func garbage(_ body: [UInt8]) async throws {
        try await Harness.with { h async throws in
            try h.addSecretApp(clientID: "app")
            h.simulator.addRegistry("contoso.azurecr.io")
            let base = h.simulator.registryAuthEndpoint
            for url in [h.tokenURL, base + "/oauth2/exchange", base + "/oauth2/token"] {
                let reply = try await h.send(
                    .POST, url, headers: [("Content-Type", "application/x-www-form-urlencoded")], body: body)
                #expect((400..<500).contains(reply.status), "\(url): \(reply.status)")
            }
        }
    }

    @Test("huge bodies get 413; broken query strings, bad Basic headers and unknown paths are 4xx")
    func oddRequests() async throws {
        try await Harness.with { h async throws in
            h.simulator.addRegistry("contoso.azurecr.io")
            let huge = [UInt8](repeating: UInt8(ascii: "a"), count: 2 * 1024 * 1024)
            let big = try await h.send(.POST, h.tokenURL, body: huge)
            #expect(big.status == 413)
            let base = h.simulator.registryAuthEndpoint
            let badQuery = try await h.get(base + "/oauth2/token?service=%zz&scope=%")
            #expect(badQuery.status == 400)
            let badBasic = try await h.get(
                base + "/oauth2/token?service=contoso.azurecr.io", headers: [("Authorization", "Basic !!!notbase64")])
            #expect(badBasic.status == 401)
            let noColon = try await h.get(
                base + "/oauth2/token?service=contoso.azurecr.io",
                headers: [("Authorization", "Basic " + Data("nocolon".utf8).base64EncodedString())])
            #expect(noColon.status == 401)
            #expect(try await h.get(base + "/nowhere").status == 404)
            #expect(try await h.send(.DELETE, base + "/oauth2/token").status == 404)
            let imds = try await h.get(
                h.simulator.imdsTokenURL + "?api-version=2018-02-01&resource=%zz",
                headers: [("Metadata", "true")])
            #expect(imds.status == 400)
            // The simulator still answers after all of that.
            #expect(try await h.get(base + "/v2/").status == 401)
        }
    }

    @Test("counters count per endpoint and reset")
    func counters() async throws {
        try await Harness.with { h async throws in
            let client = try h.addSecretApp()
            _ = try await h.entraToken(clientID: client)
            _ = try await h.entraToken(clientID: client)
            _ = try await h.get(h.simulator.registryAuthEndpoint + "/oauth2/token")
            #expect(h.simulator.requestCount(.entra) == 2)
            #expect(h.simulator.requestCount(.token) == 1)
            #expect(h.simulator.requestCounts[.exchange] == nil)
            h.simulator.resetCounters()
            #expect(h.simulator.requestCount(.entra) == 0)
            h.simulator.injectFault(.throttled(retryAfter: 7), endpoint: .entra, count: 1)
            let reply = try await h.postForm(h.tokenURL, [("grant_type", "client_credentials")])
            #expect(reply.status == 429)
            #expect(reply.headers.first(name: "Retry-After") == "7")
            #expect(h.simulator.requestCount(.entra) == 1)
        }
    }
}
