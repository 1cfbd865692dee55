import AzureSimulator
import Foundation
import KubernetesModel
import PullKeeperCommands
import PullKeeperCore
import Reconciler
import Testing

extension Integration {
    /// The real controller against both simulators over HTTPS (PRODUCT.md §1, §2, §5).
    @Suite("Controller against the simulators", .serialized)
    struct ControllerIntegrationTests {
        @Test("annotate → Secret and service-account entries appear; the dockerconfigjson is what clients read")
        func annotatedNamespaceGetsSecret() async throws {
            try await World.run { world in
                try await world.namespace(
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

                #expect(await eventually { await world.pullSecretNames("team-a", "builder") == ["other", "acr-pull"] })
                #expect(await eventually { await world.pullSecretNames("team-a") == ["acr-pull"] })
                let secret = try #require(await world.secret("team-a"))
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
                #expect(await world.eventReasons("team-a").isSuperset(of: ["SecretCreated", "ServiceAccountPatched"]))
                try await world.stop(runtime, task)
            }
        }

        @Test("Secrets are rewritten before their tokens expire, cycle after cycle, with one exchange per cycle")
        func refreshesBeforeExpiry() async throws {
            try await World.run(lifetime: .seconds(8)) { world in
                try await world.optIn("cycles")
                let runtime = try world.runtime()
                let task = world.start(runtime)

                // Each version of the Secret: when it was written and when its token expires.
                var versions: [(refreshed: Date, expires: Date, password: String)] = []
                let collected = await eventually(timeout: .seconds(40), every: .milliseconds(50)) {
                    guard let secret = await world.secret("cycles"), let config = world.dockerConfig(secret),
                        let password = config.auths[world.registry]?.password,
                        let refreshed = SecretLayout.parseTimestamp(
                            secret.metadata.annotations?[SecretLayout.refreshedAtAnnotation]),
                        let expires = SecretLayout.parseTimestamp(
                            secret.metadata.annotations?[SecretLayout.expiresAtAnnotation])
                    else { return false }
                    if versions.last?.password != password { versions.append((refreshed, expires, password)) }
                    return versions.count >= 4
                }
                try await world.stop(runtime, task)
                #expect(collected, "saw \(versions.count) versions")
                for (old, new) in zip(versions, versions.dropFirst()) {
                    #expect(
                        new.refreshed < old.expires,
                        "rewritten at \(new.refreshed), the old token expired at \(old.expires)")
                }
                let spacing = zip(versions, versions.dropFirst()).map { $1.refreshed.timeIntervalSince($0.refreshed) }
                print(
                    "refresh cycles (8 s tokens): written every \(spacing) s; exchanges \(world.azure.requestCount(.exchange))"
                )
                // One exchange per version written (plus at most one in flight when the controller stopped).
                #expect((versions.count...versions.count + 1).contains(world.azure.requestCount(.exchange)))
            }
        }

        @Test("200 namespaces sharing one identity × registry cause exactly one exchange per refresh cycle")
        func oneExchangePerCycle() async throws {
            // 40 s tokens: the first refresh is due after 16 s, well after the initial sync even on a slow machine.
            try await World.run(lifetime: .seconds(40)) { world in
                let names = (0..<200).map { "shared-\($0)" }
                for name in names { try await world.optIn(name) }
                let runtime = try world.runtime()
                let task = world.start(runtime)

                func passwords() async -> [String?] {
                    let secrets = (try? await world.admin.listAll(Secret.self).items) ?? []
                    let byNamespace = Dictionary(
                        secrets.compactMap { s in s.metadata.namespace.map { ($0, s) } },
                        uniquingKeysWith: { a, _ in a })
                    return names.map { byNamespace[$0].flatMap(world.dockerConfig)?.auths[world.registry]?.password }
                }
                #expect(await eventually(timeout: .seconds(60)) { await passwords().allSatisfy { $0 != nil } })
                let first = Set(await passwords())
                #expect(first.count == 1)
                #expect(world.azure.requestCount(.exchange) == 1)
                #expect(world.azure.requestCount(.entra) == 1)

                // The next cycle: every Secret moves to one new token.
                #expect(
                    await eventually(timeout: .seconds(60)) {
                        let now = await passwords()
                        return now.allSatisfy { $0 != nil && !first.contains($0) } && Set(now).count == 1
                    })
                try await world.stop(runtime, task)
                #expect(world.azure.requestCount(.exchange) == 2)
            }
        }

        @Test("opting out deletes our Secret and removes only our entry")
        func optOutCleansUp() async throws {
            try await World.run { world in
                try await world.optIn("leaving")
                _ = try await world.admin.patch(
                    ServiceAccount.self, name: "default", namespace: "leaving",
                    patch: .json([.add("/imagePullSecrets", .array([["name": "foreign"]]))]))
                let runtime = try world.runtime()
                let task = world.start(runtime)
                #expect(await eventually { await world.pullSecretNames("leaving") == ["foreign", "acr-pull"] })

                _ = try await world.admin.patch(
                    Namespace.self, name: "leaving", namespace: nil,
                    patch: .merge(["metadata": ["annotations": [SecretLayout.registriesAnnotation: .null]]]))
                #expect(await eventually { await world.secret("leaving") == nil })
                #expect(await eventually { await world.pullSecretNames("leaving") == ["foreign"] })
                try await world.stop(runtime, task)
            }
        }

