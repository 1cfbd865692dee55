import Foundation
import KubernetesClient
import KubernetesModel
import KubernetesSimulator
import PullKeeperCore
import Testing

@Suite("HTTPKubernetesClient watches against the simulator over HTTPS")
struct ClientWatchTests {
    /// Reads events until `done` holds, then drops the watch on the server so its connection ends.
    /// `timeoutSeconds` on the watch bounds the wait when the expected events never come.
    static func read<R: KubernetesResource>(
        _ stream: WatchStream<R>, from simulator: KubernetesSimulator, until done: ([WatchEvent<R>]) -> Bool
    ) async throws -> [WatchEvent<R>] {
        var events: [WatchEvent<R>] = []
        for try await event in stream {
            events.append(event)
            if done(events) { break }
        }
        simulator.dropWatches()
        return events
    }

    static func summary<R: KubernetesResource>(_ event: WatchEvent<R>) -> String {
        "\(event.type) \(event.object?.metadata.name ?? "")"
    }

    @Test("a watch from the list's resourceVersion delivers ADDED, MODIFIED, DELETED in order")
    func watchFromList() async throws {
        try await SimulatedCluster.with { cluster in
            let client = cluster.client
            try await cluster.createNamespace("w")
            let list = try await client.list(Secret.self, namespace: "w")
            let created = try await client.create(
                Secret(metadata: ObjectMeta(name: "s", namespace: "w"), stringData: ["k": "v"]))
            let patched = try await client.patch(
                Secret.self, name: "s", namespace: "w", patch: .merge(["metadata": ["labels": ["x": "1"]]]))
            try await client.delete(Secret.self, name: "s", namespace: "w")
            let stream = try await client.watch(
                Secret.self, namespace: "w",
                options: WatchOptions(resourceVersion: list.metadata.resourceVersion, timeoutSeconds: 30))
            let events = try await Self.read(stream, from: cluster.simulator) { $0.count == 3 }
            #expect(events.map(Self.summary) == ["ADDED s", "MODIFIED s", "DELETED s"])
            #expect(events[0].object == created)
            #expect(events[1].object?.metadata.labels == ["x": "1"])
            #expect(events[1].resourceVersion == patched.metadata.resourceVersion)
            let versions = events.compactMap { $0.resourceVersion.flatMap { Int($0) } }
            #expect(versions.count == 3 && versions == versions.sorted() && Set(versions).count == 3)
        }
    }

    @Test("without a resourceVersion the watch starts with the current objects; label moves are ADDED/DELETED")
    func selectorWatch() async throws {
        try await SimulatedCluster.with { cluster in
            let client = cluster.client
            try await cluster.createNamespace("in", labels: ["sync": "true"])
            try await cluster.createNamespace("out")
            let stream = try await client.watch(
                Namespace.self, namespace: nil, options: WatchOptions(labelSelector: "sync=true", timeoutSeconds: 30))
            _ = try await client.patch(
                Namespace.self, name: "out", namespace: nil, patch: .merge(["metadata": ["labels": ["sync": "true"]]]))
            _ = try await client.patch(
                Namespace.self, name: "in", namespace: nil, patch: .merge(["metadata": ["labels": ["sync": nil]]]))
            let events = try await Self.read(stream, from: cluster.simulator) { $0.count == 3 }
            #expect(events.map(Self.summary) == ["ADDED in", "ADDED out", "DELETED in"])
        }
    }

