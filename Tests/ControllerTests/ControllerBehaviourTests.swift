import AzureSimulator
import Controller
import Foundation
import KubernetesModel
import PullKeeperCore
import PullKeeperTesting
import Reconciler
import Testing

extension SimulatedTime {
    /// The controller's behaviour on simulated time (`FastWorld`): the real runtime, the simulators in-process, a
    /// manual clock. What took a minute of real waiting against HTTPS takes milliseconds here.
    @Suite("Controller behaviour on simulated time")
    struct ControllerBehaviourTests {
        @Test("annotate → Secret and service-account entries appear; the dockerconfigjson is what clients read")
        func annotatedNamespaceGetsSecret() async throws {
            try await FastWorld.run { world in
                let cluster = world.cluster
                try await cluster.namespace(
                    "team-a",
                    annotations: [
                        SecretLayout.registriesAnnotation: world.registry,
                        SecretLayout.serviceAccountsAnnotation: "default,builder",
                    ])
                var builder = ServiceAccount(metadata: ObjectMeta(name: "builder", namespace: "team-a"))
                builder.imagePullSecrets = [LocalObjectReference(name: "other")]
                _ = try await world.admin.create(builder)
                let runtime = try world.runtime()
                let task = world.start(runtime)
                await world.settle(runtime)
                // On a loaded machine a pass can run before its own write's watch event (another event brought it):
                // its create meets AlreadyExists and backs off on the simulated clock.
                _ = await world.advance(runtime, limit: .seconds(30)) {
                    let builder = await cluster.pullSecretNames("team-a", "builder")
                    let account = await cluster.pullSecretNames("team-a")
                    return builder.contains("acr-pull") && account.contains("acr-pull")
                }

                #expect(await cluster.pullSecretNames("team-a", "builder") == ["other", "acr-pull"])
                #expect(await cluster.pullSecretNames("team-a") == ["acr-pull"])
                let secret = try #require(await cluster.secret("team-a"))
                #expect(secret.type == SecretLayout.dockerConfigJSONType)
                #expect(secret.metadata.labels?[SecretLayout.managedByLabel] == SecretLayout.managedByValue)
                let annotations = secret.metadata.annotations ?? [:]
                #expect(SecretLayout.parseTimestamp(annotations[SecretLayout.expiresAtAnnotation]) != nil)
                #expect(SecretLayout.parseTimestamp(annotations[SecretLayout.refreshedAtAnnotation]) != nil)
                #expect(annotations[SecretLayout.inputsHashAnnotation]?.isEmpty == false)

                // The raw JSON, as kubelet and skopeo read it: auth = base64(username:password), and they agree.
                let raw = try #require(secret.data?[SecretLayout.dockerConfigJSONKey])
                let object = try #require(try JSONSerialization.jsonObject(with: raw) as? [String: Any])
                let auths = try #require(object["auths"] as? [String: Any])
                #expect(Array(auths.keys) == [world.registry])
                let entry = try #require(auths[world.registry] as? [String: String])
                #expect(entry["username"] == SecretLayout.tokenUsername)
                let password = try #require(entry["password"])
                #expect(password.split(separator: ".").count == 3)
                #expect(entry["auth"] == Data("\(SecretLayout.tokenUsername):\(password)".utf8).base64EncodedString())
                #expect(
                    await cluster.eventReasons("team-a").isSuperset(of: ["SecretCreated", "ServiceAccountPatched"]))
                try await world.stop(runtime, task)
            }
        }
    }
}

