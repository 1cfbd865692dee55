import Controller
import Foundation
import KubernetesSimulator
import PullKeeperConfig
import PullKeeperCore
import PullKeeperTesting
import Reconciler
import Testing

extension SimulatedTime {
    /// Issue 15 §3: with `repairPods: true` the controller evicts controller-owned Pending pods stuck pulling from a
    /// managed registry without the Secret, and nothing else; the test plays the kubelet (pod status) and the
    /// ReplicaSet controller (it recreates nothing unless it says so).
    @Suite("Pod repair: stuck pods admitted before the Secret are evicted, once, within the rate limit")
    struct PodRepairTests {
        static func config(_ world: FastWorld, perMinute: Int = 10) -> OperatorConfig {
            var config = world.config
            config.repairPods = true
            config.repairPodsPerMinute = perMinute
            return config
        }

        /// Creates a pod (as its controller would) and sets its status as a kubelet that cannot pull `image` would.
        @discardableResult
        static func stuckPod(
            _ world: FastWorld, _ namespace: String, _ name: String, image: String, owner: String? = "ReplicaSet",
            pullSecrets: [String]? = nil, reason: String = "ImagePullBackOff", finalizers: [String]? = nil
        ) throws -> String {
            var metadata: JSONValue = ["name": .string(name), "labels": ["app": "web"]]
            if let finalizers { metadata["finalizers"] = .array(finalizers.map { .string($0) }) }
            if let owner {
                metadata["ownerReferences"] = [
                    [
                        "apiVersion": owner == "Job" ? "batch/v1" : "apps/v1", "kind": .string(owner),
                        "name": "web-5d9c", "uid": "3f0c2a4e-0000-4000-8000-000000000001", "controller": true,
                        "blockOwnerDeletion": true,
                    ]
                ]
            }
            var spec: JSONValue = ["containers": [["name": "app", "image": .string(image)]]]
            if let pullSecrets { spec["imagePullSecrets"] = .array(pullSecrets.map { ["name": .string($0)] }) }
            let created = try world.sim.kubernetes.create(
                .pods, namespace: namespace, ["apiVersion": "v1", "kind": "Pod", "metadata": metadata, "spec": spec])
            try world.sim.kubernetes.setPodStatus(
                namespace: namespace, name: name,
                [
                    "phase": "Pending",
                    "containerStatuses": [
                        [
                            "name": "app", "image": .string(image), "ready": false, "restartCount": 0,
                            "state": [
                                "waiting": [
                                    "reason": .string(reason),
                                    "message": .string("Back-off pulling image \"\(image)\""),
                                ]
                            ],
                        ]
                    ],
                ])
            return created.value(at: ["metadata", "uid"])?.stringValue ?? ""
        }

        /// `namespace/name` of every pod whose eviction the API server granted, in order.
        static func evicted(_ world: FastWorld) -> [String] {
            world.sim.kubernetes.auditLog().filter {
                $0.resource == "pods/eviction" && $0.verb == "create" && $0.code == 201
            }.map { "\($0.namespace ?? "")/\($0.name ?? "")" }
        }

        static func exists(_ world: FastWorld, _ namespace: String, _ name: String) -> Bool {
            world.sim.kubernetes.object(.pods, namespace: namespace, name: name) != nil
        }

