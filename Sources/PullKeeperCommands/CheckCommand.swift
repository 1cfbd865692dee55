import ArgumentParser
import PullKeeperConfig
import PullKeeperConfigLoader

/// `pullkeeper check --config FILE`: validates a config file, printing every problem as `FILE:LINE:COLUMN: message`.
public struct CheckCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Validate an operator config file.",
        discussion: "Exit codes: 0 valid, 1 problems found, 2 file unreadable or usage error."
    )

    public init() {}

    @Option(name: .long, help: "The config file to check.") var config: String

    public func run() throws {
        let result = Self.check(path: config)
        for line in result.lines { print(line) }
        if result.exitCode != 0 { throw ExitCode(result.exitCode) }
    }

    /// The lines `check` prints and its exit code, without touching the process (for tests).
    package static func check(path: String) -> (lines: [String], exitCode: Int32) {
        do {
            let loaded = try ConfigLoader.read(path: path)
            let config = loaded.config
            let kinds = config.identities.map(\.name).joined(separator: ", ")
            let warned = loaded.warnings.isEmpty ? "" : ", \(loaded.warnings.count) warning(s)"
            return (
                loaded.warningLines
                    + [
                        "\(path): ok (\(config.identities.count) identities: \(kinds.isEmpty ? "none" : kinds))\(warned)"
                    ], 0
            )
        } catch let error as ConfigError {
            return (error.lines, 1)
        } catch {
            return (["error: \(error)"], 2)
        }
    }
}
