import AzureAuth
import Controller
import Foundation
import KubernetesModel
import KubernetesSimulator
import PullKeeperConfig
import PullKeeperCore
import PullKeeperTesting
import Reconciler
import Synchronization
import Testing

extension SimulatedTime {
    /// The runtime defects issue 17 names, each pinned by a test on simulated time that failed before the fix.
    @Suite("Controller runtime defects, fixed")
    struct ControllerDefectTests {
        static let conflict = InProcessKubernetes.Answer.fail(
            status: 409, reason: "Conflict", message: "the object has been modified; please apply your changes")

        @Test("a refresh whose write fails with 409 records no SecretRefreshed and leaves the expiry gauge alone")
        func noEventBeforeTheWrite() async throws {
            try await FastWorld.run(lifetime: .seconds(3600)) { world in
                try await world.cluster.optIn("conflicted")
                let runtime = try world.runtime()
                let task = world.start(runtime)
                await world.settle(runtime)
                let written = try #require(await world.cluster.secret("conflicted"))
                let gauge = Self.expiryGauge(runtime, "conflicted")
                #expect(gauge != nil)

                // From now on every update of a Secret is refused as stale.
                world.kube.intercept { call in
                    call.verb == "update" && call.resource == "secrets" ? Self.conflict : .proceed
                }
                let tried = await world.advance(runtime, limit: .seconds(3600)) {
                    world.kube.count { $0.verb == "update" && $0.resource == "secrets" } >= 3
                }
                #expect(tried)
                #expect(!(await world.cluster.eventReasons("conflicted").contains("SecretRefreshed")))
                #expect(Self.expiryGauge(runtime, "conflicted") == gauge, "the gauge follows only writes that happened")
                #expect(runtime.controller.namespaceStates["conflicted"] != .upToDate)
                #expect(
                    (await world.cluster.secret("conflicted"))?.metadata.resourceVersion
                        == written.metadata.resourceVersion)
                try await world.stop(runtime, task)
            }
        }

