import AzureAuth
import AzureSimulator
import Foundation
import Testing

/// Issue 4: AcrPull, AcrPush and Owner all allow pull, through the refresh token and a scoped access token, as the
/// simulated registry's data plane checks it. (A principal without a role: `SimulatorFailureTests.noPullRole`.)
@Suite("Registry roles against the AzureSimulator (HTTPS)")
struct SimulatorRegistryRoleTests {
    struct RoleCase: Sendable, CustomTestStringConvertible {
        var role: AcrRole
        var clientID: String
        var testDescription: String { role.rawValue }
    }

    static let roles = [
        RoleCase(role: .acrPull, clientID: SimulatedAzure.App.secret),
        RoleCase(role: .acrPush, clientID: SimulatedAzure.App.push),
        RoleCase(role: .owner, clientID: SimulatedAzure.App.owner),
    ]

    @Test(
        "the role allows pull: refresh token, scoped access token, the docker flow and the data plane", arguments: roles
    )
    func roleAllowsPull(testCase: RoleCase) async throws {
        try await SimulatedAzure.with { azure in
            let identity = RegistryIdentity(
                name: "ci-sp", kind: .entra(try azure.secretCredential(clientID: testCase.clientID)))
            let provider = azure.provider()
            let refresh = try await provider.credential(identity: identity, registry: azure.target())
            #expect(SimulatedAzure.claims(refresh.password)["roles"] as? [String] == [testCase.role.rawValue])

            let scoped = try await provider.credential(
                identity: identity, registry: azure.target(), scope: "repository:team-a/app:pull")
            #expect(scoped.kind == .accessToken)
            #expect(scoped.username == RegistryCredential.tokenUsername)
            let access = SimulatedAzure.claims(scoped.password)["access"] as? [[String: Any]] ?? []
            #expect(access.count == 1)
            #expect(access.first?["type"] as? String == "repository")
            #expect(access.first?["name"] as? String == "team-a/app")
            #expect(access.first?["actions"] as? [String] == ["pull"])
            #expect(try await azure.pullStatus(token: scoped.password, repository: "team-a/app") == 404)
            // The access token is limited to its scope.
            #expect(try await azure.pullStatus(token: scoped.password, repository: "team-b/app") == 401)

            // What docker does with a Secret holding the refresh token: Basic with the null GUID, then Bearer.
            let docker = try await azure.basicAccessToken(
                username: refresh.username, password: refresh.password, scope: "repository:team-b/app:pull")
            #expect(docker.status == 200)
            #expect(try await azure.pullStatus(token: try #require(docker.token), repository: "team-b/app") == 404)

            #expect(azure.simulator.requestCount(.entra) == 1)
            #expect(azure.simulator.requestCount(.exchange) == 1)
            #expect(azure.simulator.requestCount(.token) == 2)
        }
    }

    /// Issue 20: a scoped Secret holds an ACR access token as the password; the self-check presents it at the realm
    /// for exactly its scope, as a pulling client does, and the registry takes it for that scope only.
    @Test("a scoped credential passes the self-check and is good for its scope only")
    func scopedCredentialSelfCheck() async throws {
        try await SimulatedAzure.with { azure in
            let identity = RegistryIdentity(
                name: "ci-sp", kind: .entra(try azure.secretCredential(clientID: SimulatedAzure.App.push)))
            let provider = TokenProvider(
                transport: azure.transport, probe: RegistryProbe(transport: azure.transport),
                logger: SimulatedAzure.quiet)
            let scoped = try await provider.credential(
                identity: identity, registry: azure.target(), scope: "repository:team-a/app:pull")
            #expect(scoped.kind == .accessToken)

            let own = try await azure.basicAccessToken(
                username: scoped.username, password: scoped.password, scope: "repository:team-a/app:pull")
            #expect(own.status == 200)
            #expect(try await azure.pullStatus(token: try #require(own.token), repository: "team-a/app") == 404)
            for wider in ["repository:team-b/app:pull", "repository:team-a/app:pull,push"] {
                let refused = try await azure.basicAccessToken(
                    username: scoped.username, password: scoped.password, scope: wider)
                #expect(refused.status == 401, "scope \(wider)")
            }
        }
    }
}
