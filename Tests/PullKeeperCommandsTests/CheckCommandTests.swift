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
