import KubernetesSimulator
import Testing

@Suite("WATCH: resourceVersion, selectors, bookmarks, compaction")
struct WatchTests {
    @Test("a watch from a resourceVersion delivers exactly the changes after it")
    func watchFromRevision() async throws {
        try await TestCluster.with { cluster in
            try await cluster.createNamespace("before")
            let list = try await cluster.get("/api/v1/namespaces")
            let revision = try #require(list.resourceVersion)
            try await cluster.createNamespace("after", labels: ["x": "1"])
            _ = try await cluster.send(
                .PATCH, "/api/v1/namespaces/after", body: ["metadata": ["labels": ["x": "2"]]],
                contentType: "application/merge-patch+json")
            _ = try await cluster.send(.DELETE, "/api/v1/namespaces/after")
            var watch = try await cluster.watch(
                "/api/v1/namespaces?watch=1&resourceVersion=\(revision)&timeoutSeconds=1")
            #expect(watch.status == 200)
            let events = try await watch.rest()
            let summary = events.map { "\($0.eventType ?? "") \($0.eventName ?? "")" }
            // Deleting a namespace: Terminating (MODIFIED), then gone (DELETED); its default SA is elsewhere.
            #expect(summary == ["ADDED after", "MODIFIED after", "MODIFIED after", "DELETED after"])
            let revisions = events.compactMap { $0.value(at: ["object", "metadata", "resourceVersion"])?.stringValue }
            #expect(Set(revisions).count == 4)
        }
    }

    @Test("label changes move objects in and out of a selector watch as ADDED / DELETED")
    func selectorTransitions() async throws {
        try await TestCluster.with { cluster in
            let list = try await cluster.get("/api/v1/namespaces?labelSelector=sync%3Dtrue")
            let revision = try #require(list.resourceVersion)
            try await cluster.createNamespace("moving")
            for value in ["true", "false"] {
                _ = try await cluster.send(
                    .PATCH, "/api/v1/namespaces/moving", body: ["metadata": ["labels": ["sync": .string(value)]]],
                    contentType: "application/merge-patch+json")
            }
            var watch = try await cluster.watch(
                "/api/v1/namespaces?watch=true&labelSelector=sync%3Dtrue&resourceVersion=\(revision)&timeoutSeconds=1")
            let types = try await watch.rest().compactMap(\.eventType)
            #expect(types == ["ADDED", "DELETED"])
        }
    }

    @Test("without a resourceVersion a watch starts with the current objects as ADDED")
    func initialEvents() async throws {
        try await TestCluster.with { cluster in
            var watch = try await cluster.watch(
                "/api/v1/namespaces?watch=1&fieldSelector=metadata.name%3Ddefault&timeoutSeconds=1")
            let events = try await watch.rest()
            #expect(events.map { "\($0.eventType ?? "") \($0.eventName ?? "")" } == ["ADDED default"])
        }
    }

    @Test("bookmarks carry the current resourceVersion when asked for")
    func bookmarks() async throws {
        try await TestCluster.with({ $0.bookmarkInterval = .milliseconds(50) }) { cluster in
            let revision = cluster.simulator.resourceVersion
            var watch = try await cluster.watch(
                "/api/v1/namespaces?watch=1&allowWatchBookmarks=true&resourceVersion=\(revision)&timeoutSeconds=5")
            let bookmark = try #require(try await watch.next())
            #expect(bookmark.eventType == "BOOKMARK")
            #expect(bookmark.value(at: ["object", "metadata", "resourceVersion"]) == .string(String(revision)))
            #expect(bookmark.value(at: ["object", "kind"]) == "Namespace")
            cluster.simulator.dropWatches()
            _ = try await watch.rest()
        }
    }

    @Test("a watch from a compacted resourceVersion is a 200 stream with one ERROR 410 Expired event")
    func compactedRevision() async throws {
        try await TestCluster.with({ $0.historyLimit = 5 }) { cluster in
            let revision = cluster.simulator.resourceVersion
            for index in 0..<40 { try await cluster.createNamespace("n\(index)") }
            var expired = try await cluster.watch("/api/v1/namespaces?watch=1&resourceVersion=\(revision)")
            #expect(expired.status == 200)
            let events = try await expired.rest()
            #expect(events.map { $0.eventType ?? "" } == ["ERROR"])
            #expect(events.first?.value(at: ["object", "code"]) == 410)
            #expect(events.first?.value(at: ["object", "reason"]) == "Expired")
            #expect(
                events.first?.value(at: ["object", "message"])?.stringValue?.hasPrefix(
                    "too old resource version: \(revision)") == true)
            // The current revision still works.
            let current = cluster.simulator.resourceVersion
            var watch = try await cluster.watch(
                "/api/v1/namespaces?watch=1&resourceVersion=\(current)&timeoutSeconds=1")
            #expect(watch.status == 200)
            #expect(try await watch.rest().isEmpty)
        }
    }

    @Test("a forced compaction ends running watches with an ERROR 410 event")
    func forcedCompaction() async throws {
        try await TestCluster.with { cluster in
            let revision = cluster.simulator.resourceVersion
            var watch = try await cluster.watch(
                "/api/v1/namespaces?watch=1&resourceVersion=\(revision)&timeoutSeconds=10")
            try await cluster.createNamespace("seen")
            let added = try #require(try await watch.next())
            #expect(added.eventType == "ADDED")
            cluster.simulator.compact(notifyWatches: true)
            let error = try #require(try await watch.next())
            #expect(error.eventType == "ERROR")
            #expect(error.value(at: ["object", "code"]) == 410)
            #expect(error.value(at: ["object", "reason"]) == "Expired")
            #expect(try await watch.next() == nil)
        }
    }

    @Test("dropWatches ends streams; resuming from the last seen resourceVersion loses nothing")
    func resumeAfterDrop() async throws {
        try await TestCluster.with { cluster in
            let revision = cluster.simulator.resourceVersion
            var first = try await cluster.watch(
                "/api/v1/namespaces?watch=1&resourceVersion=\(revision)&timeoutSeconds=10")
            try await cluster.createNamespace("one")
            let event = try #require(try await first.next())
            let seen = try #require(event.value(at: ["object", "metadata", "resourceVersion"])?.stringValue)
            cluster.simulator.dropWatches()
            #expect(try await first.rest().isEmpty)
            try await cluster.createNamespace("two")
            var second = try await cluster.watch("/api/v1/namespaces?watch=1&resourceVersion=\(seen)&timeoutSeconds=1")
            #expect(try await second.rest().compactMap(\.eventName) == ["two"])
        }
    }
}
