import Foundation
import PullKeeperCore
import PullKeeperTesting
import Testing

extension SimulatedTime {
    /// Issue "Scale": `events.routine: false` (read from the config file) keeps every write, log line and Warning,
    /// and drops the Normal Events of routine writes: no Event request at all for them.
    @Suite("events.routine: the Normal Events of routine writes can be switched off")
    struct RoutineEventsTests {
        static let namespaces = ["quiet-a", "quiet-b", "quiet-c"]
        static let routineReasons: Set<String> = ["SecretCreated", "SecretRefreshed", "ServiceAccountPatched"]

        /// Event writes (create, update, patch; events.k8s.io and core/v1, any namespace, any answer): what the
        /// controller sends. The test's own reads (list) are not counted.
        static func eventRequests(_ world: FastWorld) -> Int {
            world.sim.kubernetes.requestCounts().filter {
                $0.key.resource == "events" && ["create", "update", "patch"].contains($0.key.verb)
            }.values.reduce(0, +)
        }

        /// The Event reasons recorded about objects in each test namespace.
        static func reasons(_ world: FastWorld) async -> [String: Set<String>] {
            var byNamespace: [String: Set<String>] = [:]
            for name in namespaces { byNamespace[name] = await world.cluster.eventReasons(name) }
            return byNamespace
        }

        @Test(
            "initial sync and refresh write as before, with Events only when routine; a TokenFailed Warning always",
            arguments: [false, true])
        func routineEvents(routine: Bool) async throws {
            let extra = routine ? "" : "events:\n  routine: false\n"
            try await FastWorld.run(lifetime: .seconds(3600), configExtra: extra) { world in
                #expect(world.config.events.routine == routine)
                let cluster = world.cluster
                for name in Self.namespaces { try await cluster.optIn(name) }
                let capture = LogCapture()
                let runtime = try world.runtime(logger: capture.logger(level: .info))
                let task = world.start(runtime)

                // Initial sync: every Secret written and every default service account patched.
                let synced = await world.advance(runtime, limit: .seconds(60)) {
                    for name in Self.namespaces {
                        guard await cluster.secret(name) != nil,
                            await cluster.pullSecretNames(name) == ["acr-pull"]
                        else { return false }
                    }
                    let reasons = await Self.reasons(world)
                    return !routine
                        || reasons.values.allSatisfy { $0.isSuperset(of: ["SecretCreated", "ServiceAccountPatched"]) }
                }
                #expect(synced)
                let wrote = capture.all.filter { $0.contains(": wrote ") }
                for name in Self.namespaces {
                    // The log line per write stays whatever `events.routine` says.
                    #expect(
                        wrote.contains { $0.contains("namespace.name=\(name)") && $0.contains("action=createSecret") })
                    #expect(wrote.contains { $0.contains("namespace.name=\(name)") && $0.contains("action=attach") })
                }
                if !routine {
                    #expect(await Self.reasons(world).values.allSatisfy { $0.isDisjoint(with: Self.routineReasons) })
                    #expect(Self.eventRequests(world) == 0)
                }

                // Refresh: every Secret gets a new token at its boundary.
                var first: [String: String] = [:]
                for name in Self.namespaces { first[name] = await cluster.password(name) }
                let refreshed = await world.advance(runtime, limit: .seconds(3600)) {
                    for name in Self.namespaces {
                        guard let now = await cluster.password(name), now != first[name] else { return false }
                    }
                    let reasons = await Self.reasons(world)
                    return !routine || reasons.values.allSatisfy { $0.contains("SecretRefreshed") }
                }
                #expect(refreshed)
                #expect(capture.all.filter { $0.contains(": wrote ") && $0.contains("action=updateSecret") }.count >= 3)
                if !routine {
                    #expect(await Self.reasons(world).values.allSatisfy { $0.isDisjoint(with: Self.routineReasons) })
                    #expect(Self.eventRequests(world) == 0)
                }

                // A failure is reported either way: the service principal loses its role, the next refresh fails.
                world.simulator.removeRole(principal: world.sim.readyMade.spSecretClientID, registry: world.registry)
                let warned = await world.advance(runtime, limit: .seconds(3600)) {
                    await cluster.events("quiet-a").contains { $0.reason == "TokenFailed" }
                }
                #expect(warned)
                #expect(Self.eventRequests(world) > 0)
                if !routine {
                    #expect(await Self.reasons(world).values.allSatisfy { $0.isDisjoint(with: Self.routineReasons) })
                }
                try await world.stop(runtime, task)
            }
        }
    }
}
