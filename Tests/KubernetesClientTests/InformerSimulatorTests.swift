import Foundation
import KubernetesClient
import KubernetesModel
import KubernetesSimulator
import PullKeeperCore
import Testing

@Suite("Informer against the simulator over HTTPS")
struct InformerSimulatorTests {
    static let fastBackoff = RetryPolicy(
        maxAttempts: .max, initialDelay: .milliseconds(10), maxDelay: .milliseconds(50))

    /// Replays an informer's change stream into a map, as a consumer that keeps its own index would.
    final class Replay: Sendable {
        let objects = Locked<[String: String]>([:])

        func consume(_ changes: AsyncStream<InformerChange<Namespace>>) async {
            for await change in changes {
                objects.withLock { objects in
                    switch change {
                    case .added(let new), .updated(_, let new), .resync(let new):
                        objects[new.key] = new.metadata.resourceVersion ?? ""
                    case .deleted(let gone):
                        objects[gone.key] = nil
                    }
                }
            }
        }
    }

    /// `name → resourceVersion` of an informer's cache.
    static func versions(_ informer: Informer<Namespace>) -> [String: String] {
        var versions: [String: String] = [:]
        for namespace in informer.cache.list() {
            versions[namespace.metadata.name ?? ""] = namespace.metadata.resourceVersion ?? ""
        }
        return versions
    }

    /// The stored namespaces whose labels satisfy `sync=true`.
    static func syncedVersions(_ simulator: KubernetesSimulator) -> [String: String] {
        var versions: [String: String] = [:]
        for object in simulator.objects(.namespaces)
        where object.value(at: ["metadata", "labels", "sync"])?.stringValue == "true" {
            let name = object.value(at: ["metadata", "name"])?.stringValue ?? ""
            versions[name] = object.value(at: ["metadata", "resourceVersion"])?.stringValue ?? ""
        }
        return versions
    }

    /// The namespaces a test created and has not deleted, and the counter for new names.
    struct Fixture {
        var random: SplitMix64
        var names: [String] = []
        var created = 0

        /// Creates `ns-<n>` labelled `sync=true|false` at random.
        mutating func create(in simulator: KubernetesSimulator) throws {
            created += 1
            let name = "ns-\(created)"
            let sync: SimJSON = Bool.random(using: &random) ? "true" : "false"
            try simulator.create(.namespaces, ["metadata": ["name": .string(name), "labels": ["sync": sync]]])
            names.append(name)
        }

        /// One random change: a create (30 %), a relabel (50 %) or a delete (20 %).
        mutating func change(in simulator: KubernetesSimulator) throws {
            let roll = Int.random(in: 0..<10, using: &random)
            if roll < 3 || names.isEmpty { return try create(in: simulator) }
            let index = Int.random(in: 0..<names.count, using: &random)
            if roll < 8 {
                let labels: SimJSON = [
                    "sync": Bool.random(using: &random) ? "true" : "false",
                    "rev": .string(String(Int.random(in: 0..<1_000_000, using: &random))),
                ]
                try simulator.patch(.namespaces, name: names[index], ["metadata": ["labels": labels]])
            } else {
                // With no deletion delay the namespace is gone at once (MODIFIED to Terminating, then DELETED).
                try simulator.delete(.namespaces, name: names.remove(at: index))
            }
        }
    }

