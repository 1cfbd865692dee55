import Foundation
import PullKeeperCommands
import Testing

@Suite struct CheckCommandTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../..")
        .standardizedFileURL

    @Test func exampleConfigExitsZero() {
        let result = CheckCommand.check(path: Self.root.appendingPathComponent("examples/config.yaml").path)
        #expect(result.exitCode == 0)
        #expect(
            result.lines.first?.hasSuffix(
                "ok (5 identities: cluster-pull, ci-sp, release-sp, node-mi, env)") == true)
    }

    /// README's "smallest safe config" (its `## Security` section) is valid and draws no warning.
    @Test func readmeSafeConfigIsValidWithoutWarnings() throws {
        let readme = try String(contentsOf: Self.root.appendingPathComponent("README.md"), encoding: .utf8)
        let section = try #require(readme.range(of: "## Security\n"), "README has a Security section")
        let rest = readme[section.upperBound...]
        let start = try #require(rest.range(of: "```yaml\n"))
        let end = try #require(rest[start.upperBound...].range(of: "```"))
        let path = NSTemporaryDirectory() + "readme-safe-\(UUID().uuidString.prefix(8)).yaml"
        try String(rest[start.upperBound..<end.lowerBound]).write(toFile: path, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let result = CheckCommand.check(path: path)
        #expect(result.exitCode == 0)
        #expect(result.lines == ["\(path): ok (1 identities: team-a-pull)"], "no warning line")
    }

    @Test func brokenConfigExitsOneWithPositions() {
        let path = Self.root.appendingPathComponent("Tests/PullKeeperConfigTests/Fixtures/broken/unknown-key.yaml").path
        let result = CheckCommand.check(path: path)
        #expect(result.exitCode == 1)
        #expect(result.lines == ["\(path):3:1: unknown key \"secretNmae\" (did you mean \"secretName\"?)"])
    }

    @Test func missingFileExitsTwo() {
        let result = CheckCommand.check(path: "/nonexistent/pullkeeper.yaml")
        #expect(result.exitCode == 2)
        #expect(result.lines == ["error: /nonexistent/pullkeeper.yaml: no such file"])
    }
}
