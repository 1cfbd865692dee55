import AzureSimulator
import Foundation
import PullKeeperCore
import SimulatorPKI
import Testing

@Suite("Entra ID token endpoint: certificate and federated client assertions")
struct EntraAssertionTests {
    static let client = "3f1c9a2e-1111-4a55-9d8e-0a1b2c3d4e5f"

    /// Registers a certificate app; returns its certificate.
    static func certificateApp(_ h: Harness) throws -> IssuedCertificate {
        h.simulator.addTenant(Harness.tenant)
        try h.simulator.addApplication(tenant: Harness.tenant, clientID: client)
        let certificate = try Harness.sharedClientCertificate.get()
        try h.simulator.addCertificate(
            tenant: Harness.tenant, clientID: client, certificatePEM: certificate.certificatePEM)
        return certificate
    }

    static func post(_ h: Harness, assertion: String) async throws -> Reply {
        try await h.postForm(
            h.tokenURL,
            [
                ("grant_type", "client_credentials"), ("client_id", client),
                ("client_assertion_type", "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"),
                ("client_assertion", assertion), ("scope", "https://containerregistry.azure.net/.default"),
                ("client_info", "1"),
            ])
    }

    enum Variant: String, CaseIterable, Sendable { case ps256Standard, ps256URLSafe, rs256X5t }

    @Test("a good assertion is accepted", arguments: Variant.allCases)
    func goodAssertion(_ variant: Variant) async throws {
        try await Harness.with { h async throws in
            let certificate = try Self.certificateApp(h)
            let assertion = try TestJWT.assertion(
                certificatePEM: certificate.certificatePEM, keyPEM: certificate.privateKeyPEM, clientID: Self.client,
                audience: h.tokenURL, legacy: variant == .rs256X5t, urlSafeThumbprint: variant == .ps256URLSafe)
            let reply = try await Self.post(h, assertion: assertion)
            #expect(reply.status == 200, "\(reply.text)")
            #expect(
                TestJWT.decode(reply.json["access_token"] as? String ?? "")?.claims["appid"] as? String
                    == Self.client)
        }
    }

    enum Bad: String, CaseIterable, Sendable { case wrongKey, wrongAudience, expired, notYetValid, wrongIssuer }

    @Test("a bad assertion is refused with its AADSTS code", arguments: Bad.allCases)
    func badAssertion(_ bad: Bad) async throws {
        try await Harness.with { h async throws in
            let certificate = try Self.certificateApp(h)
            let other = try Harness.otherClientCertificate.get()
            let now = Int(Date().timeIntervalSince1970)
            let assertion = try TestJWT.assertion(
                certificatePEM: certificate.certificatePEM,
                keyPEM: bad == .wrongKey ? other.privateKeyPEM : certificate.privateKeyPEM,
                clientID: bad == .wrongIssuer ? "someone-else" : Self.client,
                audience: bad == .wrongAudience ? "https://login.microsoftonline.com/x/oauth2/v2.0/token" : h.tokenURL,
                now: bad == .expired ? now - 1200 : (bad == .notYetValid ? now + 600 : now))
            let reply = try await Self.post(h, assertion: assertion)
            let expected: Int =
                switch bad {
                case .wrongKey, .wrongAudience: 700027
                case .expired, .notYetValid: 700024
                case .wrongIssuer: 700021
                }
            #expect(reply.status == 401)
            #expect(reply.json["error"] as? String == "invalid_client")
            #expect(reply.json["error_codes"] as? [Int] == [expected])
        }
    }

    @Test("a replayed jti is refused, an unknown thumbprint too")
    func replayAndUnknownCertificate() async throws {
        try await Harness.with { h async throws in
            let certificate = try Self.certificateApp(h)
            let assertion = try TestJWT.assertion(
                certificatePEM: certificate.certificatePEM, keyPEM: certificate.privateKeyPEM, clientID: Self.client,
                audience: h.tokenURL)
            #expect(try await Self.post(h, assertion: assertion).status == 200)
            let replay = try await Self.post(h, assertion: assertion)
            #expect(replay.status == 401)
            #expect(replay.json["error_codes"] as? [Int] == [700027])
            let other = try Harness.otherClientCertificate.get()
            let unknown = try TestJWT.assertion(
                certificatePEM: other.certificatePEM, keyPEM: other.privateKeyPEM, clientID: Self.client,
                audience: h.tokenURL)
            #expect(try await Self.post(h, assertion: unknown).json["error_codes"] as? [Int] == [700027])
            #expect(try await Self.post(h, assertion: "not.a.jwt").json["error_codes"] as? [Int] == [700027])
        }
    }

    // MARK: Federated credentials

    static let subject = "system:serviceaccount:team-a:puller"

    static func federatedApp(_ h: Harness) throws {
        h.simulator.addTenant(Harness.tenant)
        try h.simulator.addApplication(tenant: Harness.tenant, clientID: client)
        try h.simulator.addFederatedCredential(
            tenant: Harness.tenant, clientID: client, issuer: h.simulator.oidcIssuer, subject: subject)
        try h.simulator.addFederatedCredential(
            tenant: Harness.tenant, clientID: client, issuer: "https://foreign.example/oidc", subject: subject)
    }

    @Test("a federated token from the simulator's issuer or a registered foreign issuer is accepted")
    func federatedSuccess() async throws {
        try await Harness.with { h async throws in
            try Self.federatedApp(h)
            let own = try h.simulator.issueFederatedToken(subject: Self.subject)
            #expect(try await Self.post(h, assertion: own).status == 200)
            // Foreign issuers cannot be verified by the simulator; iss/sub/aud/exp still are.
            let key = try TestKeys.rsa()
            let now = Int(Date().timeIntervalSince1970)
            let foreign = try TestJWT.sign(
                header: ["alg": "RS256", "typ": "JWT"],
                claims: [
                    "iss": "https://foreign.example/oidc", "sub": Self.subject,
                    "aud": "api://AzureADTokenExchange", "exp": now + 600, "iat": now,
                ],
                key: key)
            #expect(try await Self.post(h, assertion: foreign).status == 200)
        }
    }

    enum FederatedBad: String, CaseIterable, Sendable { case subject, audience, issuer, expired, tampered }

    @Test(
        "federated tokens that match no credential, expired or tampered ones are refused",
        arguments: FederatedBad.allCases)
    func federatedFailure(_ bad: FederatedBad) async throws {
        try await Harness.with { h async throws in
            try Self.federatedApp(h)
            var token = try h.simulator.issueFederatedToken(
                subject: bad == .subject ? "system:serviceaccount:team-b:puller" : Self.subject,
                audience: bad == .audience ? "api://somewhere-else" : "api://AzureADTokenExchange",
                issuer: bad == .issuer ? "https://unknown.example" : nil,
                lifetime: bad == .expired ? .seconds(-600) : .seconds(600))
            if bad == .tampered {
                var segments = token.split(separator: ".").map(String.init)
                let claims = try #require(TestJWT.decode(token)?.claims)
                var changed = claims
                changed["exp"] = (claims["exp"] as? Int ?? 0) + 1
                segments[1] = TestJWT.base64URL(try JSONSerialization.data(withJSONObject: changed))
                token = segments.joined(separator: ".")
            }
            let reply = try await Self.post(h, assertion: token)
            let expected: (Int, Int) =
                switch bad {
                case .subject, .audience, .issuer: (400, 70021)
                case .expired: (401, 700024)
                case .tampered: (401, 700027)
                }
            #expect(reply.status == expected.0)
            #expect(reply.json["error_codes"] as? [Int] == [expected.1])
        }
    }
}