    @Test("a watch dropped mid-stream resumes from the last resourceVersion without losing or repeating events")
    func resumesAfterDrops() async throws {
        try await SimulatedCluster.with { cluster in
            try cluster.seed(.namespaces, ["metadata": ["name": "w"]])
            let list = try await cluster.client.list(Secret.self, namespace: "w")
            var from = try #require(list.metadata.resourceVersion)
            cluster.simulator.addFault(
                FaultRule(verbs: ["watch"], resources: ["secrets"], dropWatchAfter: .milliseconds(100)))
            let simulator = cluster.simulator
            let expected = Locked<[String]>([])
            let writerDone = Locked(false)
            // In-process writes: each returns the stored object with its resourceVersion, the expected event.
            let writer = Task {
                var random = SplitMix64(seed: 7)
                for index in 0..<300 {
                    let name = "s\(Int.random(in: 0..<40, using: &random))"
                    let type: String
                    let object: SimJSON
                    if simulator.object(.secrets, namespace: "w", name: name) == nil {
                        type = "ADDED"
                        object = try simulator.create(
                            .secrets, namespace: "w", ["metadata": ["name": .string(name)]])
                    } else if Bool.random(using: &random) {
                        type = "MODIFIED"
                        object = try simulator.patch(
                            .secrets, namespace: "w", name: name,
                            ["metadata": ["labels": ["n": .string(String(index))]]])
                    } else {
                        type = "DELETED"
                        object = try simulator.delete(.secrets, namespace: "w", name: name)
                    }
                    let version = object.value(at: ["metadata", "resourceVersion"])?.stringValue ?? "?"
                    expected.withLock { $0.append("\(type) \(name) \(version)") }
                    // Besides the 100 ms fault, drop everything now and then, as a broken connection would.
                    if index % 100 == 50 { simulator.dropWatches() }
                    // The writes span several 100 ms watch lifetimes (at least 450 ms of sleeps).
                    if index % 10 == 0 { try await Task.sleep(for: .milliseconds(15)) }
                }
                writerDone.withLock { $0 = true }
            }
            var seen: [String] = []
            var watches = 0
            while watches < 500 {
                watches += 1
                let stream = try await cluster.client.watch(
                    Secret.self, namespace: "w",
                    options: WatchOptions(resourceVersion: from, timeoutSeconds: 30, allowWatchBookmarks: false))
                for try await event in stream {
                    guard let object = event.object, let version = object.metadata.resourceVersion else { continue }
                    seen.append("\(event.type) \(object.metadata.name ?? "") \(version)")
                    from = version
                }
                if writerDone.value && seen.count >= expected.value.count { break }
            }
            try await writer.value
            #expect(expected.value.count == 300)
            #expect(seen == expected.value)
            #expect(watches >= 3, "the watch was dropped and resumed")
            #expect(cluster.simulator.requestCount(verb: "watch", resource: "secrets", code: 200) == watches)
        }
    }

    @Test("forced compaction: the running watch ends with 410, a rewatch from the old version is 410, relist works")
    func compactionThenRelist() async throws {
        try await SimulatedCluster.with { cluster in
            let client = cluster.client
            let list = try await client.list(Namespace.self)
            let old = try #require(list.metadata.resourceVersion)
            let stream = try await client.watch(
                Namespace.self, namespace: nil, options: WatchOptions(resourceVersion: old, timeoutSeconds: 30))
            var iterator = stream.makeAsyncIterator()
            try await cluster.createNamespace("seen")
            let first = try await iterator.next()
            #expect(first.map(Self.summary) == "ADDED seen")

            cluster.simulator.compact()
            let ended = await kubernetesError("the running watch after compaction") {
                while try await iterator.next() != nil {}
            }
            #expect(ended?.isGone == true)
            #expect(ended?.reason == "Expired")

            // As a real API server: the watch opens and its one event is an ERROR with the 410 Status.
            let refused = await kubernetesError("a watch from the compacted version") {
                let stream = try await client.watch(
                    Namespace.self, namespace: nil, options: WatchOptions(resourceVersion: old, timeoutSeconds: 30))
                var events = stream.makeAsyncIterator()
                while try await events.next() != nil {}
            }
            #expect(refused?.isGone == true)
            #expect(refused?.httpStatus == 410)
            #expect(refused?.message.hasPrefix("too old resource version") == true)

            let relisted = try await client.list(Namespace.self)
            #expect(relisted.items.contains { $0.metadata.name == "seen" })
            let rewatch = try await client.watch(
                Namespace.self, namespace: nil,
                options: WatchOptions(resourceVersion: relisted.metadata.resourceVersion, timeoutSeconds: 30))
            try await cluster.createNamespace("after")
            let events = try await Self.read(rewatch, from: cluster.simulator) { !$0.isEmpty }
            #expect(events.map(Self.summary) == ["ADDED after"])
        }
    }

