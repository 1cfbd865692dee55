import KubernetesSimulator
import Testing

@Suite("Fault injection")
struct FaultTests {
    @Test("injected errors have the configured code, Status and Retry-After", arguments: [429, 500, 503])
    func injectedErrors(code: Int) async throws {
        try await TestCluster.with { cluster in
            cluster.simulator.setFaults([
                FaultRule(
                    verbs: ["list"], resources: ["secrets"], errorRate: 1, errorCodes: [code],
                    retryAfterSeconds: 2)
            ])
            let failed = try await cluster.get("/api/v1/namespaces/default/secrets")
            #expect(failed.status == code)
            #expect(failed.headers.first(name: "Retry-After") == "2")
            #expect(failed.body?["kind"] == "Status")
            #expect(failed.body?["code"] == .number(Double(code)))
            #expect(failed.body?.value(at: ["details", "retryAfterSeconds"]) == 2)
            // Other verbs and resources are untouched.
            #expect(try await cluster.get("/api/v1/namespaces").status == 200)
            #expect(try await cluster.get("/api/v1/namespaces/default/secrets/x").status == 404)
            #expect(cluster.simulator.requestCount(verb: "list", resource: "secrets", code: code) == 1)
        }
    }

    @Test("the same seed gives the same faults")
    func deterministic() async throws {
        func run() async throws -> [Int] {
            try await TestCluster.with { cluster in
                cluster.simulator.setFaults(
                    [FaultRule(errorRate: 0.5, errorCodes: [500, 503])], seed: 42)
                var codes: [Int] = []
                for _ in 0..<20 { codes.append(try await cluster.get("/api/v1/namespaces").status) }
                return codes
            }
        }
        let first = try await run()
        #expect(first == (try await run()))
        #expect(Set(first).count == 3)
    }

    @Test("a limited rule retires after its count")
    func limited() async throws {
        try await TestCluster.with { cluster in
            cluster.simulator.addFault(FaultRule(errorRate: 1, errorCodes: [503], remaining: 2))
            var codes: [Int] = []
            for _ in 0..<3 { codes.append(try await cluster.get("/api/v1/namespaces").status) }
            #expect(codes == [503, 503, 200])
        }
    }

    @Test("a stalled watch sends nothing, not even events or bookmarks")
    func stalledWatch() async throws {
        try await TestCluster.with({ $0.bookmarkInterval = .milliseconds(20) }) { cluster in
            cluster.simulator.setFaults([FaultRule(verbs: ["watch"], stallWatches: true)])
            let revision = cluster.simulator.resourceVersion
            var watch = try await cluster.watch(
                "/api/v1/namespaces?watch=1&allowWatchBookmarks=true&resourceVersion=\(revision)&timeoutSeconds=1")
            try await cluster.createNamespace("unseen")
            #expect(watch.status == 200)
            #expect(try await watch.rest().isEmpty)
        }
    }

    @Test("a dropped watch ends early after delivering what it had")
    func droppedWatch() async throws {
        try await TestCluster.with { cluster in
            try await cluster.createNamespace("first")
            cluster.simulator.setFaults([FaultRule(verbs: ["watch"], dropWatchAfter: .milliseconds(300))])
            var watch = try await cluster.watch(
                "/api/v1/namespaces?watch=1&fieldSelector=metadata.name%3Dfirst&timeoutSeconds=60")
            #expect(try await watch.rest().compactMap(\.eventName) == ["first"])
        }
    }
}
