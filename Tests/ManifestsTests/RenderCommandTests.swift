import Foundation
import KubernetesModel
import Manifests
import PullKeeperCommands
import Testing

/// `pullkeeper render` flags, as the CLI parses them.
@Suite struct RenderCommandTests {
    @Test func flagsReachTheManifests() throws {
        let command = try RenderCommand.parse([
            "--namespace", "ops", "--image", "registry.example/pullkeeper@sha256:abc", "--identity-mode",
            "service-principal", "--replicas", "3", "--no-metrics", "--tenant-id", "contoso.onmicrosoft.com",
            "--client-id", "5e6f7a8b-3333-4c4d-8e9f-0a1b2c3d4e5f",
        ])
        let files = try command.render()
        #expect(!files.map(\.name).contains("service.yaml"))
        let deployment = try files.decode(Deployment.self, from: "deployment.yaml")
        #expect(deployment.metadata.namespace == "ops")
        #expect(deployment.spec?.replicas == 3)
        #expect(deployment.spec?.template.spec?.containers.first?.image == "registry.example/pullkeeper@sha256:abc")
        let namespace = try files.decode(Namespace.self, from: "namespace.yaml")
        #expect(namespace.metadata.name == "ops")
        let configMap = try files.decode(ConfigMap.self, from: "configmap.yaml")
        #expect(configMap.data?["config.yaml"]?.contains("tenantID: contoso.onmicrosoft.com\n") == true)
        #expect(configMap.data?["config.yaml"]?.contains("5e6f7a8b-3333-4c4d-8e9f-0a1b2c3d4e5f") == true)
    }

    @Test func dashMeansStdout() throws {
        #expect(try RenderCommand.parse(["-"]).destination == "-")
        #expect(try RenderCommand.parse(["--output-dir", "-"]).outputDir == "-")
        #expect(throws: (any Error).self) { try RenderCommand.parse(["deploy"]) }
        #expect(throws: (any Error).self) { try RenderCommand.parse(["-", "--output-dir", "deploy"]) }
    }

    @Test(arguments: [
        ["--namespace", "Bad_Name"], ["--replicas", "0"], ["--identity-mode", "kerberos"], ["--image", ""],
        ["--tenant-id", "not a tenant"], ["--client-id", "a b"],
    ])
    func badFlagsAreUsageErrors(_ arguments: [String]) {
        #expect(throws: (any Error).self) { try RenderCommand.parse(arguments) }
    }

    @Test func brokenConfigFileIsRefusedWithItsPosition() throws {
        let broken = Repository.root.appendingPathComponent(
            "Tests/PullKeeperConfigTests/Fixtures/broken/unknown-key.yaml")
        let command = try RenderCommand.parse(["--config", broken.path])
        do {
            _ = try command.render()
            Issue.record("rendered a broken config")
        } catch let failure as CommandFailure {
            #expect(failure.exitCode == 2)
            #expect(failure.message.hasPrefix("\(broken.path):3:1: unknown key"))
        }
    }

    @Test func writesEveryFileIntoTheDirectory() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("render-\(UUID())/nested")
        defer { try? FileManager.default.removeItem(at: directory.deletingLastPathComponent()) }
        let files = try RenderCommand.parse(["--identity-mode", "static"]).render()
        try RenderCommand.write(files, to: directory.path)
        for file in files {
            #expect(try Repository.text(directory.appendingPathComponent(file.name)) == file.text())
        }
    }
}