extension SimulatedTime.ControllerBehaviourTests {
    @Test("Secrets are rewritten before their tokens expire, cycle after cycle, with one exchange per cycle")
    func refreshesBeforeExpiry() async throws {
        try await FastWorld.run(lifetime: .seconds(3600)) { world in
            try await world.cluster.optIn("cycles")
            let runtime = try world.runtime()
            let task = world.start(runtime)
            await world.settle(runtime)

            // Each version of the Secret: when it was written and when its token expires.
            var versions: [(refreshed: Date, expires: Date, password: String)] = []
            func newVersion() async -> Bool {
                guard let secret = await world.cluster.secret("cycles"),
                    let password = world.cluster.dockerConfig(secret)?.auths[world.registry]?.password,
                    let refreshed = SecretLayout.parseTimestamp(
                        secret.metadata.annotations?[SecretLayout.refreshedAtAnnotation]),
                    let expires = SecretLayout.parseTimestamp(
                        secret.metadata.annotations?[SecretLayout.expiresAtAnnotation]),
                    versions.last?.password != password
                else { return false }
                versions.append((refreshed, expires, password))
                return true
            }
            #expect(await newVersion())
            for _ in 0..<3 {
                #expect(await world.advance(runtime, limit: .seconds(3600), until: newVersion))
            }
            try await world.stop(runtime, task)
            #expect(versions.count == 4)
            for (old, new) in zip(versions, versions.dropFirst()) {
                #expect(
                    new.refreshed < old.expires,
                    "rewritten at \(new.refreshed), the old token expired at \(old.expires)")
                #expect(new.refreshed.timeIntervalSince(old.refreshed) >= 3600 * 0.4, "not before the boundary")
            }
            #expect(world.simulator.requestCount(.exchange) == versions.count, "one exchange per version written")
        }
    }

    @Test("200 namespaces sharing one identity × registry cause exactly one exchange per refresh cycle")
    func oneExchangePerCycle() async throws {
        try await FastWorld.run(lifetime: .seconds(3600)) { world in
            let names = (0..<200).map { "shared-\($0)" }
            for name in names { try await world.cluster.optIn(name) }
            let runtime = try world.runtime()
            let task = world.start(runtime)
            await world.settle(runtime)

            // Read straight from the simulator's store: cheap enough to ask after every move of the clock.
            func passwords() -> [String?] {
                var byNamespace: [String: String] = [:]
                for secret in world.sim.kubernetes.objects(.secrets) {
                    guard let namespace = secret.value(at: ["metadata", "namespace"])?.stringValue,
                        let encoded = secret.value(at: ["data", SecretLayout.dockerConfigJSONKey])?.stringValue,
                        let data = Data(base64Encoded: encoded),
                        let password = try? DockerConfig.decode(data).get().auths[world.registry]?.password
                    else { continue }
                    byNamespace[namespace] = password
                }
                return names.map { byNamespace[$0] }
            }
            // Passes that found the shared request still running come back after their backoff.
            let synced = await world.advance(runtime, limit: .seconds(60), step: .seconds(1)) {
                passwords().allSatisfy { $0 != nil }
            }
            #expect(synced)
            let first = passwords()
            #expect(Set(first).count == 1)
            #expect(world.simulator.requestCount(.exchange) == 1)
            #expect(world.simulator.requestCount(.entra) == 1)

            // The next cycle: every Secret moves to one new token.
            let moved = await world.advance(runtime, limit: .seconds(3600), step: .seconds(5)) {
                let now = passwords()
                return now.allSatisfy { $0 != nil && !first.contains($0) } && Set(now).count == 1
            }
            #expect(moved)
            try await world.stop(runtime, task)
            #expect(world.simulator.requestCount(.exchange) == 2)
        }
    }

    @Test("opting out deletes our Secret and removes only our entry")
    func optOutCleansUp() async throws {
        try await FastWorld.run { world in
            let cluster = world.cluster
            try await cluster.optIn("leaving")
            _ = try await world.admin.patch(
                ServiceAccount.self, name: "default", namespace: "leaving",
                patch: .json([.add("/imagePullSecrets", .array([["name": "foreign"]]))]))
            let runtime = try world.runtime()
            let task = world.start(runtime)
            await world.settle(runtime)
            #expect(await cluster.pullSecretNames("leaving") == ["foreign", "acr-pull"])

            try await cluster.annotate("leaving", SecretLayout.registriesAnnotation, nil)
            await world.settle(runtime)
            #expect(await cluster.secret("leaving") == nil)
            #expect(await cluster.pullSecretNames("leaving") == ["foreign"])
            try await world.stop(runtime, task)
        }
    }

    @Test("a restarted controller rewrites nothing that is still valid and asks for no token")
    func restartWritesNothing() async throws {
        try await FastWorld.run { world in
            for index in 0..<10 { try await world.cluster.optIn("restart-\(index)") }
            let first = try world.runtime(once: true)
            try await world.runOnce(first)
            #expect(first.controller.namespaceStates.filter { $0.value == .upToDate }.count == 10)
            world.sim.kubernetes.resetRequestLog()
            world.simulator.resetCounters()

            let second = try world.runtime(once: true)
            try await world.runOnce(second)
            #expect(second.controller.namespaceStates.filter { $0.value == .upToDate }.count == 10)
            #expect(world.writes() == 0)
            #expect(world.simulator.requestCount(.entra) == 0)
            #expect(world.simulator.requestCount(.exchange) == 0)
        }
    }

    @Test("a Secret of our name without our label is never touched")
    func foreignSecretIsLeftAlone() async throws {
        try await FastWorld.run { world in
            try await world.cluster.optIn("foreign")
            var foreign = Secret(metadata: ObjectMeta(name: "acr-pull", namespace: "foreign"))
            foreign.data = ["token": Data("theirs".utf8)]
            let created = try await world.admin.create(foreign)
            let runtime = try world.runtime(once: true)
            try await world.runOnce(runtime)
            #expect(runtime.controller.namespaceStates["foreign"] == .conflict)
            let after = try #require(await world.cluster.secret("foreign"))
            #expect(after.metadata.resourceVersion == created.metadata.resourceVersion)
            #expect(await world.cluster.eventReasons("foreign").contains("SecretConflict"))
            #expect(await world.cluster.pullSecretNames("foreign").isEmpty)
        }
    }

    @Test("a look-alike registry is refused while the namespace's other registry still works")
    func lookAlikeRefused() async throws {
        try await FastWorld.run { world in
            try await world.cluster.optIn("mixed", registries: "\(world.registry), contoso.azurecr.io.evil.com")
            let runtime = try world.runtime(once: true)
            try await world.runOnce(runtime)
            let secret = try #require(await world.cluster.secret("mixed"))
            #expect(world.cluster.dockerConfig(secret).map { Array($0.auths.keys) } == [world.registry])
            let refusals = await world.cluster.events("default").filter { $0.reason == "RegistryRefused" }
            #expect(refusals.contains { $0.message.contains("contoso.azurecr.io.evil.com") })
        }
    }

    @Test("when no new token can be had, the still-valid Secret stays and a TokenFailed event says why")
    func failureKeepsValidSecret() async throws {
        try await FastWorld.run(lifetime: .seconds(3600)) { world in
            try await world.cluster.optIn("keep")
            let runtime = try world.runtime()
            let task = world.start(runtime)
            await world.settle(runtime)
            let written = try #require(await world.cluster.secret("keep"))
            // The service principal loses its role: the next exchange is refused.
            world.simulator.removeRole(principal: world.sim.readyMade.spSecretClientID, registry: world.registry)
            let warned = await world.advance(runtime, limit: .seconds(3600)) {
                await world.cluster.eventReasons("keep").contains("TokenFailed")
            }
            #expect(warned)
            let kept = try #require(await world.cluster.secret("keep"))
            #expect(kept.metadata.resourceVersion == written.metadata.resourceVersion)
            try await world.stop(runtime, task)
        }
    }

    @Test("self-check: a static password the registry refuses is not written; password2 is used instead")
    func staticPasswordFallback() async throws {
        try await FastWorld.run { world in
            let made = world.sim.readyMade
            let password2 = try String(contentsOfFile: made.adminPassword2File, encoding: .utf8)
                .trimmingCharacters(in: .whitespacesAndNewlines)
            // Both passwords rotated at the registry: the files hold stale values, nothing may be written.
            try world.simulator.rotateAdminPassword(registry: world.registry, slot: .password, newPassword: "rotated-1")
            try world.simulator.rotateAdminPassword(
                registry: world.registry, slot: .password2, newPassword: "rotated-2")
            try await world.cluster.optIn("static", extra: [SecretLayout.identityAnnotation: "admin"])
            let runtime = try world.runtime()
            let task = world.start(runtime)
            await world.settle(runtime)
            #expect(await world.cluster.eventReasons("static").contains("CredentialRejected"))
            #expect(await world.cluster.secret("static") == nil)

            // password2 becomes valid again at the registry (its file never changed): it is the one written.
            try world.simulator.rotateAdminPassword(registry: world.registry, slot: .password2, newPassword: password2)
            let written = await world.advance(runtime, limit: .seconds(600)) {
                await world.cluster.secret("static") != nil
            }
            #expect(written)
            let secret = try #require(await world.cluster.secret("static"))
            let entry = try #require(world.cluster.dockerConfig(secret)?.auths[world.registry])
            #expect(entry.username == made.adminUsername)
            #expect(entry.password == password2)
            try await world.stop(runtime, task)
        }
    }

    @Test("a managed Secret whose payload someone edited is repaired")
    func tamperedSecretIsRepaired() async throws {
        try await FastWorld.run { world in
            try await world.cluster.optIn("tampered")
            let runtime = try world.runtime()
            let task = world.start(runtime)
            await world.settle(runtime)
            var secret = try #require(await world.cluster.secret("tampered"))
            let good = try #require(world.cluster.dockerConfig(secret)?.auths[world.registry]?.password)
            let forged = DockerConfig(auths: [
                world.registry: .init(username: SecretLayout.tokenUsername, password: "forged")
            ])
            secret.data?[SecretLayout.dockerConfigJSONKey] = forged.encoded()
            _ = try await world.admin.update(secret)
            await world.settle(runtime)
            #expect(await world.cluster.password("tampered") == good)
            try await world.stop(runtime, task)
        }
    }
}
