import Controller
import Foundation
import KubernetesSimulator
import PullKeeperCommands
import PullKeeperCore
import Testing

extension Integration {
    /// Two controllers, one Lease: only the leader writes, and the other takes over when it stops.
    @Suite("Leader election against the simulated cluster", .serialized)
    struct LeaderElectionTests {
        static let timing = LeaderElector.Timing(
            leaseDuration: .seconds(3), renewDeadline: .seconds(2), retryPeriod: .milliseconds(300))

        @Test("only the leader writes; after it stops (releasing the Lease) the other leads and continues")
        func onlyTheLeaderWrites() async throws {
            try await World.run { world in
                for user in ["replica-a", "replica-b"] {
                    world.kube.addUser(name: user, token: "token-\(user)", groups: ["system:masters"])
                }
                func election(_ identity: String) -> ControllerRuntime.LeaderElection {
                    .init(namespace: "default", name: "pullkeeper-leader", identity: identity, timing: Self.timing)
                }
                let a = try world.runtime(token: "token-replica-a", leaderElection: election("a"), instance: "a")
                let taskA = world.start(a)
                #expect(await eventually { a.elector?.isLeader == true })
                let b = try world.runtime(token: "token-replica-b", leaderElection: election("b"), instance: "b")
                let taskB = world.start(b)
                for index in 0..<5 { try await world.optIn("led-\(index)") }
                #expect(await eventually { await world.pullSecretNames("led-4") == ["acr-pull"] })
                #expect(b.elector?.isLeader == false)
                #expect(Set(Self.writers(world)) == ["replica-a"])

                try await world.stop(a, taskA)
                #expect(await eventually(timeout: .seconds(10)) { b.elector?.isLeader == true })
                try await world.optIn("after-failover")
                #expect(await eventually { await world.pullSecretNames("after-failover") == ["acr-pull"] })
                let lateWriters = Self.writers(world, namespace: "after-failover")
                #expect(!lateWriters.isEmpty && Set(lateWriters) == ["replica-b"])
                try await world.stop(b, taskB)
            }
        }

        /// Users that wrote Secrets or service accounts (from the simulator's audit log).
        static func writers(_ world: World, namespace: String? = nil) -> [String] {
            world.kube.auditLog().filter { record in
                ["create", "update", "patch", "delete"].contains(record.verb)
                    && ["secrets", "serviceaccounts"].contains(record.resource) && (200..<300).contains(record.code)
                    && (namespace == nil || record.namespace == namespace)
            }.compactMap(\.user)
        }
    }
}
