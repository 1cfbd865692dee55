import ArgumentParser
import Foundation

/// The `pullkeeper` command tree.
public struct PullKeeper: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "pullkeeper",
        abstract: "Keeps Azure Container Registry pull credentials fresh in Kubernetes namespaces.",
        version: BuildInfo.version,
        subcommands: [
            RunCommand.self,
            DemoCommand.self,
            BenchCommand.self,
            StatusCommand.self,
            ExplainCommand.self,
            CheckCommand.self,
            SimulateCommand.self,
            VersionCommand.self,
            TokenCommand.self,
            AuditCommand.self,
            LoginCommand.self,
            RenderCommand.self,
        ]
    )

    public init() {}

    /// PRODUCT.md §4's exit code for usage errors (ArgumentParser's own is 64, EX_USAGE).
    public static let usageExitCode: Int32 = 2

    /// ArgumentParser's `main()`, except that usage and validation errors (unknown options, bad values, a failed
    /// `validate()`) exit with `usageExitCode`.
    public static func runMain() async {
        do {
            var command = try parseAsRoot()
            if var asyncCommand = command as? AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch {
            if exitCode(for: error) == .validationFailure {
                FileHandle.standardError.write(Data((fullMessage(for: error) + "\n").utf8))
                Foundation.exit(usageExitCode)
            }
            exit(withError: error)
        }
    }
}
