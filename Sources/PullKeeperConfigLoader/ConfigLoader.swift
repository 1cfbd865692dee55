import Foundation
import PullKeeperConfig
import YAML

/// Reads and validates the operator config (PRODUCT.md §3), reporting every problem with its line and column.
public enum ConfigLoader {
    /// Loads a config file. Throws `ConfigFileError` when it cannot be read, `ConfigError` when it is invalid.
    public static func load(path: String) throws -> OperatorConfig {
        try read(path: path).config
    }

    /// Loads a config file with its warnings (valid but risky settings).
    public static func read(path: String) throws -> LoadedConfig {
        guard let data = FileManager.default.contents(atPath: path) else {
            let exists = FileManager.default.fileExists(atPath: path)
            throw ConfigFileError(file: path, reason: exists ? "cannot be read" : "no such file")
        }
        return try parseWithWarnings(bytes: Array(data), file: path)
    }

    /// Parses and validates config text.
    public static func parse(_ text: String, file: String = "<config>") throws(ConfigError) -> OperatorConfig {
        try parseWithWarnings(bytes: Array(text.utf8), file: file).config
    }

    /// Parses and validates config text, keeping its warnings.
    public static func parseWithWarnings(
        _ text: String, file: String = "<config>"
    ) throws(ConfigError) -> LoadedConfig {
        try parseWithWarnings(bytes: Array(text.utf8), file: file)
    }

    static func parseWithWarnings(bytes: [UInt8], file: String) throws(ConfigError) -> LoadedConfig {
        let documents: [YAMLNode]
        do {
            documents = try YAML.parse(bytes: bytes, limits: YAMLLimits(maxNodes: 100_000, maxDepth: 64))
        } catch {
            let message = [error.context, error.problem].compactMap { $0 }.joined(separator: ": ")
            throw ConfigError(file: file, problems: [ConfigProblem(mark: error.mark, path: "", message: message)])
        }
        guard documents.count <= 1 else {
            throw ConfigError(
                file: file,
                problems: [
                    ConfigProblem(
                        mark: documents[1].mark, path: "",
                        message: "expected one YAML document, found \(documents.count)")
                ])
        }
        var reader = ConfigReader()
        let config = ConfigValidator.read(documents.first ?? YAMLNode(.mapping([])), reader: &reader)
        guard reader.problems.isEmpty else { throw ConfigError(file: file, problems: reader.problems) }
        return LoadedConfig(config: config, file: file, warnings: reader.warnings)
    }
}

/// A valid config and what is risky about it.
public struct LoadedConfig: Sendable {
    public var config: OperatorConfig
    public var file: String
    public var warnings: [ConfigProblem]

    /// One line per warning: `FILE:LINE:COLUMN: warning: message`.
    public var warningLines: [String] {
        warnings.map { warning in
            let position = warning.mark.map { "\($0.line):\($0.column)" } ?? "1:1"
            return "\(file):\(position): warning: \(warning)"
        }
    }
}
