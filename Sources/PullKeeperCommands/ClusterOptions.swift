import ArgumentParser
import KubernetesClient

/// `--kubeconfig` and `--context`, shared by the commands that talk to a cluster.
public struct ClusterOptions: ParsableArguments {
    @Option(help: "kubeconfig file (default: in-cluster, then $KUBECONFIG, then ~/.kube/config).")
    var kubeconfig: String?

    @Option(help: "kubeconfig context (default: the current context).")
    var context: String?

    public init() {}

    /// The client configuration, as kubectl would find it; a broken kubeconfig is a usage error (exit 2).
    func load(environment: [String: String]) throws -> KubernetesClientConfiguration {
        do {
            return try KubernetesConfigurationLoader(environment: environment).load(
                kubeconfig: kubeconfig, context: context
            ).0
        } catch {
            throw CommandFailure(message: "\(error)", exitCode: 2)
        }
    }
}