        @Test("a stuck ReplicaSet pod is evicted once; bare, has-the-Secret, other-registry, other-namespace are not")
        func evictsOnlyTheStuckControllerPod() async throws {
            try await FastWorld.run { world in
                try await world.cluster.optIn("team-a")
                try await world.cluster.namespace("outside")
                let image = "\(world.registry)/team-a/web:1"
                try Self.stuckPod(world, "team-a", "stuck", image: image)
                try Self.stuckPod(world, "team-a", "bare", image: image, owner: nil)
                try Self.stuckPod(world, "team-a", "has-secret", image: image, pullSecrets: ["acr-pull"])
                try Self.stuckPod(world, "team-a", "elsewhere", image: "ghcr.io/team-a/web:1")
                try Self.stuckPod(world, "team-a", "job", image: image, owner: "Job", reason: "ErrImagePull")
                try Self.stuckPod(world, "team-a", "custom", image: image, owner: "Rollout")
                try Self.stuckPod(world, "outside", "stuck", image: image)
                // Being deleted already (held by a finalizer): nothing to add.
                try Self.stuckPod(world, "team-a", "terminating", image: image, finalizers: ["example.com/hold"])
                try world.sim.kubernetes.delete(.pods, namespace: "team-a", name: "terminating")
                let runtime = try world.runtime(config: Self.config(world))
                let task = world.start(runtime)
                _ = await world.advance(runtime, limit: .seconds(300)) { false }

                #expect(Set(Self.evicted(world)) == ["team-a/stuck", "team-a/job"])
                #expect(Self.evicted(world).count == 2, "each once")
                for (namespace, name) in [
                    ("team-a", "bare"), ("team-a", "has-secret"), ("team-a", "elsewhere"), ("team-a", "custom"),
                    ("outside", "stuck"), ("team-a", "terminating"),
                ] {
                    #expect(Self.exists(world, namespace, name), "\(namespace)/\(name) left alone")
                }
                let events = await world.cluster.events("team-a")
                #expect(
                    events.first { $0.reason == "PodRestarted" && $0.message.contains("pod stuck") }?.message
                        == "evicted pod stuck: it was stuck pulling from \(world.registry) and was created before "
                        + "acr-pull was attached; its controller recreates it with the Secret")
                #expect(
                    Set(events.filter { $0.reason == "PullFailedWithSecret" }.map(\.message)) == [
                        "pod has-secret cannot pull from \(world.registry) although it lists acr-pull in "
                            + "imagePullSecrets; restarting it would not help: check the image name, the identity's "
                            + "role on the registry and the Secret's state"
                    ])
                #expect(await world.cluster.events("outside").isEmpty)
                #expect(runtime.metrics.render().contains("pullkeeper_pods_restarted_total 2"))

