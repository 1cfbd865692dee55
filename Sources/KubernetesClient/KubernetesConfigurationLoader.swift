import Foundation

/// Finds the client configuration as kubectl and client-go do: an explicit `--kubeconfig`, else in-cluster, else
/// the files of `$KUBECONFIG` (merged), else `~/.kube/config`.
public struct KubernetesConfigurationLoader: Sendable {
    public var environment: [String: String]
    public var inClusterPaths: InClusterConfiguration.Paths
    public var homeDirectory: String

    public init(
        environment: [String: String], inClusterPaths: InClusterConfiguration.Paths = .standard,
        homeDirectory: String? = nil
    ) {
        self.environment = environment
        self.inClusterPaths = inClusterPaths
        self.homeDirectory = homeDirectory ?? environment["HOME"] ?? NSHomeDirectory()
    }

    /// Where a configuration came from, for logs.
    public enum Source: Sendable, Hashable {
        case kubeconfig([String])
        case inCluster
    }

    /// Loads the configuration; `context` overrides `current-context` (not used in-cluster).
    public func load(
        kubeconfig explicitPath: String? = nil, context: String? = nil
    ) throws -> (KubernetesClientConfiguration, Source) {
        if let explicitPath {
            let config = try KubeConfig.load(file: expand(explicitPath), displayName: explicitPath)
            return (try config.clientConfiguration(context: context), .kubeconfig([explicitPath]))
        }
        if context == nil, InClusterConfiguration.isAvailable(environment: environment, paths: inClusterPaths) {
            return (try InClusterConfiguration.load(environment: environment, paths: inClusterPaths), .inCluster)
        }
        let files = kubeconfigFiles()
        guard !files.isEmpty else {
            throw KubeConfigError(
                file: "~/.kube/config",
                message: "no configuration: not in a cluster, $KUBECONFIG is empty and ~/.kube/config does not exist")
        }
        let configs = try files.map { try KubeConfig.load(file: expand($0), displayName: $0) }
        return (try KubeConfig.merging(configs).clientConfiguration(context: context), .kubeconfig(files))
    }

    /// The `$KUBECONFIG` entries that exist (kubectl skips missing ones), or `~/.kube/config` when it exists.
    public func kubeconfigFiles() -> [String] {
        if let list = environment["KUBECONFIG"], !list.isEmpty {
            var seen: Set<String> = []
            return list.split(separator: ":").map(String.init).filter {
                !$0.isEmpty && seen.insert($0).inserted && FileManager.default.fileExists(atPath: expand($0))
            }
        }
        let home = homeDirectory + "/.kube/config"
        return FileManager.default.fileExists(atPath: home) ? [home] : []
    }

    func expand(_ path: String) -> String {
        path.hasPrefix("~/") ? homeDirectory + String(path.dropFirst(1)) : path
    }
}
