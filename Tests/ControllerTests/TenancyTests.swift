import Controller
import Foundation
import KubernetesModel
import PullKeeperConfig
import PullKeeperCore
import PullKeeperTesting
import Reconciler
import Testing

extension SimulatedTime {
    /// Issue 14: the tenant who tries, against the simulators. Each refusal has its exact Warning Event, makes no
    /// token request for the refused identity × registry and writes nothing; what is granted still works.
    @Suite("Tenancy: no namespace gets what the config does not grant it")
    struct TenancyTests {
        /// The ready-made credentials under new names, with grants a tenant might try to get around.
        static func config(_ world: FastWorld, withdrawTeamA: Bool = false) throws -> OperatorConfig {
            var config = world.config
            func credential(_ name: String) throws -> CredentialConfig {
                try #require(world.config.identity(named: name)).credential
            }
            let registry = world.registry
            config.identities = [
                IdentityConfig(
                    name: "team-pull", credential: try credential("sp-secret"),
                    namespaces: withdrawTeamA ? ["team-b"] : ["team-a", "team-b"], registries: [registry]),
                IdentityConfig(
                    name: "glob-pull", credential: try credential("sp-cert"), namespaces: ["team-*"],
                    registries: [registry]),
                IdentityConfig(
                    name: "ci-pull", credential: try credential("workload"), namespaces: ["ci"],
                    registries: [registry]),
                IdentityConfig(
                    name: "pusher", credential: try credential("managed"), namespaces: ["build"],
                    registries: [registry], actions: ["pull", "push"]),
            ]
            config.defaultIdentity = "team-pull"
            config.namespaceSelector = NamespaceSelector(
                selector: LabelSelector(matchLabels: ["pullkeeper.io/enabled": "true"]), registries: [registry],
                identity: "glob-pull")
            return config
        }

        /// Everything written in `namespace` (Secrets, service accounts), from the API server's audit log.
        static func writes(_ world: FastWorld, in namespace: String) -> [String] {
            world.sim.kubernetes.auditLog().filter {
                $0.namespace == namespace && ["secrets", "serviceaccounts"].contains($0.resource)
                    && ["create", "update", "patch", "delete"].contains($0.verb) && (200..<300).contains($0.code)
            }.map { "\($0.verb) \($0.resource)/\($0.name ?? "")" }
        }

        static func refusal(_ world: FastWorld, _ namespace: String, _ reason: String) async -> String? {
            // Namespace-level Events are recorded in `default`, about the Namespace object.
            await world.cluster.events("default").first { $0.reason == reason && $0.message.contains(namespace) }?
                .message
        }