    @Test("1,000 namespaces, random changes, dropped watches and compactions: the caches converge")
    func convergesUnderChurn() async throws {
        try await SimulatedCluster.with({ $0.bookmarkInterval = .milliseconds(200) }) { cluster in
            let simulator = cluster.simulator
            var fixture = Fixture(random: SplitMix64(seed: 0x1000))
            for _ in 0..<1000 { try fixture.create(in: simulator) }
            // Watches also end on their own every 700 ms, as idle connections through a load balancer do.
            simulator.addFault(
                FaultRule(verbs: ["watch"], resources: ["namespaces"], dropWatchAfter: .milliseconds(700)))
            let options = Informer<Namespace>.Options(
                pageSize: 300, watchTimeout: .seconds(30), backoff: Self.fastBackoff)
            var selectorOptions = options
            selectorOptions.labelSelector = "sync=true"
            let all = Informer<Namespace>(client: cluster.client, options: options, logger: SimulatedCluster.logger)
            let synced = Informer<Namespace>(
                client: cluster.client, options: selectorOptions, logger: SimulatedCluster.logger)
            let replay = Replay()

            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await all.run() }
                group.addTask { try await synced.run() }
                group.addTask { await replay.consume(all.changes) }
                group.addTask { for await _ in synced.changes {} }

                // Changes start while the first list is still paging. The faults wait for the informers to be in
                // the state they are meant to disturb, so that every run exercises the same paths.
                for batch in 0..<30 {
                    for _ in 0..<100 { try fixture.change(in: simulator) }
                    switch batch {
                    case 3:
                        // No compaction yet, so both are past their first list: drop their watches mid-stream until
                        // each has resumed one (a drop can land between two watches and miss).
                        try await eventually("both informers resumed a dropped watch", limit: .seconds(60)) {
                            if all.statistics.watches >= 2 && synced.statistics.watches >= 2 { return true }
                            simulator.dropWatches()
                            return false
                        }
                    case 6:
                        // Both are watching: the running watches get ERROR 410 (or their resume gets 410) → relist.
                        simulator.compact()
                    case 9, 19, 29:
                        // Silent compaction: only the next resume (after a drop) finds its version gone.
                        simulator.compact(notifyWatches: false)
                    case 13, 23:
                        simulator.dropWatches()
                    case 16, 26:
                        simulator.compact()
                    default:
                        break
                    }
                    try await Task.sleep(for: .milliseconds(batch % 2 == 0 ? 20 : 60))
                }

                try await eventually("both informers converge on the simulator's state", limit: .seconds(60)) {
                    Self.versions(all) == cluster.storedVersions(.namespaces)
                        && Self.versions(synced) == Self.syncedVersions(simulator)
                        && replay.objects.value == cluster.storedVersions(.namespaces)
                }
                group.cancelAll()
            }

            let expected = cluster.storedVersions(.namespaces)
            #expect(expected.count > 1000)
            #expect(Self.versions(all) == expected)
            #expect(Self.versions(synced) == Self.syncedVersions(simulator))
            #expect(!Self.syncedVersions(simulator).isEmpty)
            // Whoever follows the change stream ends with the same picture as the cache.
            #expect(replay.objects.value == expected)
            // The faults really happened and were handled by resuming and relisting.
            #expect(all.statistics.relistsAfterGone >= 1)
            #expect(synced.statistics.relistsAfterGone >= 1)
            // Every completed list is followed by a watch; the drop at batch 3 added a resume without a list.
            #expect(all.statistics.watches > all.statistics.lists)
            #expect(synced.statistics.watches > synced.statistics.lists)
            #expect(all.statistics.listPages >= 4)
        }
    }

    @Test("list errors (500, 429) back off and the informer still syncs")
    func syncsThroughListErrors() async throws {
        try await SimulatedCluster.with(client: { $0.retry = .none }) { cluster in
            cluster.simulator.addFault(
                FaultRule(
                    verbs: ["list"], resources: ["namespaces"], errorRate: 1, errorCodes: [500, 429],
                    retryAfterSeconds: 0, remaining: 3))
            let informer = Informer<Namespace>(
                client: cluster.client, options: .init(backoff: Self.fastBackoff), logger: SimulatedCluster.logger)
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await informer.run() }
                try await eventually("the informer synced", limit: .seconds(60)) { informer.hasSynced }
                try await cluster.createNamespace("later")
                try await eventually("the new namespace is cached", limit: .seconds(60)) {
                    informer.cache.get("later") != nil
                }
                group.cancelAll()
            }
            #expect(informer.statistics.errors == 3)
            #expect(cluster.simulator.requestCount(verb: "list", resource: "namespaces", code: 200) == 1)
            #expect(Self.versions(informer) == cluster.storedVersions(.namespaces))
        }
    }

    @Test("a stalled watch is restarted by the watchdog and nothing is missed")
    func restartsStalledWatch() async throws {
        try await SimulatedCluster.with { cluster in
            cluster.simulator.addFault(FaultRule(verbs: ["watch"], stallWatches: true, remaining: 1))
            let informer = Informer<Namespace>(
                client: cluster.client,
                options: .init(watchTimeout: .seconds(30), stallTimeout: .milliseconds(400), backoff: Self.fastBackoff),
                logger: SimulatedCluster.logger)
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await informer.run() }
                try await eventually("the informer synced", limit: .seconds(60)) { informer.hasSynced }
                try await cluster.createNamespace("during-stall")
                try await eventually("the namespace created during the stall is cached", limit: .seconds(60)) {
                    informer.cache.get("during-stall") != nil
                }
                group.cancelAll()
            }
            #expect(informer.statistics.stalledWatches >= 1)
            #expect(cluster.simulator.requestCount(verb: "watch", resource: "namespaces") >= 2)
        }
    }
}
