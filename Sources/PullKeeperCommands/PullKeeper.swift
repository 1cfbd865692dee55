import ArgumentParser

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
            CheckCommand.self,
            SimulateCommand.self,
            VersionCommand.self,
            TokenCommand.self,
            LoginCommand.self,
            RenderCommand.self,
        ]
    )

    public init() {}
}