        @Test("an identity granted to other namespaces, a glob that must not match, a tenant-set label: refused")
        func identitiesNotGranted() async throws {
            try await FastWorld.run { world in
                let identity = SecretLayout.identityAnnotation
                try await world.cluster.optIn("intruder", extra: [identity: "ci-pull"])
                try await world.cluster.optIn("team-ab", extra: [identity: "team-pull"])  // team-a must not match
                try await world.cluster.optIn("teamx-a", extra: [identity: "glob-pull"])  // team-* must not match
                try await world.cluster.namespace(
                    "outsider", annotations: [SecretLayout.registriesAnnotation: world.registry, identity: "ci-pull"],
                    labels: ["team": "ci"])  // the label that used to satisfy a selector grant
                try await world.cluster.optIn("team-abc", extra: [identity: "glob-pull"])  // granted by team-*
                let runtime = try world.runtime(config: try Self.config(world))
                let task = world.start(runtime)
                await world.settle(runtime)
                for (namespace, identity) in [
                    ("intruder", "ci-pull"), ("team-ab", "team-pull"), ("teamx-a", "glob-pull"),
                    ("outsider", "ci-pull"),
                ] {
                    #expect(
                        await Self.refusal(world, namespace, "IdentityRefused")
                            == "identity \(identity) is not granted to namespace \(namespace); a cluster admin grants "
                            + "it in the pullkeeper config (identities[].namespaces)")
                    #expect(Self.writes(world, in: namespace).isEmpty, "\(namespace)")
                    #expect(runtime.controller.namespaceStates[namespace] == .refused)
                }
                #expect(await world.cluster.password("team-abc") != nil, "a matching glob is served")
                // One Entra request and one exchange: the granted namespace's, none for the refused ones.
                #expect(world.simulator.requestCount(.exchange) == 1)
                #expect(
                    runtime.metrics.render().contains("pullkeeper_refused_requests_total{reason=\"IdentityRefused\"} 4")
                )
                try await world.stop(runtime, task)
            }
        }

        @Test("a registry outside the identity's list: refused alone, no request to it; the granted one is served")
        func registryNotGranted() async throws {
            try await FastWorld.run { world in
                try await world.cluster.optIn("team-a", registries: "\(world.registry), \(world.deniedRegistry)")
                let runtime = try world.runtime(config: try Self.config(world))
                let task = world.start(runtime)
                await world.settle(runtime)
                #expect(
                    await Self.refusal(world, world.deniedRegistry, "RegistryRefused")
                        == "identity team-pull is not granted registry \(world.deniedRegistry); a cluster admin grants "
                        + "it in the pullkeeper config (identities[].registries)")
                let secret = try #require(await world.cluster.secret("team-a"))
                #expect(world.cluster.dockerConfig(secret).map { Array($0.auths.keys) } == [world.registry])
                #expect(world.azure.requests(to: world.deniedRegistry) == 0, "no token request for the refused pair")
                try await world.stop(runtime, task)
            }
        }

        @Test(
            "scopes asking for push, delete or * are refused unless the identity grants them",
            arguments: [
                ("repository:team/app:push", "push"), ("repository:team/app:pull,delete", "delete"),
                ("repository:team/app:*", "*"),
            ])
        func scopesBeyondActions(scope: String, excess: String) async throws {
            try await FastWorld.run { world in
                try await world.cluster.optIn("team-a", extra: [SecretLayout.scopeAnnotation: scope])
                try await world.cluster.optIn(
                    "build",
                    extra: [
                        SecretLayout.scopeAnnotation: "repository:team/app:pull,push",
                        SecretLayout.identityAnnotation: "pusher",
                    ])
                let runtime = try world.runtime(config: try Self.config(world))
                let task = world.start(runtime)
                await world.settle(runtime)
                let event = await world.cluster.events("default").first { $0.reason == "ScopeRefused" }
                #expect(
                    event?.message
                        == "pullkeeper.io/scope \"\(scope)\" asks for \(excess), which identity team-pull does not "
                        + "grant (it grants pull); nothing is written")
                #expect(Self.writes(world, in: "team-a").isEmpty)
                #expect(world.azure.requests(to: world.registry) > 0, "the pusher's scope is granted: requested")
                #expect(runtime.controller.namespaceStates["team-a"] == .refused)
                try await world.stop(runtime, task)
            }
        }

        @Test("the opt-in label selector obeys the same grants")
        func selectorRouteObeysGrants() async throws {
            try await FastWorld.run { world in
                try await world.cluster.namespace("team-sel", labels: ["pullkeeper.io/enabled": "true"])
                try await world.cluster.namespace("other-sel", labels: ["pullkeeper.io/enabled": "true"])
                let runtime = try world.runtime(config: try Self.config(world))
                let task = world.start(runtime)
                await world.settle(runtime)
                #expect(await world.cluster.password("team-sel") != nil)
                #expect(
                    await Self.refusal(world, "other-sel", "IdentityRefused")
                        == "identity glob-pull is not granted to namespace other-sel; a cluster admin grants it in the "
                        + "pullkeeper config (identities[].namespaces)")
                #expect(Self.writes(world, in: "other-sel").isEmpty)
                try await world.stop(runtime, task)
            }
        }

        @Test("a grant withdrawn while a Secret exists: Secret deleted, our entry removed, nothing else touched")
        func withdrawnGrantCleansUp() async throws {
            try await FastWorld.run { world in
                try await world.cluster.optIn("team-a")
                _ = try await world.admin.patch(
                    ServiceAccount.self, name: "default", namespace: "team-a",
                    patch: .json([.add("/imagePullSecrets", .array([["name": "theirs"]]))]))
                var foreign = Secret(metadata: ObjectMeta(name: "theirs", namespace: "team-a"))
                foreign.data = ["token": Data("untouched".utf8)]
                let theirs = try await world.admin.create(foreign)
                let granted = try world.runtime(config: try Self.config(world))
                var task = world.start(granted)
                await world.settle(granted)
                #expect(await world.cluster.pullSecretNames("team-a") == ["theirs", "acr-pull"])
                try await world.stop(granted, task)

                // The cluster admin takes team-a out of team-pull's namespaces; the controller restarts with it.
                let withdrawn = try world.runtime(config: try Self.config(world, withdrawTeamA: true))
                task = world.start(withdrawn)
                await world.settle(withdrawn)
                #expect(await world.cluster.secret("team-a") == nil)
                #expect(await world.cluster.pullSecretNames("team-a") == ["theirs"])
                #expect(
                    (await world.cluster.secret("team-a", "theirs"))?.metadata.resourceVersion
                        == theirs.metadata.resourceVersion)
                #expect(await Self.refusal(world, "team-a", "IdentityRefused") != nil)
                #expect(withdrawn.controller.namespaceStates["team-a"] == .refused)
                try await world.stop(withdrawn, task)
            }
        }
    }
}
