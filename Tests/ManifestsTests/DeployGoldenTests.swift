import Foundation
import Manifests
import PullKeeperCommands
import Testing
import YAML

/// `deploy/` is the committed output of `pullkeeper render --output-dir deploy`, byte for byte.
@Suite struct DeployGoldenTests {
    @Test func deployEqualsRenderWithDefaults() throws {
        let command = try RenderCommand.parse(["--output-dir", "deploy"])
        let files = try command.render()
        if Repository.update {
            try RenderCommand.write(files, to: Repository.deploy.path)
        }
        for file in files {
            let golden = try Repository.text(Repository.deploy.appendingPathComponent(file.name))
            #expect(
                try file.text() == golden,
                "deploy/\(file.name) differs from `pullkeeper render` (PULLKEEPER_UPDATE_GOLDEN=1 rewrites deploy/)")
        }
        let committed = try FileManager.default.contentsOfDirectory(atPath: Repository.deploy.path)
            .filter { $0.hasSuffix(".yaml") }.sorted()
        #expect(committed == files.map(\.name).sorted(), "deploy/ holds files that `pullkeeper render` does not write")
    }

    @Test func kustomizationListsEveryOtherFile() throws {
        let files = try Manifests.render(.defaults())
        let kustomization = try files.decode(Kustomization.self, from: "kustomization.yaml")
        #expect(kustomization.resources == files.map(\.name).filter { $0 != "kustomization.yaml" })
        #expect(files.last?.name == "kustomization.yaml")
    }

    @Test func everyFileExplainsItselfInAComment() throws {
        for file in try Manifests.render(.defaults()) {
            let text = try file.text()
            #expect(text.hasPrefix("# Rendered by `pullkeeper render`"), "\(file.name)")
            #expect(file.comment.count >= 2, "\(file.name) needs a comment saying why it looks the way it does")
        }
    }

    @Test func stdoutStreamHoldsEveryObjectOnce() throws {
        let files = try Manifests.render(.defaults())
        let stream = try Manifests.stream(files)
        let documents = try YAML.parse(stream)
        #expect(documents.count == files.count - 1)
        #expect(documents.map { $0["kind"]?.scalar?.value ?? "" }.contains("Kustomization") == false)
    }
}
