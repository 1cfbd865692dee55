import AzureAuth
import AzureSimulator
import Foundation
import Testing

/// Issue 14 §3: what each identity's credential is granted, read from the registry's own answer (the access
/// token's `access` claim) for a push and a delete scope, as the AzureSimulator grants per role like ACR.
@Suite("Rights audit against the AzureSimulator (HTTPS)")
struct RightsAuditTests {
    struct RoleCase: Sendable, CustomTestStringConvertible {
        var role: String
        var clientID: String
        var granted: Set<String>
        var testDescription: String { role }
    }

    static let roles = [
        RoleCase(role: "AcrPull", clientID: SimulatedAzure.App.secret, granted: ["pull"]),
        RoleCase(role: "AcrPush", clientID: SimulatedAzure.App.push, granted: ["pull", "push"]),
        RoleCase(role: "Owner", clientID: SimulatedAzure.App.owner, granted: ["pull", "push", "delete"]),
    ]

    @Test("an Entra identity's refresh token is granted what its role carries", arguments: roles)
    func entraRole(testCase: RoleCase) async throws {
        try await SimulatedAzure.with { azure in
            let identity = RegistryIdentity(
                name: "sp-\(testCase.role)", kind: .entra(try azure.secretCredential(clientID: testCase.clientID)))
            let provider = azure.provider()
            let rights = try await provider.grantedRights(identity: identity, registry: azure.target())
            #expect(rights.actions == testCase.granted)
            #expect(rights.repository == TokenProvider.auditRepository)
            #expect(rights.excess == GrantedRights.audited.filter { $0 != "pull" && testCase.granted.contains($0) })
            // One token request asked for every audited action at once, with the cached refresh token.
            #expect(azure.simulator.requestCount(.exchange) == 1)
            #expect(azure.simulator.requestCount(.token) == 1)
            // The refresh token the audit obtained is the one namespaces are served: no second exchange.
            _ = try await provider.credential(identity: identity, registry: azure.target())
            #expect(azure.simulator.requestCount(.exchange) == 1)
        }
    }

    @Test("the admin account (a static login, Basic auth) can pull, push and delete")
    func adminAccount() async throws {
        try await SimulatedAzure.with { azure in
            let identity = RegistryIdentity(name: "admin", kind: .static(try azure.adminCredential()))
            let rights = try await azure.provider().grantedRights(identity: identity, registry: azure.target())
            #expect(rights.actions == ["pull", "push", "delete"])
            #expect(rights.excess == ["push", "delete"])
            #expect(azure.simulator.requestCount(.exchange) == 0)
        }
    }

    @Test("a repository-scoped token has its own rights, per repository")
    func repositoryToken() async throws {
        try await SimulatedAzure.with { azure in
            try azure.simulator.addRepositoryToken(
                registry: azure.registry, name: "team-a-reader", password: "token-password-1",
                permissions: ["team-a/app": ["pull"], "team-a/tools": ["pull", "push"]])
            let source = StaticFiles(
                username: "team-a-reader", passwordFile: try azure.files.write("repo-token", "token-password-1"),
                password2File: nil)
            let identity = RegistryIdentity(name: "team-a", kind: .static(source))
            let provider = azure.provider()
            let app = try await provider.grantedRights(
                identity: identity, registry: azure.target(), repository: "team-a/app")
            #expect(app.actions == ["pull"])
            #expect(app.excess.isEmpty)
            let tools = try await provider.grantedRights(
                identity: identity, registry: azure.target(), repository: "team-a/tools")
            #expect(tools.ordered == ["pull", "push"])
            let other = try await provider.grantedRights(identity: identity, registry: azure.target())
            #expect(other.actions.isEmpty)
        }
    }

    @Test("a principal without a role is an error naming the identity and the registry, no secret in it")
    func noRole() async throws {
        try await SimulatedAzure.with { azure in
            let identity = RegistryIdentity(
                name: "no-role", kind: .entra(try azure.secretCredential(clientID: SimulatedAzure.App.noRole)))
            let error = await #expect(throws: AzureAuthError.self) {
                _ = try await azure.provider().grantedRights(identity: identity, registry: azure.target())
            }
            let text = "\(try #require(error))"
            #expect(text.contains("no-role"))
            #expect(text.contains(azure.registry))
            #expect(!text.contains(azure.secret))
        }
    }

    @Test("the access claim: `*` means every audited action, other repositories and types do not count")
    func accessClaim() throws {
        func jwt(_ payload: String) -> String {
            func encode(_ text: String) -> String {
                Data(text.utf8).base64EncodedString().replacingOccurrences(of: "=", with: "")
                    .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            }
            return encode("{\"alg\":\"none\"}") + "." + encode(payload) + ".sig"
        }
        let all = Set(GrantedRights.audited)
        let star = try JWTClaims.decode(
            jwt(#"{"exp":1,"access":[{"type":"repository","name":"r","actions":["*"]}]}"#))
        #expect(star.actions(onRepository: "r", expanding: all) == all)
        let mixed = try JWTClaims.decode(
            jwt(
                #"{"exp":1,"access":[{"type":"registry","name":"r","actions":["push"]},"#
                    + #"{"type":"repository","name":"other","actions":["delete"]},"#
                    + #"{"type":"repository","name":"r","actions":["pull"]},{"bad":1}]}"#))
        #expect(mixed.actions(onRepository: "r", expanding: all) == ["pull"])
        #expect(mixed.access.count == 3)
        let missing = try JWTClaims.decode(jwt(#"{"exp":1,"access":null}"#))
        #expect(missing.access.isEmpty)
        let malformed = try JWTClaims.decode(jwt(#"{"exp":1,"access":"pull"}"#))
        #expect(malformed.access.isEmpty)
    }
}