        @Test("a write refused again and again (422) becomes visible: warning log, Warning Event, metric")
        func persistentFailureIsVisible() async throws {
            try await FastWorld.run { world in
                let capture = LogCapture()
                world.kube.intercept { call in
                    call.verb == "create" && call.resource == "secrets"
                        ? .fail(
                            status: 422, reason: "Invalid", message: "Secret \"acr-pull\" is invalid: data: too long")
                        : .proceed
                }
                try await world.cluster.optIn("invalid")
                let runtime = try world.runtime(logger: capture.logger(level: .info))
                let task = world.start(runtime)
                let visible = await world.advance(runtime, limit: .seconds(120)) {
                    await world.cluster.eventReasons("invalid").contains("WriteFailed")
                }
                #expect(visible)
                let event = await world.cluster.events("invalid").first { $0.reason == "WriteFailed" }
                #expect(event?.message.contains("createSecret failed 3 times in a row") == true)
                #expect(event?.message.contains("too long") == true)
                #expect(
                    capture.all.contains { $0.contains("warning") && $0.contains("write failed") && $0.contains("422") }
                )
                #expect(
                    runtime.metrics.render().contains(
                        "pullkeeper_write_failures_total{action=\"createSecret\",code=\"422\"}"))
                #expect(runtime.controller.namespaceStates["invalid"] == .failing)
                try await world.stop(runtime, task)
            }
        }

        @Test("every successful write has one log line with namespace, action, reason, requeue and result")
        func successfulWritesAreLogged() async throws {
            try await FastWorld.run { world in
                let capture = LogCapture()
                try await world.cluster.optIn("logged")
                let runtime = try world.runtime(logger: capture.logger(level: .info))
                let task = world.start(runtime)
                await world.settle(runtime)
                try await world.stop(runtime, task)
                let writes = capture.all.filter { $0.contains(": wrote ") && $0.contains("namespace.name=logged") }
                #expect(writes.count == 2, "\(writes)")
                #expect(
                    writes.contains {
                        $0.contains("action=createSecret") && $0.contains("reason=secretMissing")
                            && $0.contains("result=success") && $0.contains("requeue.after=never")
                    })
                #expect(writes.contains { $0.contains("action=attach") && $0.contains("reason=attach") })
            }
        }

        @Test("a cache that cannot sync (no permission to list Secrets) makes /readyz and the log say which and why")
        func cacheSyncTimeoutIsReported() async throws {
            try await FastWorld.run { world in
                let capture = LogCapture()
                world.sim.kubernetes.addUser(
                    name: "half-blind", token: "half-blind-token",
                    rules: [
                        PolicyRule(
                            apiGroups: [""], resources: ["namespaces", "serviceaccounts"], verbs: ["list", "watch"])
                    ])
                var options = Controller.Options(stallTimeout: .seconds(86_400))
                options.cacheSyncTimeout = .seconds(30)
                let runtime = try world.runtime(
                    token: "half-blind-token", logger: capture.logger(level: .info), options: options)
                let task = world.start(runtime)
                await world.settle(runtime)
                #expect(runtime.controller.readiness.reason == "caches not synced yet")
                world.clock.advance(by: .seconds(31))
                await world.settle(runtime)
                let readiness = runtime.controller.readiness
                #expect(!readiness.ready)
                #expect(readiness.reason?.contains("cache of secrets not synced") == true, "\(readiness)")
                #expect(readiness.reason?.contains("forbidden") == true || readiness.reason?.contains("403") == true)
                #expect(
                    capture.all.contains {
                        $0.contains("error") && $0.contains("cache not synced") && $0.contains("k8s.resource=secrets")
                    })
                try await world.stop(runtime, task)
            }
        }

        @Test("a credential request still running at shutdown is cancelled, and the runtime stops at once")
        func fetchesAreCancelledAtShutdown() async throws {
            try await FastWorld.run { world in
                let hanging = HangingTransport()
                try await world.cluster.optIn("stuck")
                let runtime = try world.runtime(azureTransport: hanging)
                let task = world.start(runtime)
                // The pass waits for the request (its wait limit runs on the manual clock): wait for the request.
                while hanging.started == 0 { try await Task.sleep(for: .milliseconds(5)) }
                let stopped = await withinRealTime(.seconds(10)) { try? await world.stop(runtime, task) }
                #expect(stopped, "the runtime did not stop")
                #expect(hanging.cancelled == hanging.started, "every request in flight was cancelled")
            }
        }

        @Test("the leader elector leaves its wait on graceful shutdown and releases the Lease without the clock moving")
        func electorStopsAtOnce() async throws {
            try await FastWorld.run { world in
                let election = ControllerRuntime.LeaderElection(
                    namespace: "default", identity: "replica-a",
                    timing: .init(leaseDuration: .seconds(600), renewDeadline: .seconds(300), retryPeriod: .seconds(60))
                )
                let runtime = try world.runtime(leaderElection: election)
                let task = world.start(runtime)
                await world.settle(runtime)
                #expect(runtime.elector?.isLeader == true)
                let stopped = await withinRealTime(.seconds(10)) { try? await world.stop(runtime, task) }
                #expect(stopped, "shutdown waited for the retry period")
                let lease = try await world.admin.get(Lease.self, name: "pullkeeper-leader", namespace: "default")
                #expect(lease.spec?.holderIdentity == "")
            }
        }

        @Test("a create that meets an unreadable existing Secret says so in the log instead of looping silently")
        func existingSecretReadFailureIsLogged() async throws {
            try await FastWorld.run { world in
                let capture = LogCapture()
                try await world.cluster.optIn("hidden")
                var foreign = Secret(metadata: ObjectMeta(name: "acr-pull", namespace: "hidden"))
                foreign.data = ["token": Data("theirs".utf8)]
                _ = try await world.admin.create(foreign)
                world.kube.intercept { call in
                    call.verb == "get" && call.resource == "secrets" && call.namespace == "hidden"
                        ? .fail(status: 500, reason: "InternalError", message: "etcd is unhappy") : .proceed
                }
                let runtime = try world.runtime(logger: capture.logger(level: .info))
                let task = world.start(runtime)
                // The client retries the read (5xx) with backoff, on the manual clock.
                let logged = await world.advance(runtime, limit: .seconds(60)) {
                    capture.all.contains {
                        $0.contains("could not read the existing Secret a create met") && $0.contains("etcd is unhappy")
                    }
                }
                #expect(logged)
                try await world.stop(runtime, task)
            }
        }

        @Test("a static identity whose password files cannot be read says which file and why")
        func staticFileReasonsAreKept() async throws {
            try await FastWorld.run { world in
                var config = world.config
                let index = try #require(config.identities.firstIndex { $0.name == "admin" })
                config.identities[index].credential = .static(
                    .init(
                        username: "admin", passwordFile: world.sim.directory + "/missing-password",
                        password2File: world.sim.directory + "/missing-password2"))
                try await world.cluster.optIn("static-unreadable", extra: [SecretLayout.identityAnnotation: "admin"])
                let runtime = try world.runtime(config: config)
                let task = world.start(runtime)
                await world.settle(runtime)
                let failure = await world.cluster.events("static-unreadable").first { $0.reason == "TokenFailed" }
                #expect(
                    failure?.message.contains("missing-password: no such file") == true,
                    "\(String(describing: failure))")
                #expect(failure?.message.contains("missing-password2: no such file") == true)
                try await world.stop(runtime, task)
            }
        }

        @Test("a leader that cannot renew steps down and stops writing; the standby takes over after the lease")
        func leaderLossStopsWrites() async throws {
            try await FastWorld.run { world in
                let timing = LeaderElector.Timing(
                    leaseDuration: .seconds(15), renewDeadline: .seconds(10), retryPeriod: .seconds(2))
                world.sim.kubernetes.addUser(name: "replica-a", token: "token-a", groups: ["system:masters"])
                world.sim.kubernetes.addUser(name: "replica-b", token: "token-b", groups: ["system:masters"])
                let a = try world.runtime(
                    token: "token-a",
                    leaderElection: .init(namespace: "default", identity: "replica-a", timing: timing), instance: "a")
                let taskA = world.start(a)
                await world.settle(a)
                #expect(a.elector?.isLeader == true)
                let b = try world.runtime(
                    token: "token-b",
                    leaderElection: .init(namespace: "default", identity: "replica-b", timing: timing), instance: "b")
                let taskB = world.start(b)
                await world.settle(a, b)
                #expect(b.elector?.isLeader == false)

                // replica-a's renewals are refused from now on (a network partition between it and the API server).
                world.kube.intercept { call in
                    call.resource == "leases" && call.verb == "update" && call.name == "pullkeeper-leader"
                        && call.token == "token-a"
                        ? .fail(status: 503, reason: "ServiceUnavailable", message: "partitioned") : .proceed
                }
                let tookOver = await world.advance(a, b, limit: .seconds(60)) {
                    a.elector?.isLeader == false && b.elector?.isLeader == true
                }
                #expect(tookOver)
                try await world.cluster.optIn("after-failover")
                await world.settle(a, b)
                #expect(await world.cluster.secret("after-failover") != nil)
                let writers = Set(
                    world.sim.kubernetes.auditLog().filter {
                        $0.namespace == "after-failover" && ["create", "patch", "update"].contains($0.verb)
                    }.map(\.user))
                #expect(writers == ["replica-b"])
                try await world.stop(a, taskA)
                try await world.stop(b, taskB)
            }
        }

        /// The Secret's series of `pullkeeper_secret_expiry_timestamp_seconds`, as `/metrics` shows it.
        static func expiryGauge(_ runtime: ControllerRuntime, _ namespace: String) -> String? {
            runtime.metrics.render().split(separator: "\n").first {
                $0.hasPrefix("pullkeeper_secret_expiry_timestamp_seconds{namespace=\"\(namespace)\"")
            }.map(String.init)
        }
    }
}

/// Runs `body`; true when it returned within `limit` of real time (it is left running otherwise, so that a hang
/// fails the test instead of hanging it).
func withinRealTime(_ limit: Duration, _ body: @escaping @Sendable () async -> Void) async -> Bool {
    let finished = AsyncStream<Bool>.makeStream()
    let work = Task {
        await body()
        finished.continuation.yield(true)
    }
    let timer = Task {
        try? await Task.sleep(for: limit)
        finished.continuation.yield(false)
    }
    var iterator = finished.stream.makeAsyncIterator()
    let result = await iterator.next() ?? false
    timer.cancel()
    _ = work
    return result
}

/// An Azure transport whose every request hangs until cancelled; counts both.
final class HangingTransport: HTTPTransport {
    private let counts = Mutex((started: 0, cancelled: 0))

    var started: Int { counts.withLock { $0.started } }
    var cancelled: Int { counts.withLock { $0.cancelled } }

    func send(_ request: HTTPRequestData) async throws -> HTTPResponseData {
        counts.withLock { $0.started += 1 }
        do {
            try await Task.sleep(for: .seconds(3600))
        } catch {
            counts.withLock { $0.cancelled += 1 }
            throw error
        }
        throw AzureAuthError(code: .network, detail: "never")
    }
}
