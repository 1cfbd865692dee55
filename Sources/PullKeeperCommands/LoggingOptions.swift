import ArgumentParser
import KubernetesClient
import Logging

/// `--log-format` and `--log-level` of the long-running commands.
public struct LoggingOptions: ParsableArguments {
    public enum Format: String, ExpressibleByArgument, Sendable, CaseIterable {
        case json, text
    }

    @Option(help: "Log format: json (default in a cluster) or text (default elsewhere).")
    public var logFormat: Format?

    @Option(help: "Log level: trace, debug, info, notice, warning, error or critical.")
    public var logLevel: Logger.Level = .info

    public init() {}

    /// Bootstraps swift-log for the process (once; only commands do this, never libraries or tests).
    func bootstrap(environment: [String: String]) {
        let format = logFormat ?? (InClusterConfiguration.isAvailable(environment: environment) ? .json : .text)
        let level = logLevel
        LoggingSystem.bootstrap { label in
            var handler: any LogHandler =
                format == .json
                ? JSONLogHandler(label: label) as any LogHandler : StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
    }
}

extension Logger.Level: @retroactive ExpressibleByArgument {}
