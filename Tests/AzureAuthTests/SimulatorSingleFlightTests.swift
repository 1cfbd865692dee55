import AzureAuth
import AzureSimulator
import Foundation
import Testing

/// Issue 4: concurrent callers for one identity × registry share one Entra ID (or IMDS) request and one exchange,
/// as the simulator counts them.
@Suite("Single-flight against the AzureSimulator (HTTPS)")
struct SimulatorSingleFlightTests {
    static let callers = 200

    /// Runs `callers` concurrent `credential` calls; returns the distinct passwords they got.
    func concurrently(
        _ azure: SimulatedAzure, _ identity: RegistryIdentity, scope: String? = nil
    ) async throws -> (passwords: Set<String>, calls: Int) {
        let provider = azure.provider()
        let target = azure.target()
        return try await withThrowingTaskGroup(of: String.self) { group in
            for _ in 0..<Self.callers {
                group.addTask {
                    try await provider.credential(identity: identity, registry: target, scope: scope).password
                }
            }
            var passwords: Set<String> = []
            var calls = 0
            for try await password in group {
                passwords.insert(password)
                calls += 1
            }
            return (passwords, calls)
        }
    }

    @Test("200 concurrent calls for a service principal × registry: 1 Entra request, 1 exchange")
    func servicePrincipal() async throws {
        try await SimulatedAzure.with { azure in
            let identity = RegistryIdentity(name: "ci-sp", kind: .entra(try azure.secretCredential()))
            let result = try await concurrently(azure, identity)
            #expect(result.calls == Self.callers)
            #expect(result.passwords.count == 1)
            #expect(azure.simulator.requestCount(.entra) == 1)
            #expect(azure.simulator.requestCount(.challenge) == 1)
            #expect(azure.simulator.requestCount(.exchange) == 1)
        }
    }

    @Test("200 concurrent calls for a managed identity × registry: 1 IMDS request, 1 exchange")
    func managedIdentity() async throws {
        try await SimulatedAzure.with { azure in
            let identity = RegistryIdentity(
                name: "node-mi", kind: .entra(azure.managedIdentity(.clientID(SimulatedAzure.Managed.userClientID))))
            let result = try await concurrently(azure, identity)
            #expect(result.calls == Self.callers)
            #expect(result.passwords.count == 1)
            #expect(azure.simulator.requestCount(.imds) == 1)
            #expect(azure.simulator.requestCount(.exchange) == 1)
        }
    }

    @Test("200 concurrent scoped calls: 1 Entra request, 1 exchange, 1 access-token request")
    func scoped() async throws {
        try await SimulatedAzure.with { azure in
            let identity = RegistryIdentity(name: "ci-sp", kind: .entra(try azure.secretCredential()))
            let result = try await concurrently(azure, identity, scope: "repository:team-a/app:pull")
            #expect(result.calls == Self.callers)
            #expect(result.passwords.count == 1)
            #expect(azure.simulator.requestCount(.entra) == 1)
            #expect(azure.simulator.requestCount(.exchange) == 1)
            #expect(azure.simulator.requestCount(.token) == 1)
        }
    }
}
