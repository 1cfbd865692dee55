import Controller
import Foundation
import KubernetesModel
import PullKeeperConfig
import PullKeeperCore
import PullKeeperTesting
import Reconciler
import Testing

extension SimulatedTime {
    /// Issue 15 §1: `attach` (config and `pullkeeper.io/attach`) decides whether service accounts get the Secret;
    /// switching to `pods` takes back only pullkeeper's own entries, against the simulators.
    @Suite("Attach modes: service accounts hold exactly what the mode asks, foreign entries untouched")
    struct AttachModeTests {
        /// Adds foreign entries to a service account, the way a GitOps tool or a user would.
        static func foreignEntries(
            _ world: FastWorld, _ namespace: String, _ account: String, _ names: [String]
        )
            async throws
        {
            if await world.cluster.serviceAccount(namespace, account) == nil {
                _ = try await world.admin.create(
                    ServiceAccount(metadata: ObjectMeta(name: account, namespace: namespace)))
            }
            let entries: [JSONValue] = names.map { ["name": .string($0)] }
            _ = try await world.admin.patch(
                ServiceAccount.self, name: account, namespace: namespace,
                patch: .merge(["imagePullSecrets": .array(entries)]))
        }

        /// Patches of service accounts in `namespace` the API server accepted.
        static func accountWrites(_ world: FastWorld, in namespace: String) -> Int {
            world.sim.kubernetes.auditLog().filter {
                $0.namespace == namespace && $0.resource == "serviceaccounts" && $0.verb == "patch"
                    && (200..<300).contains($0.code) && $0.user != "admin"
            }.count
        }

        @Test("serviceAccounts → pods → both: the Secret's entry comes, goes and comes back; foreign ones stay")
        func switchingModes() async throws {
            try await FastWorld.run { world in
                var config = world.config
                config.attach = .serviceAccounts
                config.serviceAccounts = ["default", "builder"]
                try await world.cluster.optIn("team-a")
                try await Self.foreignEntries(world, "team-a", "default", ["gitops-creds"])
                try await Self.foreignEntries(world, "team-a", "builder", ["other-a", "other-b"])
                try await Self.foreignEntries(world, "team-a", "unlisted", ["acr-pull-old"])
                let runtime = try world.runtime(config: config)
                let task = world.start(runtime)

                func entries() async -> [String: [String]] {
                    var all: [String: [String]] = [:]
                    for account in ["default", "builder", "unlisted"] {
                        all[account] = await world.cluster.pullSecretNames("team-a", account)
                    }
                    return all
                }
                /// Lets the controller work (simulated time moves only if it waits on a timer) until the entries
                /// are `expected` or a simulated minute has passed; the caller compares the result.
                func converge(_ expected: [String: [String]]) async {
                    _ = await world.advance(runtime, limit: .seconds(60)) { await entries() == expected }
                }
                let attached = [
                    "default": ["gitops-creds", "acr-pull"], "builder": ["other-a", "other-b", "acr-pull"],
                    "unlisted": ["acr-pull-old"],
                ]
                await converge(attached)
                #expect(await entries() == attached, "serviceAccounts (config)")
                #expect(await world.cluster.secret("team-a") != nil)

                try await world.cluster.annotate("team-a", SecretLayout.attachAnnotation, "pods")
                let detached = [
                    "default": ["gitops-creds"], "builder": ["other-a", "other-b"], "unlisted": ["acr-pull-old"],
                ]
                await converge(detached)
                #expect(await entries() == detached, "pods: only pullkeeper's entries removed")
                #expect(await world.cluster.secret("team-a") != nil, "the Secret stays: admission injects it")
                let patchesAfterPods = Self.accountWrites(world, in: "team-a")

                // A GitOps tool puts its manifest back: with `pods`, pullkeeper does not fight it.
                try await Self.foreignEntries(world, "team-a", "default", ["gitops-creds", "more"])
                _ = await world.advance(runtime, limit: .seconds(60)) { false }
                #expect(Self.accountWrites(world, in: "team-a") == patchesAfterPods, "pods: no service-account write")

                try await world.cluster.annotate("team-a", SecretLayout.attachAnnotation, "both")
                let both = [
                    "default": ["gitops-creds", "more", "acr-pull"], "builder": ["other-a", "other-b", "acr-pull"],
                    "unlisted": ["acr-pull-old"],
                ]
                await converge(both)
                #expect(await entries() == both, "both")
                try await world.stop(runtime, task)
            }
        }

        @Test("attach: pods in the config: a new namespace gets its Secret and no service account is written")
        func podsFromConfig() async throws {
            try await FastWorld.run { world in
                var config = world.config
                config.attach = .pods
                try await world.cluster.optIn("team-a")
                let runtime = try world.runtime(config: config)
                let task = world.start(runtime)
                _ = await world.advance(runtime, limit: .seconds(60)) { await world.cluster.secret("team-a") != nil }
                #expect(await world.cluster.secret("team-a") != nil)
                #expect(await world.cluster.pullSecretNames("team-a").isEmpty)
                #expect(Self.accountWrites(world, in: "team-a") == 0)
                try await world.stop(runtime, task)
            }
        }

        @Test("an invalid pullkeeper.io/attach: a Warning Event naming the annotation, nothing written")
        func invalidAnnotation() async throws {
            try await FastWorld.run { world in
                try await world.cluster.optIn("team-a", extra: [SecretLayout.attachAnnotation: "containers"])
                let runtime = try world.runtime()
                let task = world.start(runtime)
                func warning() async -> (reason: String, message: String)? {
                    await world.cluster.events("default").first {
                        $0.reason == "InvalidAnnotation" && $0.message.contains(SecretLayout.attachAnnotation)
                    }
                }
                _ = await world.advance(runtime, limit: .seconds(60)) { await warning() != nil }
                let warning = await warning()
                #expect(
                    warning?.message
                        == "pullkeeper.io/attach must be serviceAccounts, pods or both, found \"containers\"")
                #expect(await world.cluster.secret("team-a") == nil)
                #expect(Self.accountWrites(world, in: "team-a") == 0)
                try await world.stop(runtime, task)
            }
        }
    }
}
