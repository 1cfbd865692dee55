import Foundation
import KubernetesSimulator
import PullKeeperCommands
import PullKeeperCore
import Reconciler
import Testing

extension Integration {
    /// Issue 9 §2 and §3 with real `pullkeeper run` processes: failover by SIGKILL and by SIGTERM, and a SIGTERM in
    /// the middle of an initial sync.
    @Suite("pullkeeper run processes: failover and shutdown", .serialized)
    struct ProcessReliabilityTests {
        /// A `pullkeeper run` child process with its own user of the simulated cluster.
        final class Replica: @unchecked Sendable {
            let process = Process()
            let name: String
            let log: URL

            init(_ world: World, name: String, extra: [String] = []) throws {
                self.name = name
                let token = "token-\(name)"
                world.kube.addUser(name: name, token: token, groups: ["system:masters"])
                let kubeconfig = world.directory + "/kubeconfig-\(name)"
                try world.kube.kubeconfig(userName: name, token: token).write(
                    toFile: kubeconfig, atomically: true, encoding: .utf8)
                log = URL(fileURLWithPath: world.directory + "/\(name).log")
                FileManager.default.createFile(atPath: log.path, contents: nil)
                process.executableURL = URL(fileURLWithPath: RunProcessTests.binary)
                process.arguments =
                    [
                        "run", "--kubeconfig", kubeconfig, "--config", world.sim.configPath, "--metrics-address", "off",
                        "--health-address", "off", "--log-format", "json",
                    ] + extra
                var environment = ProcessInfo.processInfo.environment
                environment["POD_NAME"] = name
                process.environment = environment
                process.standardError = try FileHandle(forWritingTo: log)
                process.standardOutput = FileHandle.nullDevice
                try process.run()
            }

            var output: String { (try? String(contentsOf: log, encoding: .utf8)) ?? "" }

            /// Waits for the process to end (SIGKILL after `timeout`); true when it ended by itself.
            func waitForExit(timeout: Duration) async -> Bool {
                let ended = await eventually(timeout: timeout, every: .milliseconds(50)) { !process.isRunning }
                if !ended { kill(process.processIdentifier, SIGKILL) }
                process.waitUntilExit()
                return ended
            }
        }

        static let electionFlags = [
            "--leader-elect", "--lease-namespace", "default", "--lease-duration", "4", "--renew-deadline", "3",
            "--retry-period", "0.5",
        ]

        /// The replica named in the Lease's holder (`<POD_NAME>_<suffix>`), if any.
        static func holder(_ world: World) -> String? {
            let identity = world.kube.object(.leases, namespace: "default", name: "pullkeeper-leader")?
                .value(at: ["spec", "holderIdentity"])?.stringValue
            return identity.flatMap { $0.isEmpty ? nil : String($0.split(separator: "_").first ?? "") }
        }

