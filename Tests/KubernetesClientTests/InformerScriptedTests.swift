import KubernetesClient
import KubernetesModel
import Logging
import PullKeeperCore
import Synchronization
import Testing

@Suite("Informer logic against a scripted client")
struct InformerScriptedTests {
    let logger = Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() })

    /// Collects the change stream in the background of a test.
    final class Collector: Sendable {
        let changes = Mutex<[InformerChange<Namespace>]>([])
        var all: [InformerChange<Namespace>] { changes.withLock { $0 } }
    }

    func start(
        _ informer: Informer<Namespace>, _ collector: Collector, in group: inout ThrowingTaskGroup<Void, any Error>
    ) {
        group.addTask { try await informer.run() }
        group.addTask {
            for await change in informer.changes { collector.changes.withLock { $0.append(change) } }
        }
    }

    @Test func listsPagesWatchesResumesAndRelistsAfterGone() async throws {
        let client = ScriptedKubernetesClient(
            pages: [
                page([namespace("a", rv: "3"), namespace("b", rv: "4")], rv: "10", continue: "t1"),
                page([namespace("c", rv: "5")], rv: "10"),
                page([namespace("a", rv: "40"), namespace("d", rv: "41")], rv: "50"),
            ],
            watches: [
                .init(
                    events: [.added(namespace("e", rv: "11")), .bookmark(resourceVersion: "12", annotations: [:])],
                    end: .close),
                .init(events: [.modified(namespace("a", rv: "13"))], end: .transportError),
                .init(events: [], end: .gone),
                .init(events: [.deleted(namespace("d", rv: "51"))], end: .stall),
            ])
        let options = Informer<Namespace>.Options(
            backoff: RetryPolicy(maxAttempts: .max, initialDelay: .milliseconds(1), maxDelay: .milliseconds(5)))
        let informer = Informer<Namespace>(client: client, options: options, logger: logger)
        let collector = Collector()
        try await withThrowingTaskGroup(of: Void.self) { group in
            start(informer, collector, in: &group)
            try await eventually("the fourth watch") {
                client.recorded.withLock { $0.watches.count } >= 4 && informer.cache.get("d") == nil
            }
            group.cancelAll()
        }
        let recorded = client.recorded.withLock { $0 }
        #expect(recorded.lists.map(\.limit) == [500, 500, 500])
        #expect(recorded.lists.map(\.continue) == [nil, "t1", nil])
        #expect(recorded.watches.map(\.resourceVersion) == ["10", "12", "13", "50"])
        #expect(recorded.watches.allSatisfy { $0.allowWatchBookmarks && $0.timeoutSeconds == 300 })
        #expect(informer.cache.list() == [namespace("a", rv: "40")])
        #expect(informer.hasSynced)
        #expect(informer.statistics.relistsAfterGone == 1)
        #expect(
            collector.all == [
                .added(namespace("a", rv: "3")), .added(namespace("b", rv: "4")), .added(namespace("c", rv: "5")),
                .added(namespace("e", rv: "11")),
                .updated(old: namespace("a", rv: "3"), new: namespace("a", rv: "13")),
                .updated(old: namespace("a", rv: "13"), new: namespace("a", rv: "40")),
                .added(namespace("d", rv: "41")),
                .deleted(namespace("b", rv: "4")), .deleted(namespace("c", rv: "5")),
                .deleted(namespace("e", rv: "11")),
                .deleted(namespace("d", rv: "51")),
            ])
    }

    @Test func silentWatchIsRestartedByTheWatchdog() async throws {
        let client = ScriptedKubernetesClient(
            pages: [page([namespace("a", rv: "1")], rv: "7")],
            watches: [
                .init(events: [], end: .stall),
                .init(events: [.bookmark(resourceVersion: "8", annotations: [:])], end: .stall),
            ])
        let options = Informer<Namespace>.Options(stallTimeout: .milliseconds(100))
        let informer = Informer<Namespace>(client: client, options: options, logger: logger)
        let collector = Collector()
        try await withThrowingTaskGroup(of: Void.self) { group in
            start(informer, collector, in: &group)
            try await eventually("a restarted watch after the bookmark") {
                client.recorded.withLock { $0.watches.count } >= 3
            }
            group.cancelAll()
        }
        let watches = client.recorded.withLock { $0.watches.map(\.resourceVersion) }
        #expect(Array(watches.prefix(3)) == ["7", "7", "8"])
        #expect(informer.statistics.stalledWatches >= 2)
    }

    /// The resync is the safety net of PRODUCT.md §3: a fresh list from the server (what a silently broken watch
    /// missed shows up, deletions included), then every object again.
    @Test func periodicResyncRelistsAndRedeliversEveryObject() async throws {
        let first = page([namespace("a", rv: "1"), namespace("b", rv: "2")], rv: "7")
        // b was deleted and c created without the watch saying so; spare pages for resyncs before the cancel.
        let later = page([namespace("a", rv: "1"), namespace("c", rv: "9")], rv: "9")
        let client = ScriptedKubernetesClient(pages: [first] + Array(repeating: later, count: 20), watches: [])
        let options = Informer<Namespace>.Options(resyncPeriod: .milliseconds(20))
        let informer = Informer<Namespace>(client: client, options: options, logger: logger)
        let collector = Collector()
        try await withThrowingTaskGroup(of: Void.self) { group in
            start(informer, collector, in: &group)
            try await eventually("two resyncs") { informer.statistics.resyncs >= 2 }
            group.cancelAll()
        }
        let changes = collector.all
        #expect(changes.contains(.deleted(namespace("b", rv: "2"))))
        #expect(changes.contains(.added(namespace("c", rv: "9"))))
        let resynced = changes.filter { if case .resync = $0 { true } else { false } }.map(\.object)
        #expect(
            Array(resynced.prefix(4)) == [
                namespace("a", rv: "1"), namespace("c", rv: "9"), namespace("a", rv: "1"), namespace("c", rv: "9"),
            ])
        #expect(informer.cache.list().map(\.metadata.name) == ["a", "c"])
        #expect(client.recorded.withLock { $0.lists.count } >= 3)
        // After the first list the watch starts at 7; after each resync's list at 9.
        let watches = client.recorded.withLock { $0.watches.map(\.resourceVersion) }
        #expect(watches.first == "7")
        #expect(watches.dropFirst().allSatisfy { $0 == "9" })
    }

    @Test func runEndsOnCancellationAndFinishesTheStream() async throws {
        let client = ScriptedKubernetesClient(pages: [page([], rv: "1")], watches: [])
        let informer = Informer<Namespace>(client: client, logger: logger)
        let task = Task { try await informer.run() }
        try await informer.waitForSync()
        task.cancel()
        try await task.value
        var iterator = informer.changes.makeAsyncIterator()
        #expect(await iterator.next() == nil)
    }
}
