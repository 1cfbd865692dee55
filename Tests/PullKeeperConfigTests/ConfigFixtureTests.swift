import Foundation
import PullKeeperConfig
import PullKeeperConfigLoader
import PullKeeperCore
import Testing

/// Each file in Fixtures/broken starts with `# expect: LINE:COLUMN: message`: the first problem the loader
/// reports must be exactly that.
@Suite struct ConfigFixtureTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    static let broken = root.appendingPathComponent("Fixtures/broken")
    static let example = root.appendingPathComponent("../../examples/config.yaml").standardizedFileURL

    static var brokenFiles: [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: broken.path)) ?? []).filter { $0.hasSuffix(".yaml") }
            .sorted()
    }

    @Test func theExampleIsValidAndComplete() throws {
        let config = try ConfigLoader.load(path: Self.example.path)
        #expect(config.cloud == .public)
        #expect(config.defaultIdentity == "cluster-pull")
        #expect(config.identities.map(\.name) == ["cluster-pull", "ci-sp", "release-sp", "node-mi", "env"])
        #expect(config.refresh == RefreshPolicy(fraction: 0.5, jitter: 0.1, resync: .seconds(600)))
        #expect(config.namespaceSelector?.selector.matchLabels == ["pullkeeper.io/enabled": "true"])
        #expect(config.identity(named: "ci-sp")?.registries == ["contoso.azurecr.io"])
        #expect(config.identity(named: "ci-sp")?.namespaces == ["ci", "ci-*"])
        #expect(config.identity(named: "ci-sp")?.actions == ["pull"])
        #expect(config.attach == .both)
        // The example spells out the default timeouts (issue 20).
        #expect(config.timeouts == Timeouts())
        #expect(config.timeouts.registry == .seconds(8) && config.timeouts.pending == .seconds(30))
        // It spells out the default events.routine too.
        #expect(config.events == EventPolicy(routine: true))
        // Every identity names its namespaces and registries; none serves every namespace.
        for identity in config.identities {
            #expect(!identity.namespaces.isEmpty && !identity.registries.isEmpty)
            #expect(!identity.namespaces.contains { $0.isEverything }, "\(identity.name)")
        }
        #expect(try ConfigLoader.read(path: Self.example.path).warnings.isEmpty)
    }

    @Test func atLeastTenBrokenConfigs() {
        #expect(Self.brokenFiles.count >= 10)
    }

    @Test(arguments: brokenFiles)
    func brokenConfigReportsLineAndColumn(file: String) throws {
        let url = Self.broken.appendingPathComponent(file)
        let text = try String(contentsOf: url, encoding: .utf8)
        let firstLine = try #require(text.split(separator: "\n").first)
        let expected = try #require(firstLine.split(separator: "# expect: ", maxSplits: 1).last.map(String.init))
        do {
            _ = try ConfigLoader.load(path: url.path)
            Issue.record("\(file) was accepted")
        } catch let error as ConfigError {
            let first = try #require(error.lines.first)
            #expect(first == "\(url.path):\(expected)", "all problems:\n\(error)")
        }
    }
}