        @Test("failover: only the leader writes; SIGKILL → the other leads within lease + 2 s; SIGTERM → at once")
        func failover() async throws {
            try #require(FileManager.default.isExecutableFile(atPath: RunProcessTests.binary))
            try await World.run { world in
                let a = try Replica(world, name: "replica-a", extra: Self.electionFlags)
                #expect(await eventually { Self.holder(world) == "replica-a" }, "\(a.output)")
                let b = try Replica(world, name: "replica-b", extra: Self.electionFlags)
                for index in 0..<5 { try await world.optIn("fo-\(index)") }
                #expect(await eventually { await world.pullSecretNames("fo-4") == ["acr-pull"] })
                #expect(Set(LeaderElectionTests.writers(world)) == ["replica-a"])

                // SIGKILL: no release; the other replica must wait out the lease (4 s) on its own clock.
                let killed = ContinuousClock.now
                kill(a.process.processIdentifier, SIGKILL)
                a.process.waitUntilExit()
                #expect(
                    await eventually(timeout: .seconds(15), every: .milliseconds(50)) {
                        Self.holder(world) == "replica-b"
                    })
                let afterKill = ContinuousClock.now - killed
                try await world.optIn("after-kill")
                #expect(await eventually { await world.pullSecretNames("after-kill") == ["acr-pull"] })
                #expect(Set(LeaderElectionTests.writers(world, namespace: "after-kill")) == ["replica-b"])

                // SIGTERM: the leader releases the Lease and the standby takes it within a retry period.
                let c = try Replica(world, name: "replica-c", extra: Self.electionFlags)
                try await Task.sleep(for: .seconds(1))
                #expect(Self.holder(world) == "replica-b")
                let terminated = ContinuousClock.now
                b.process.terminate()
                #expect(
                    await eventually(timeout: .seconds(15), every: .milliseconds(50)) {
                        Self.holder(world) == "replica-c"
                    })
                let afterTerm = ContinuousClock.now - terminated
                #expect(await b.waitForExit(timeout: .seconds(15)))
                #expect(b.process.terminationStatus == 0, "\(b.output)")
                try await world.optIn("after-term")
                #expect(await eventually { await world.pullSecretNames("after-term") == ["acr-pull"] })
                #expect(Set(LeaderElectionTests.writers(world, namespace: "after-term")) == ["replica-c"])
                print(
                    "failover: after SIGKILL the standby led in \(afterKill) (lease 4 s); after SIGTERM in \(afterTerm)"
                )
                #expect(afterKill <= .seconds(6), "lease duration + 2 s")
                #expect(afterTerm <= .seconds(2), "a released Lease is taken within a few retry periods")
                c.process.terminate()
                #expect(await c.waitForExit(timeout: .seconds(15)))
            }
        }

        @Test(
            "SIGTERM in the middle of an initial sync of 2,000 namespaces: exit 0 in the grace period, nothing half done"
        )
        func sigtermDuringInitialSync() async throws {
            try #require(FileManager.default.isExecutableFile(atPath: RunProcessTests.binary))
            try await World.run { world in
                for index in 0..<2000 {
                    try world.kube.create(
                        .namespaces,
                        [
                            "metadata": [
                                "name": .string("sync-\(index)"),
                                "annotations": [
                                    SecretLayout.registriesAnnotation: .string(world.registry)
                                ],
                            ]
                        ])
                }
                let replica = try Replica(world, name: "replica-s")
                let started = await eventually(timeout: .seconds(60), every: .milliseconds(20)) {
                    world.kube.requestCount(verb: "create", resource: "secrets", code: 201) >= 100
                }
                #expect(started)
                let signalled = ContinuousClock.now
                replica.process.terminate()
                let exited = await replica.waitForExit(timeout: .seconds(30))
                let shutdown = ContinuousClock.now - signalled
                #expect(
                    exited,
                    Comment(
                        rawValue: "still running 30 s (the pod's grace period) after SIGTERM; last lines:\n"
                            + replica.output.split(separator: "\n").suffix(25).joined(separator: "\n")))
                #expect(replica.process.terminationReason == .exit)
                #expect(replica.process.terminationStatus == 0, "\(replica.output)")
                let created = world.kube.requestCount(verb: "create", resource: "secrets", code: 201)
                print("shutdown: exited \(shutdown) after SIGTERM, with \(created) of 2000 Secrets written")
                #expect(created < 2000, "the sync had finished before the signal: the test proves nothing")
                // Every Secret written is whole: it decodes and matches its content hash.
                for secret in world.kube.objects(.secrets) {
                    guard let encoded = secret.value(at: ["data", SecretLayout.dockerConfigJSONKey])?.stringValue,
                        let data = Data(base64Encoded: encoded)
                    else {
                        Issue.record("a Secret without .dockerconfigjson: \(secret.value(at: ["metadata"]) ?? nil)")
                        continue
                    }
                    #expect((try? DockerConfig.decode(data).get()) != nil)
                    #expect(
                        secret.value(at: ["metadata", "annotations", SecretLayout.contentHashAnnotation])?.stringValue
                            == SecretLayout.contentHash(data))
                }
                // No request left dangling: the process's watches are closed and nothing is still being served.
                #expect(await eventually(timeout: .seconds(5)) { world.kube.activeWatchCount == 0 })
                #expect(replica.output.contains("controller stopped"))
            }
        }
    }
}
