import Controller
import Foundation
import KubernetesModel
import PullKeeperConfig
import PullKeeperTesting
import Reconciler
import Testing

extension SimulatedTime {
    /// Issue 15 §4: `pullkeeper explain` says, for each situation, why a pod can or cannot pull. The namespace, the
    /// Secret, the ServiceAccount and the Events are what the real controller left in the simulated cluster; the
    /// pod is the object the API server would return for it.
    @Suite("explain: why a pod can or cannot pull, in sentences, with an exit code")
    struct ExplainTests {
        /// The ready-made config with `sp-secret` granted only the first registry, so the second is refused.
        static func config(_ world: FastWorld) throws -> OperatorConfig {
            var config = world.config
            config.identities = try config.identities.map { identity in
                var identity = identity
                if identity.name == "sp-secret" { identity.registries = [world.registry] }
                return identity
            }
            return config
        }

        static func pod(_ name: String, _ namespace: String, images: [String], pullSecrets: [String]? = nil) -> Pod {
            Pod(
                metadata: ObjectMeta(name: name, namespace: namespace),
                spec: .init(
                    containers: images.enumerated().map { .init(name: "c\($0.offset)", image: $0.element) },
                    imagePullSecrets: pullSecrets.map { $0.map(LocalObjectReference.init(name:)) }))
        }

        /// Creates the pods in the simulated cluster; the API server's
        /// admission gives a pod that lists no pull Secret its ServiceAccount's, as kube-apiserver does.
        static func create(_ world: FastWorld, _ pods: [Pod]) async throws {
            for pod in pods {
                var body = pod
                body.status = nil
                _ = try await world.admin.create(body)
            }
        }

        /// Explains each pod as `pullkeeper explain pod` does: the pod and everything else read from the cluster.
        static func explain(
            _ world: FastWorld, config: OperatorConfig, now: Date? = nil, _ pods: [Pod]
        ) async throws -> [Explanation] {
            var results: [Explanation] = []
            for pod in pods {
                let namespace = try #require(pod.metadata.namespace)
                let stored = try await world.admin.get(Pod.self, name: pod.metadata.name ?? "", namespace: namespace)
                var input = try await Explain.read(world.admin, namespace: namespace, config: config)
                input.now = now ?? world.clock.date
                input.serviceAccount = await world.cluster.serviceAccount(
                    namespace, stored.spec?.serviceAccountName ?? "default")
                results.append(Explain.pod(stored, input: input))
            }
            return results
        }

        static func sentences(_ explanation: Explanation) -> [String] {
            explanation.namespace + explanation.images.flatMap(\.sentences)
        }

