import AsyncHTTPClient
import Controller
import Foundation
import KubernetesClient
import KubernetesSimulator
import PullKeeperCommands
import PullKeeperCore
import Reconciler
import Testing

extension Integration {
    /// PRODUCT.md §5: the metrics and health endpoints of a running controller, and `pullkeeper status`.
    @Suite("Metrics, health and status of a running controller", .serialized)
    struct ObservabilityTests {
        static func get(_ url: String) async throws -> (status: UInt, body: String) {
            let request = HTTPClientRequest(url: url)
            let response = try await HTTPClient.shared.execute(request, timeout: .seconds(10))
            let body = try await response.body.collect(upTo: 4 << 20)
            return (response.status.code, String(buffer: body))
        }

        @Test("/metrics has every metric of PRODUCT.md §5; /healthz and /readyz answer; status lists the Secrets")
        func metricsHealthAndStatus() async throws {
            try await World.run { world in
                try await world.optIn("observed")
                try await world.optIn("refused", registries: "contoso.azurecr.io.evil.com")
                var (kubernetes, _) = try KubernetesConfigurationLoader(environment: [:]).load(
                    kubeconfig: world.sim.kubeconfigPath)
                kubernetes.qps = 0
                var setup = ControllerRuntime.Setup(
                    config: world.config, kubernetes: kubernetes, environment: [:], options: .init(instance: "obs"),
                    metricsAddress: HostPort(host: "127.0.0.1", port: 0),
                    healthAddress: HostPort(host: "127.0.0.2", port: 0), logger: World.quiet)
                setup.readinessTTL = .milliseconds(200)
                let runtime = try ControllerRuntime(setup)
                let task = world.start(runtime)
                #expect(await eventually { await world.pullSecretNames("observed") == ["acr-pull"] })
                #expect(await eventually { runtime.port(of: "metrics") != nil && runtime.port(of: "health") != nil })
                let metricsPort = try #require(runtime.port(of: "metrics"))
                let healthPort = try #require(runtime.port(of: "health"))

                let metrics = try await Self.get("http://127.0.0.1:\(metricsPort)/metrics")
                #expect(metrics.status == 200)
                for name in [
                    "pullkeeper_secret_expiry_timestamp_seconds{namespace=\"observed\",secret=\"acr-pull\"}",
                    "pullkeeper_token_expiry_timestamp_seconds{identity=\"sp-secret\"",
                    "pullkeeper_token_requests_total{identity=\"sp-secret\"", "endpoint=\"exchange\"",
                    "result=\"success\"", "pullkeeper_reconcile_total{result=\"success\"}",
                    "pullkeeper_reconcile_duration_seconds_bucket", "pullkeeper_kubernetes_requests_total{",
                    "verb=\"create\"", "resource=\"secrets\"", "pullkeeper_managed_namespaces", "pullkeeper_leader 1",
                ] {
                    #expect(metrics.body.contains(name), "missing \(name)")
                }
                let secret = try #require(await world.secret("observed"))
                let expiry = try #require(
                    SecretLayout.parseTimestamp(secret.metadata.annotations?[SecretLayout.expiresAtAnnotation]))
                #expect(metrics.body.contains("\(Int(expiry.timeIntervalSince1970))"))
                #expect(try await Self.get("http://127.0.0.2:\(healthPort)/healthz").status == 200)
                #expect(try await Self.get("http://127.0.0.2:\(healthPort)/readyz").status == 200)
                // The API server refusing the controller (as after its RBAC is removed): not ready, healthy still;
                // ready again once it answers.
                world.kube.setFaults([
                    FaultRule(verbs: ["list"], resources: ["namespaces"], errorRate: 1, errorCodes: [403])
                ])
                #expect(
                    await eventually { (try? await Self.get("http://127.0.0.2:\(healthPort)/readyz").status) == 503 })
                #expect(try await Self.get("http://127.0.0.2:\(healthPort)/healthz").status == 200)
                world.kube.setFaults([])
                #expect(
                    await eventually { (try? await Self.get("http://127.0.0.2:\(healthPort)/readyz").status) == 200 })

                // `pullkeeper status` against the same cluster: one line per managed Secret, plus refused ones.
                let status = Process()
                status.executableURL = URL(fileURLWithPath: RunProcessTests.binary)
                status.arguments = [
                    "status", "--kubeconfig", world.sim.kubeconfigPath, "--config", world.sim.configPath,
                ]
                let pipe = Pipe()
                status.standardOutput = pipe
                status.standardError = FileHandle.nullDevice
                try status.run()
                let table = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
                status.waitUntilExit()
                let lines = table.split(separator: "\n")
                #expect(lines.first?.hasPrefix("NAMESPACE") == true)
                #expect(
                    lines.contains { $0.hasPrefix("observed ") && $0.contains(world.registry) && $0.hasSuffix("Valid") }
                )
                #expect(lines.contains { $0.hasPrefix("refused ") && $0.hasSuffix("Refused") })
                #expect(status.terminationStatus == 1, "a refused namespace is not well: \(table)")
                try await world.stop(runtime, task)
            }
        }
    }
}
