import Controller
import Foundation
import KubernetesModel
import PullKeeperTesting
import Reconciler
import Testing

extension SimulatedTime {
    /// Issue 21: the controller's cache of managed Secrets holds no token, yet a pass that must keep a still-valid
    /// entry writes the real one (it reads the Secret for that), never the placeholder.
    @Suite("The Secret cache holds no token")
    struct SecretCacheTests {
        @Test("no password of any managed Secret is in the cache; a kept entry is the real one, read once")
        func noTokensInCache() async throws {
            try await FastWorld.run(lifetime: .seconds(3600)) { world in
                let (registry, second) = (world.registry, world.deniedRegistry)
                let principal = world.sim.readyMade.spSecretClientID
                try world.simulator.assignRole(.acrPull, principal: principal, registry: second)
                for index in 0..<5 {
                    try await world.cluster.optIn("team-\(index)", registries: "\(registry), \(second)")
                }
                let runtime = try world.runtime()
                let task = world.start(runtime)
                await world.settle(runtime)
                // Passes that found a token request running come back after a short backoff.
                let synced = await world.advance(runtime, limit: .seconds(60)) {
                    runtime.controller.namespaceStates.filter { $0.key.hasPrefix("team-") }.values
                        .allSatisfy { $0 == .upToDate }
                }
                #expect(synced)

                // Every token of the cluster's managed Secrets, and what the cache holds instead.
                var passwords: [String: [String: String]] = [:]
                for index in 0..<5 {
                    let secret = try #require(await world.cluster.secret("team-\(index)"))
                    let config = try #require(world.cluster.dockerConfig(secret))
                    passwords["team-\(index)"] = config.auths.mapValues(\.password)
                    #expect(config.auths.count == 2)
                }
                let tokens = Set(passwords.values.flatMap(\.values))
                #expect(tokens.count >= 2 && !tokens.contains("redacted"))
                let cached = runtime.controller.cachedSecrets
                #expect(cached.count == 5)
                // Nor server-side apply's bookkeeping, which the simulator keeps as kube-apiserver does.
                let stored = try #require(world.sim.kubernetes.object(.secrets, namespace: "team-0", name: "acr-pull"))
                #expect(stored.value(at: ["metadata", "managedFields"])?.arrayValue?.isEmpty == false)
                let metadata = runtime.controller.cachedMetadata
                #expect(metadata.count > 15)
                #expect(metadata.allSatisfy { $0.extra["managedFields"] == nil })
                for secret in cached {
                    for (key, value) in secret.data ?? [:] {
                        let text = String(decoding: value, as: UTF8.self)
                        #expect(!tokens.contains { text.contains($0) }, "\(key) of \(secret.key) holds a token")
                        let base64 = tokens.map { Data($0.utf8).base64EncodedString() }
                        #expect(!base64.contains { text.contains($0.prefix(40)) }, "nor its base64")
                    }
                    let config = try DockerConfig.decode(secret.data?[".dockerconfigjson"] ?? Data()).get()
                    #expect(Set(config.auths.keys) == [registry, second], "the registries are still known")
                }

                // The second registry stops granting: at the refresh point the first is refreshed and the second's
                // still-valid entry is kept, with its real token.
                world.simulator.removeRole(principal: principal, registry: second)
                let gets = world.sim.kubernetes.requestCount(verb: "get", resource: "secrets")
                // Refresh points are jittered: wait until every namespace's first registry got a new token.
                func allRefreshed() async -> Bool {
                    for index in 0..<5 {
                        guard let secret = await world.cluster.secret("team-\(index)"),
                            let config = world.cluster.dockerConfig(secret),
                            config.auths[registry]?.password != passwords["team-\(index)"]?[registry]
                        else { return false }
                    }
                    return true
                }
                let refreshed = await world.advance(runtime, limit: .seconds(3600)) { await allRefreshed() }
                #expect(refreshed)
                await world.settle(runtime)
                for index in 0..<5 {
                    let secret = try #require(await world.cluster.secret("team-\(index)"))
                    let config = try #require(world.cluster.dockerConfig(secret))
                    let kept = config.auths[second]?.password == passwords["team-\(index)"]?[second]
                    let renewed = config.auths[registry]?.password != passwords["team-\(index)"]?[registry]
                    #expect(kept, "team-\(index): the second registry's valid entry is kept with its real token")
                    #expect(renewed, "team-\(index): the first registry's token is new")
                }
                #expect(
                    world.sim.kubernetes.requestCount(verb: "get", resource: "secrets") - gets >= 5,
                    "each pass that kept an entry read its Secret")
                try await world.stop(runtime, task)
            }
        }
    }
}
