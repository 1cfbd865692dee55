import Controller
import Foundation
import KubernetesModel
import PullKeeperTesting
import Reconciler
import Testing

extension SimulatedTime {
    /// Issue 21: during a long initial sync, a namespace that opts in becomes usable within a few passes, not after
    /// the whole backlog; and namespaces finish one after another.
    @Suite("Sync order: what a user waits for goes first")
    struct SyncPriorityTests {
        @Test("a namespace opted in during a 600-namespace sync is usable while most of the backlog is not")
        func optInDuringSync() async throws {
            try await FastWorld.run { world in
                let backlog = 600
                for index in 0..<backlog { try await world.cluster.optIn("bulk-\(index)") }
                let runtime = try world.runtime()
                let task = world.start(runtime)
                func usable() -> Int {
                    world.sim.kubernetes.firstWrites(resource: "serviceaccounts").count
                }
                // Opt in once the sync is under way.
                let deadline = ContinuousClock.now + .seconds(60)
                while usable() < 20 && ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(2)) }
                let before = usable()
                try await world.cluster.optIn("late")
                var usableWhenLateWas: Int?
                while usableWhenLateWas == nil && ContinuousClock.now < deadline {
                    if world.sim.kubernetes.firstWrites(resource: "serviceaccounts")["late"] != nil {
                        usableWhenLateWas = usable() - 1
                    }
                    try await Task.sleep(for: .milliseconds(1))
                }
                _ = await world.advance(runtime, limit: .seconds(120)) { usable() == backlog + 1 }
                try await world.stop(runtime, task)
                let atLate = try #require(usableWhenLateWas, "late never became usable")
                #expect(before < backlog / 2, "the sync was under way when late opted in (\(before) usable)")
                // Without priority it waits behind the whole backlog.
                #expect(
                    atLate < backlog / 2, "late was usable when \(atLate) of \(backlog) were (opted in at \(before))")
                #expect(usable() == backlog + 1)
            }
        }
    }
}
