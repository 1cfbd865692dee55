import PullKeeperConfig
import YAML

/// One thing wrong with a config file, with the position of the node it is about.
public struct ConfigProblem: Sendable, Hashable, CustomStringConvertible {
    public var mark: YAMLMark?
    /// Dotted path of the offending field, e.g. `identities[1].servicePrincipal.tenantID`.
    public var path: String
    public var message: String

    public init(mark: YAMLMark?, path: String, message: String) {
        self.mark = mark
        self.path = path
        self.message = message
    }

    public var description: String {
        path.isEmpty ? message : "\(path): \(message)"
    }
}

/// A config file that could be read but is not valid: every problem at once.
public struct ConfigError: Error, Sendable, CustomStringConvertible {
    public var file: String
    public var problems: [ConfigProblem]

    public init(file: String, problems: [ConfigProblem]) {
        self.file = file
        self.problems = problems
    }

    /// One line per problem: `FILE:LINE:COLUMN: message`, as compilers print them.
    public var lines: [String] {
        problems.map { problem in
            let position = problem.mark.map { "\($0.line):\($0.column)" } ?? "1:1"
            return "\(file):\(position): \(problem)"
        }
    }

    public var description: String { lines.joined(separator: "\n") }
}

/// A config file that could not be read at all (missing, unreadable, not UTF-8).
public struct ConfigFileError: Error, Sendable, CustomStringConvertible {
    public var file: String
    public var reason: String

    public var description: String { "\(file): \(reason)" }
}