                // Its StatefulSet-like replacement, same name, admitted now: it gets the Secret from the service
                // account; if it is stuck anyway, restarting it again would not help: a Warning, no eviction.
                try Self.stuckPod(world, "team-a", "stuck", image: image)
                _ = await world.advance(runtime, limit: .seconds(300)) { false }
                #expect(Self.evicted(world).count == 2)
                #expect(Self.exists(world, "team-a", "stuck"))
                #expect(
                    await world.cluster.events("team-a").contains {
                        $0.reason == "PullFailedWithSecret" && $0.message.hasPrefix("pod stuck ")
                    })
                try await world.stop(runtime, task)
            }
        }

        @Test("a pod created a millisecond before its namespace opts in: evicted, and its replacement has the Secret")
        func podJustBeforeOptIn() async throws {
            try await FastWorld.run { world in
                try await world.cluster.namespace("team-a")
                let runtime = try world.runtime(config: Self.config(world))
                let task = world.start(runtime)
                await world.settle(runtime)
                let image = "\(world.registry)/team-a/web:1"
                try Self.stuckPod(world, "team-a", "web-1", image: image)
                world.clock.advance(by: .milliseconds(1))
                try await world.cluster.annotate("team-a", SecretLayout.registriesAnnotation, world.registry)
                let evicted = await world.advance(runtime, limit: .seconds(120)) { !Self.evicted(world).isEmpty }
                #expect(evicted)
                #expect(Self.evicted(world) == ["team-a/web-1"])
                // The ReplicaSet's replacement, admitted now, gets the Secret from the service account.
                let replacement = try world.sim.kubernetes.create(
                    .pods, namespace: "team-a",
                    [
                        "apiVersion": "v1", "kind": "Pod", "metadata": ["name": "web-2"],
                        "spec": ["containers": [["name": "app", "image": .string(image)]]],
                    ])
                #expect(replacement.value(at: ["spec", "imagePullSecrets"]) == [["name": "acr-pull"]])
                try await world.stop(runtime, task)
            }
        }

        @Test("repairPods: false (the default) watches no pods and evicts nothing")
        func offByDefault() async throws {
            try await FastWorld.run { world in
                try await world.cluster.optIn("team-a")
                try Self.stuckPod(world, "team-a", "stuck", image: "\(world.registry)/team-a/web:1")
                let runtime = try world.runtime()
                let task = world.start(runtime)
                _ = await world.advance(runtime, limit: .seconds(300)) { false }
                #expect(Self.evicted(world).isEmpty)
                #expect(world.sim.kubernetes.requestCount(verb: "list", resource: "pods") == 0)
                #expect(world.sim.kubernetes.requestCount(verb: "watch", resource: "pods") == 0)
                try await world.stop(runtime, task)
            }
        }

        @Test(
            "an eviction refused with 429 is retried later with a Warning Event; a budget does not hold a Pending pod")
        func refusedThenRetried() async throws {
            try await FastWorld.run { world in
                try await world.cluster.optIn("team-a")
                try Self.stuckPod(world, "team-a", "stuck", image: "\(world.registry)/team-a/web:1")
                // kube-apiserver evicts Pending pods whatever their budget says (canIgnorePDB): this one never
                // allows a disruption, and still does not hold the stuck pod.
                try world.sim.kubernetes.create(
                    .podDisruptionBudgets, namespace: "team-a",
                    [
                        "apiVersion": "policy/v1", "kind": "PodDisruptionBudget", "metadata": ["name": "web"],
                        "spec": ["maxUnavailable": 0, "selector": ["matchLabels": ["app": "web"]]],
                    ])
                // What does refuse: twice a 429 (a budget's answer for a pod that turned Running meanwhile, or API
                // priority and fairness).
                world.sim.kubernetes.addFault(
                    FaultRule(verbs: ["create"], resources: ["pods"], errorRate: 1, errorCodes: [429], remaining: 2))
                let runtime = try world.runtime(config: Self.config(world))
                let task = world.start(runtime)
                func refusal() async -> String? {
                    await world.cluster.events("team-a").first { $0.reason == "PodRestartRefused" }?.message
                }
                _ = await world.advance(runtime, limit: .seconds(60)) { await refusal() != nil }
                let message = await refusal()
                #expect(message?.hasPrefix("could not evict pod stuck, stuck pulling from \(world.registry)") == true)
                #expect(message?.hasSuffix("; will retry") == true)

                let done = await world.advance(runtime, limit: .seconds(600)) { Self.evicted(world).count == 1 }
                #expect(done)
                #expect(!Self.exists(world, "team-a", "stuck"))
                let metrics = runtime.metrics.render()
                #expect(metrics.contains("pullkeeper_pod_evictions_refused_total{reason=\"TooManyRequests\"} 2"))
                #expect(metrics.contains("pullkeeper_pods_restarted_total 1"))
                try await world.stop(runtime, task)
            }
        }

        @Test("200 stuck pods: never more than repairPodsPerMinute evictions in a simulated minute, all in the end")
        func rateLimit() async throws {
            try await FastWorld.run { world in
                try await world.cluster.optIn("team-a")
                let image = "\(world.registry)/team-a/web:1"
                for index in 0..<200 { try Self.stuckPod(world, "team-a", "web-\(index)", image: image) }
                let runtime = try world.runtime(config: Self.config(world, perMinute: 10))
                let task = world.start(runtime)
                func count() -> Int {
                    world.sim.kubernetes.requestCount(verb: "create", resource: "pods/eviction", code: 201)
                }
                _ = await world.advance(runtime, limit: .seconds(3600)) { count() >= 200 }
                #expect(count() == 200)
                // When each eviction happened on the controller's (manual) clock: its PodRestarted Event's eventTime.
                let format = ISO8601DateFormatter()
                format.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
                let start = world.clock.date
                let times = world.sim.kubernetes.objects(.eventsV1, namespace: "team-a").filter {
                    $0["reason"]?.stringValue == "PodRestarted"
                }.compactMap { $0["eventTime"]?.stringValue.flatMap(format.date(from:)) }.map {
                    // Whole milliseconds: the Event's microseconds, read back through a Double, are not exact.
                    Duration.milliseconds(Int64(($0.timeIntervalSince(start) * 1000).rounded()))
                }.sorted()
                #expect(times.count == 200)
                // A sliding window: any eleven evictions in a row span at least a minute.
                let tightest = (0..<max(0, times.count - 10)).map { times[$0 + 10] - times[$0] }.min()
                #expect(tightest.map { $0 >= .seconds(60) } == true, "\(String(describing: tightest))")
                // Minutes counted from the first eviction.
                let first = times.first ?? .zero
                let perMinute = Dictionary(grouping: times) { ($0 - first).components.seconds / 60 }.mapValues(\.count)
                #expect(perMinute.values.max() == 10, "the limit, not something else, paces it: \(perMinute)")
                #expect((times.last ?? .zero) - first >= .seconds(19 * 60))
                print(
                    "pod repair rate limit: \(times.count) evictions, per minute from the first: \(perMinute.sorted { $0.key < $1.key }.map(\.value)), last after \(((times.last ?? .zero) - first).components.seconds) s"
                )
                try await world.stop(runtime, task)
            }
        }
    }
}