        @Test("a restarted controller rewrites nothing that is still valid and asks for no token")
        func restartWritesNothing() async throws {
            try await World.run { world in
                for index in 0..<10 { try await world.optIn("restart-\(index)") }
                let first = try world.runtime(once: true)
                try await first.run(signals: [])
                #expect(first.controller.namespaceStates.filter { $0.value == .upToDate }.count == 10)
                world.kube.resetRequestLog()
                world.azure.resetCounters()

                let second = try world.runtime(once: true)
                try await second.run(signals: [])
                #expect(second.controller.namespaceStates.filter { $0.value == .upToDate }.count == 10)
                #expect(world.writes() == 0)
                #expect(world.azure.requestCount(.entra) == 0)
                #expect(world.azure.requestCount(.exchange) == 0)
            }
        }

        @Test("a Secret of our name without our label is never touched")
        func foreignSecretIsLeftAlone() async throws {
            try await World.run { world in
                try await world.optIn("foreign")
                var foreign = Secret(metadata: ObjectMeta(name: "acr-pull", namespace: "foreign"))
                foreign.data = ["token": Data("theirs".utf8)]
                let created = try await world.admin.create(foreign)
                let runtime = try world.runtime(once: true)
                try await runtime.run(signals: [])
                #expect(runtime.controller.namespaceStates["foreign"] == .conflict)
                let after = try #require(await world.secret("foreign"))
                #expect(after.metadata.resourceVersion == created.metadata.resourceVersion)
                #expect(await world.eventReasons("foreign").contains("SecretConflict"))
                #expect(await world.pullSecretNames("foreign").isEmpty)
            }
        }

        @Test("a look-alike registry is refused while the namespace's other registry still works")
        func lookAlikeRefused() async throws {
            try await World.run { world in
                try await world.optIn("mixed", registries: "\(world.registry), contoso.azurecr.io.evil.com")
                let runtime = try world.runtime(once: true)
                try await runtime.run(signals: [])
                let secret = try #require(await world.secret("mixed"))
                #expect(world.dockerConfig(secret).map { Array($0.auths.keys) } == [world.registry])
                let refusals = await world.events("default").filter { $0.reason == "RegistryRefused" }
                #expect(refusals.contains { $0.message?.contains("contoso.azurecr.io.evil.com") == true })
            }
        }

        @Test("when no new token can be had, the still-valid Secret stays and a TokenFailed event says why")
        func failureKeepsValidSecret() async throws {
            try await World.run(lifetime: .seconds(8)) { world in
                try await world.optIn("keep")
                let runtime = try world.runtime()
                let task = world.start(runtime)
                #expect(await eventually { await world.secret("keep") != nil })
                let written = try #require(await world.secret("keep"))
                // The service principal loses its role: the next exchange is refused.
                world.azure.removeRole(principal: world.sim.readyMade.spSecretClientID, registry: world.registry)
                #expect(
                    await eventually(timeout: .seconds(20)) { await world.eventReasons("keep").contains("TokenFailed") }
                )
                let kept = try #require(await world.secret("keep"))
                #expect(kept.metadata.resourceVersion == written.metadata.resourceVersion)
                try await world.stop(runtime, task)
            }
        }

        @Test("self-check: a static password the registry refuses is not written; password2 is used instead")
        func staticPasswordFallback() async throws {
            try await World.run { world in
                let made = world.sim.readyMade
                let password2 = try String(contentsOfFile: made.adminPassword2File, encoding: .utf8)
                    .trimmingCharacters(in: .whitespacesAndNewlines)
                // Both passwords rotated at the registry: the files hold stale values, nothing may be written.
                try world.azure.rotateAdminPassword(registry: world.registry, slot: .password, newPassword: "rotated-1")
                try world.azure.rotateAdminPassword(
                    registry: world.registry, slot: .password2, newPassword: "rotated-2")
                try await world.optIn("static", extra: [SecretLayout.identityAnnotation: "admin"])
                let runtime = try world.runtime()
                let task = world.start(runtime)
                #expect(await eventually { await world.eventReasons("static").contains("CredentialRejected") })
                #expect(await world.secret("static") == nil)

                // password2 becomes valid again at the registry (its file never changed): it is the one written.
                try world.azure.rotateAdminPassword(registry: world.registry, slot: .password2, newPassword: password2)
                #expect(await eventually(timeout: .seconds(30)) { await world.secret("static") != nil })
                let secret = try #require(await world.secret("static"))
                let entry = try #require(world.dockerConfig(secret)?.auths[world.registry])
                #expect(entry.username == made.adminUsername)
                #expect(entry.password == password2)
                try await world.stop(runtime, task)
            }
        }

        @Test("a managed Secret whose payload someone edited is repaired")
        func tamperedSecretIsRepaired() async throws {
            try await World.run { world in
                try await world.optIn("tampered")
                let runtime = try world.runtime()
                let task = world.start(runtime)
                #expect(await eventually { await world.secret("tampered") != nil })
                var secret = try #require(await world.secret("tampered"))
                let good = try #require(world.dockerConfig(secret)?.auths[world.registry]?.password)
                let forged = DockerConfig(auths: [
                    world.registry: .init(username: SecretLayout.tokenUsername, password: "forged")
                ])
                secret.data?[SecretLayout.dockerConfigJSONKey] = forged.encoded()
                _ = try await world.admin.update(secret)
                #expect(
                    await eventually {
                        guard let now = await world.secret("tampered") else { return false }
                        return world.dockerConfig(now)?.auths[world.registry]?.password == good
                    })
                try await world.stop(runtime, task)
            }
        }
    }
}