    @Test("BOOKMARKs carry the current resourceVersion; resuming from one repeats nothing")
    func bookmarks() async throws {
        try await SimulatedCluster.with({ $0.bookmarkInterval = .milliseconds(50) }) { cluster in
            let client = cluster.client
            let list = try await client.list(Namespace.self)
            let stream = try await client.watch(
                Namespace.self, namespace: nil,
                options: WatchOptions(
                    resourceVersion: list.metadata.resourceVersion, timeoutSeconds: 30, allowWatchBookmarks: true))
            let created = try await cluster.createNamespace("b1")
            let events = try await Self.read(stream, from: cluster.simulator) { events in
                guard let added = events.firstIndex(where: { $0.object != nil }) else { return false }
                return events[added...].contains { $0.object == nil }
            }
            #expect(events.compactMap(\.object).map(\.metadata.name) == ["b1"])
            #expect(events.compactMap(\.object).first == created)
            guard case .bookmark(let version, _) = events.last else {
                Issue.record("expected a bookmark last, got \(events.map(\.type))")
                return
            }
            // The bookmark is at the global revision (b1's default ServiceAccount came after b1).
            #expect(version == String(cluster.simulator.resourceVersion))
            #expect(Int(version) ?? 0 > Int(created.metadata.resourceVersion ?? "") ?? .max)

            let resumed = try await client.watch(
                Namespace.self, namespace: nil,
                options: WatchOptions(resourceVersion: version, timeoutSeconds: 30, allowWatchBookmarks: true))
            try await cluster.createNamespace("b2")
            let next = try await Self.read(resumed, from: cluster.simulator) { $0.contains { $0.object != nil } }
            #expect(next.compactMap(\.object).map(\.metadata.name) == ["b2"])
        }
    }

    @Test("no BOOKMARKs unless asked for")
    func noBookmarksUnlessAsked() async throws {
        try await SimulatedCluster.with({ $0.bookmarkInterval = .milliseconds(20) }) { cluster in
            let list = try await cluster.client.list(Namespace.self)
            try await cluster.createNamespace("quiet")
            // The ADDED comes from history at once; the second that follows would hold ~50 bookmarks if asked.
            let stream = try await cluster.client.watch(
                Namespace.self, namespace: nil,
                options: WatchOptions(
                    resourceVersion: list.metadata.resourceVersion, timeoutSeconds: 1, allowWatchBookmarks: false))
            var types: [String] = []
            for try await event in stream { types.append(Self.summary(event)) }
            #expect(types == ["ADDED quiet"])
        }
    }

    @Test("a watch the user may not open is a typed 403 at open")
    func forbiddenWatch() async throws {
        try await SimulatedCluster.with { cluster in
            cluster.simulator.addUser(
                name: "lister", token: "lister-token",
                rules: [PolicyRule(apiGroups: [""], resources: ["namespaces"], verbs: ["list"])])
            try await cluster.withClient(cluster.configuration(token: "lister-token")) { client in
                let namespaces = try await client.list(Namespace.self)
                #expect(namespaces.items.count == 4)
                let denied = await kubernetesError("watch without the watch verb") {
                    _ = try await client.watch(Namespace.self, namespace: nil, options: WatchOptions(timeoutSeconds: 5))
                }
                #expect(denied?.isForbidden == true)
                #expect(denied?.message.contains("cannot watch resource \"namespaces\"") == true)
            }
        }
    }
}
