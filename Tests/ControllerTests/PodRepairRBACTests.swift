import Controller
import Foundation
import KubernetesSimulator
import Manifests
import PullKeeperTesting
import Testing

extension SimulatedTime {
    /// Issue 15 §3: the ClusterRole of `render --repair-pods` is enough for pod repair, and without its pod rules the
    /// controller says which cache cannot sync and why instead of failing silently.
    @Suite("Pod repair with exactly the rendered ClusterRole")
    struct PodRepairRBACTests {
        static let user = "system:serviceaccount:pullkeeper:pullkeeper"

        /// The rendered ClusterRole's rules as the simulator's RBAC (cluster-wide).
        static func rules(repairPods: Bool) -> [PolicyRule] {
            let role = Manifests.operatorClusterRole(ManifestOptions(version: "test", repairPods: repairPods))
            return (role.rules ?? []).map {
                PolicyRule(
                    apiGroups: $0.apiGroups ?? [], resources: $0.resources ?? [], verbs: $0.verbs,
                    resourceNames: $0.resourceNames ?? [])
            }
        }

        @Test("with --repair-pods's rules the stuck pod is evicted and nothing is forbidden")
        func enough() async throws {
            try await FastWorld.run { world in
                try await world.cluster.optIn("team-a")
                try PodRepairTests.stuckPod(world, "team-a", "stuck", image: "\(world.registry)/team-a/web:1")
                world.sim.kubernetes.addUser(name: Self.user, token: "operator", rules: Self.rules(repairPods: true))
                let runtime = try world.runtime(token: "operator", config: PodRepairTests.config(world))
                let task = world.start(runtime)
                _ = await world.advance(runtime, limit: .seconds(120)) { false }
                #expect(PodRepairTests.evicted(world) == ["team-a/stuck"])
                let forbidden = world.sim.kubernetes.auditLog().filter { $0.user == Self.user && $0.code == 403 }
                #expect(forbidden.isEmpty, "\(forbidden)")
                try await world.stop(runtime, task)
            }
        }

        @Test("repairPods in the config without the rules: the pods cache does not sync, and readiness says why")
        func missing() async throws {
            try await FastWorld.run { world in
                try await world.cluster.optIn("team-a")
                world.sim.kubernetes.addUser(name: Self.user, token: "operator", rules: Self.rules(repairPods: false))
                var options = Controller.Options(stallTimeout: .seconds(86_400))
                options.cacheSyncTimeout = .seconds(30)
                let runtime = try world.runtime(
                    token: "operator", config: PodRepairTests.config(world), options: options)
                let task = world.start(runtime)
                await world.settle(runtime)
                world.clock.advance(by: .seconds(31))
                await world.settle(runtime)
                let readiness = runtime.controller.readiness
                #expect(!readiness.ready)
                #expect(readiness.reason?.contains("cache of pods not synced") == true, "\(readiness)")
                #expect(readiness.reason?.contains("forbidden") == true, "\(readiness)")
                try await world.stop(runtime, task)
            }
        }
    }
}
