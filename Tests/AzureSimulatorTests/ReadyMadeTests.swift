import AzureSimulator
import Foundation
import Testing

@Suite("Ready-made setup for pullkeeper simulate --env-out")
struct ReadyMadeTests {
    @Test("every ready-made identity works on the allowed registry and is refused on the denied one")
    func readyMade() async throws {
        try await Harness.with { h async throws in
            let directory = FileManager.default.temporaryDirectory
                .appendingPathComponent("azsim-\(UUID().uuidString)").path
            defer { try? FileManager.default.removeItem(atPath: directory) }
            let setup = try h.simulator.installReadyMade(in: directory)
            #expect(setup.registry == h.simulator.registryListenerHosts[0])
            #expect(setup.deniedRegistry == h.simulator.registryListenerHosts[1])
            #expect(try String(contentsOfFile: setup.caBundlePath, encoding: .utf8) == h.simulator.caCertificatePEM)
            #expect(
                try String(contentsOfFile: setup.signingCertificatePath, encoding: .utf8)
                    == h.simulator.signingCertificatePEM)
            let attributes = try FileManager.default.attributesOfItem(atPath: setup.spSecretFile)
            #expect((attributes[.posixPermissions] as? Int) == 0o600)

            let tokenURL = h.simulator.tokenURL(tenant: setup.tenantID)
            let scope = ("scope", "https://containerregistry.azure.net/.default")
            var aadTokens: [String: String] = [:]
            let secret = try String(contentsOfFile: setup.spSecretFile, encoding: .utf8)
            aadTokens["sp-secret"] =
                try await h.postForm(
                    tokenURL,
                    [
                        ("grant_type", "client_credentials"), ("client_id", setup.spSecretClientID),
                        ("client_secret", secret), scope,
                    ]
                ).json["access_token"] as? String
            let pem = try String(contentsOfFile: setup.spCertFile, encoding: .utf8)
            let assertion = try TestJWT.assertion(
                certificatePEM: try #require(Self.block("CERTIFICATE", in: pem)),
                keyPEM: try #require(Self.block("PRIVATE KEY", in: pem)),
                clientID: setup.spCertClientID, audience: tokenURL)
            aadTokens["sp-cert"] =
                try await h.postForm(
                    tokenURL,
                    [
                        ("grant_type", "client_credentials"), ("client_id", setup.spCertClientID),
                        ("client_assertion_type", "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"),
                        ("client_assertion", assertion), scope,
                    ]
                ).json["access_token"] as? String
            let federated = try String(contentsOfFile: setup.workloadTokenFile, encoding: .utf8)
            aadTokens["workload"] =
                try await h.postForm(
                    tokenURL,
                    [
                        ("grant_type", "client_credentials"), ("client_id", setup.workloadClientID),
                        ("client_assertion_type", "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"),
                        ("client_assertion", federated), scope,
                    ]
                ).json["access_token"] as? String
            aadTokens["env"] =
                try await h.postForm(
                    tokenURL,
                    [
                        ("grant_type", "client_credentials"), ("client_id", setup.envClientID),
                        ("client_secret", setup.envClientSecret), scope,
                    ]
                ).json["access_token"] as? String
            aadTokens["managed"] =
                try await h.get(
                    setup.imdsEndpoint + "/metadata/identity/oauth2/token?api-version=2018-02-01&client_id="
                        + setup.managedClientID + "&resource=" + Form.escape("https://containerregistry.azure.net"),
                    headers: [("Metadata", "true")]
                ).json["access_token"] as? String
            for name in ["sp-secret", "sp-cert", "workload", "env", "managed"] {
                let token = try #require(aadTokens[name], "\(name) got no Entra token")
                let allowed = try await h.exchange(token, service: setup.registry, tenant: setup.tenantID)
                #expect(allowed.status == 200, "\(name) on the allowed registry")
                let denied = try await h.exchange(token, service: setup.deniedRegistry, tenant: setup.tenantID)
                #expect(denied.status == 401, "\(name) on the denied registry")
            }
            let user = try String(contentsOfFile: setup.adminUsernameFile, encoding: .utf8)
            for file in [setup.adminPasswordFile, setup.adminPassword2File] {
                let password = try String(contentsOfFile: file, encoding: .utf8)
                let reply = try await h.basicToken(
                    service: setup.registry, user: user, password: password, scopes: ["repository:x/y:pull"])
                #expect(reply.status == 200)
                let denied = try await h.basicToken(
                    service: setup.deniedRegistry, user: user, password: password, scopes: ["repository:x/y:pull"])
                #expect(denied.status == 401)
            }

            let yaml = setup.configYAML
            for name in ["sp-secret", "sp-cert", "managed", "workload", "admin", "env"] {
                #expect(yaml.contains("- name: \(name)\n"))
            }
            #expect(yaml.contains("defaultIdentity: sp-secret"))
            let env = setup.environmentFile(extra: [("PULLKEEPER_SIM_CONFIG", "/tmp/x'y.yaml")])
            #expect(env.contains("export AZURE_AUTHORITY_HOST='\(h.simulator.authorityHost)'\n"))
            #expect(env.contains("export PULLKEEPER_SIM_CONFIG='/tmp/x'\\''y.yaml'\n"))
        }
    }

    /// One PEM block of a bundle.
    static func block(_ label: String, in pem: String) -> String? {
        guard let start = pem.range(of: "-----BEGIN \(label)-----"),
            let end = pem.range(of: "-----END \(label)-----", range: start.upperBound..<pem.endIndex)
        else { return nil }
        return String(pem[start.lowerBound..<end.upperBound]) + "\n"
    }
}