        @Test(
            "ten situations: covered, not opted in, refused identity, refused registry, registry not asked for, conflict, missing entry, pod admitted early, attach pods, scope, public image"
        )
        func situations() async throws {
            try await FastWorld.run { world in
                let registry = world.registry
                let denied = world.deniedRegistry
                let config = try Self.config(world)
                try await world.cluster.optIn("served")
                try await world.cluster.namespace("plain")
                try await world.cluster.optIn("intruder", extra: [SecretLayout.identityAnnotation: "admin"])
                try await world.cluster.optIn("two", registries: "\(registry), \(denied)")
                try await world.cluster.optIn("taken")
                var foreign = Secret(metadata: ObjectMeta(name: "acr-pull", namespace: "taken"))
                foreign.data = ["token": Data("theirs".utf8)]
                _ = try await world.admin.create(foreign)
                try await world.cluster.optIn("pods-only", extra: [SecretLayout.attachAnnotation: "pods"])
                try await world.cluster.optIn("growing")
                let image = "\(registry)/team/app:1.0"
                // Admitted before pullkeeper attached the Secret to their ServiceAccount.
                let early = [
                    Self.pod("early", "served", images: [image]), Self.pod("early", "pods-only", images: [image]),
                ]
                // The served one's kubelet cannot pull: its status says so.
                try SimulatedTime.PodRepairTests.stuckPod(world, "served", "early", image: image)
                try await Self.create(world, [early[1]])
                let runtime = try world.runtime(config: config)
                let task = world.start(runtime)
                await world.settle(runtime)
                // Passes that found the token request still running come back on the simulated clock.
                _ = await world.advance(runtime, limit: .seconds(30)) {
                    for namespace in ["served", "two", "pods-only", "growing"]
                    where await world.cluster.secret(namespace) == nil { return false }
                    return await world.cluster.pullSecretNames("served").contains("acr-pull")
                }
                try await world.stop(runtime, task)
                // After the controller stopped: a registry added that it has not served yet.
                try await world.cluster.annotate(
                    "growing", SecretLayout.registriesAnnotation, "\(registry), another.azurecr.io")
                let config2 = {
                    var config = config
                    config.registrySuffixes = ["azurecr.io"]
                    config.identities = config.identities.map {
                        var identity = $0
                        identity.registries.append("another.azurecr.io")
                        return identity
                    }
                    return config
                }()

                let later = [
                    Self.pod("ok", "served", images: [image, "nginx:1.27"]),
                    Self.pod("web", "plain", images: [image]),
                    Self.pod("web", "intruder", images: [image]),
                    Self.pod("web", "two", images: ["\(denied)/team/app:1"]),
                    Self.pod("web", "served", images: ["\(denied)/team/app:1"]),
                    Self.pod("web", "taken", images: [image]),
                    Self.pod("web", "growing", images: ["another.azurecr.io/app:1"]),
                ]
                try await Self.create(world, later)
                let results = try await Self.explain(world, config: config, Array(later.prefix(6)) + early)
                let grown = try await Self.explain(world, config: config2, [later[6]])
                let expected: [(exit: Int32, sentence: String)] = [
                    (0, "covered: the pod lists Secret acr-pull, which holds a valid credential for \(registry)"),
                    (1, "namespace plain is not opted in: it has no pullkeeper.io/registries annotation"),
                    (
                        1,
                        "pullkeeper refuses namespace intruder: identity admin is not granted to namespace intruder; a "
                            + "cluster admin grants it in the pullkeeper config (identities[].namespaces)"
                    ),
                    (
                        1,
                        "pullkeeper refuses registry \(denied) here: identity sp-secret is not granted registry "
                            + "\(denied); a cluster admin grants it in the pullkeeper config (identities[].registries)"
                    ),
                    (
                        1,
                        "registry \(denied) is not in the namespace's pullkeeper.io/registries (\(registry)): add it "
                            + "there to get a credential for it"
                    ),
                    (
                        1,
                        "Secret taken/acr-pull exists but is not pullkeeper's (no app.kubernetes.io/managed-by: "
                            + "pullkeeper label): pullkeeper never overwrites it (SecretConflict); rename or remove "
                            + "it, or choose another name with pullkeeper.io/secret-name"
                    ),
                    (
                        1,
                        "the pod was created without Secret acr-pull in spec.imagePullSecrets: its ServiceAccount "
                            + "default has it now, so the pod was admitted before pullkeeper attached it; restart it "
                            + "(delete the pod; its controller creates a new one that gets the Secret), or enable "
                            + "repairPods in the pullkeeper config to have controller-owned pods restarted"
                    ),
                    (
                        1,
                        "the pod was created without Secret acr-pull in spec.imagePullSecrets (attach: pods, so only "
                            + "the admission policy pullkeeper-inject-pull-secret adds it, at creation: the pod was "
                            + "created before the namespace was served, or the policy is not installed); restart it "
                            + "(delete the pod; its controller creates a new one that gets the Secret), or enable "
                            + "repairPods in the pullkeeper config to have controller-owned pods restarted"
                    ),
                    (1, "Secret growing/acr-pull has no entry for another.azurecr.io yet"),
                ]
                let all = results + grown
                #expect(all.count == expected.count)
                for (result, expectation) in zip(all, expected) {
                    #expect(result.exitCode == expectation.exit, "\(result.subject): \(Self.sentences(result))")
                    #expect(
                        Self.sentences(result).contains(expectation.sentence),
                        "\(result.subject): \(Self.sentences(result))")
                }
                // The public image has no verdict and does not fail the covered pod.
                #expect(results[0].images[1].covered == nil)
                #expect(results[0].images[1].registry == "docker.io")
                // The kubelet's words come along.
                #expect(
                    results[6].images[0].sentences.contains(
                        "the kubelet reports ImagePullBackOff: Back-off pulling image \"\(image)\""))
                // The text form names the verdict.
                #expect(Explain.text(results[0]).hasSuffix("verdict: covered by pullkeeper\n"))
                #expect(Explain.text(results[1]).hasSuffix("verdict: NOT covered (exit 1)\n"))
            }
        }

        @Test(
            "expired Secret, missing Secret after a failing token, scope that leaves a repository out; namespace verdicts"
        )
        func secretsAndNamespaces() async throws {
            try await FastWorld.run { world in
                let registry = world.registry
                let config = try Self.config(world)
                try await world.cluster.optIn("served")
                try await world.cluster.optIn(
                    "scoped", extra: [SecretLayout.scopeAnnotation: "repository:team/app:pull"])
                let runtime = try world.runtime(config: config)
                let task = world.start(runtime)
                await world.settle(runtime)
                try await world.stop(runtime, task)
                let secret = try #require(await world.cluster.secret("served"))
                let expiresAt = try #require(
                    SecretLayout.parseTimestamp(secret.metadata.annotations?[SecretLayout.expiresAtAnnotation]))

                let servedPod = Self.pod("web", "served", images: ["\(registry)/team/app:1"])
                try await Self.create(world, [servedPod])
                let later = try await Self.explain(
                    world, config: config, now: expiresAt.addingTimeInterval(3_600),
                    [servedPod])[0]
                #expect(later.exitCode == 1)
                #expect(
                    Self.sentences(later).contains {
                        $0.hasPrefix(
                            "Secret served/acr-pull expired at \(SecretLayout.timestamp(expiresAt)) (1h00m ago)")
                    }, "\(Self.sentences(later))")

                let scopedPod = Self.pod("web", "scoped", images: ["\(registry)/team/other:1"])
                try await Self.create(world, [scopedPod])
                let scoped = try await Self.explain(
                    world, config: config, [scopedPod])[0]
                #expect(scoped.exitCode == 1)
                #expect(
                    Self.sentences(scoped).contains(
                        "the Secret holds tokens scoped to repository:team/app:pull (pullkeeper.io/scope), which does "
                            + "not include repository team/other"), "\(Self.sentences(scoped))")

                // The registry stops answering: a new namespace gets no Secret, and explain quotes the warning.
                world.simulator.removeRole(principal: world.sim.readyMade.spSecretClientID, registry: registry)
                try await world.cluster.optIn("late")
                let again = try world.runtime(config: config)
                let task2 = world.start(again)
                await world.settle(again)
                _ = await world.advance(again, limit: .seconds(120)) {
                    await world.cluster.eventReasons("late").contains("TokenFailed")
                }
                try await world.stop(again, task2)
                let latePod = Self.pod("web", "late", images: ["\(registry)/team/app:1"])
                try await Self.create(world, [latePod])
                let late = try await Self.explain(
                    world, config: config, [latePod])[0]
                #expect(late.exitCode == 1)
                #expect(
                    Self.sentences(late).contains {
                        $0.hasPrefix(
                            "Secret late/acr-pull does not exist yet; pullkeeper's last warning: TokenFailed: ")
                    }, "\(Self.sentences(late))")

                // explain namespace: served → 0, not opted in → 1.
                let servedInput = try await Explain.read(world.admin, namespace: "served", config: config)
                var input = servedInput
                input.now = world.clock.date
                #expect(Explain.namespace(input).exitCode == 0, "\(Explain.namespace(input).namespace)")
                try await world.cluster.namespace("plain")
                let plain = Explain.namespace(try await Explain.read(world.admin, namespace: "plain", config: config))
                #expect(plain.exitCode == 1)
                let missing = Explain.namespace(
                    try await Explain.read(world.admin, namespace: "nowhere", config: config))
                #expect(missing.namespace == ["namespace nowhere does not exist"])
                #expect(missing.exitCode == 1)
            }
        }

        @Test("image references: registry host and repository as container runtimes read them")
        func imageReferences() {
            let cases: [(String, String, String)] = [
                ("nginx", "docker.io", "library/nginx"),
                ("nginx:1.27", "docker.io", "library/nginx"),
                ("bitnami/redis:7", "docker.io", "bitnami/redis"),
                ("contoso.azurecr.io/team/app:1.0", "contoso.azurecr.io", "team/app"),
                ("Contoso.azurecr.io/app@sha256:abc", "contoso.azurecr.io", "app"),
                ("127.0.0.1:5000/team/app:v2@sha256:abc", "127.0.0.1:5000", "team/app"),
                ("localhost/app", "localhost", "app"),
            ]
            for (image, registry, repository) in cases {
                let reference = ImageReference(image)
                #expect(reference.registry == registry, "\(image)")
                #expect(reference.repository == repository, "\(image)")
            }
        }
    }
}
