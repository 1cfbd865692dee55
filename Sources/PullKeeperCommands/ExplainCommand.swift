import ArgumentParser
import Controller
import Foundation
import KubernetesClient
import KubernetesModel
import PullKeeperConfig
import PullKeeperConfigLoader
import Reconciler

/// `pullkeeper explain pod NAME -n NS` / `explain namespace NS`: why a pod can or cannot pull, in sentences.
public struct ExplainCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "explain",
        abstract: "Say why a pod can or cannot pull each of its images, or whether a namespace is served.",
        discussion: """
            Reads the cluster with your kubeconfig (the pod, its namespace, the managed Secret, the pod's \
            ServiceAccount and pullkeeper's Events) and says, per image, whether a valid pullkeeper credential \
            covers it and, when not, why and how to fix it. With --config (the operator's config) grants and \
            defaults are evaluated exactly as the controller does; without it they are read from the annotations \
            and pullkeeper's Events.

            Exit status: 0 when every image (or every registry of the namespace) is covered by a valid credential, \
            1 when one is not, 2 for a usage or config error or an object that cannot be read.
            """,
        subcommands: [Pod.self, NamespaceSubcommand.self])

    public init() {}

    struct Common: ParsableArguments {
        @OptionGroup var cluster: ClusterOptions

        @Option(help: "The operator's pullkeeper config (grants, defaults, namespaceSelector).")
        var config: String?

        @Option(help: "text or json.")
        var output: OutputFormat = .text
    }

    enum OutputFormat: String, ExpressibleByArgument, CaseIterable {
        case text, json
    }

    struct Pod: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "pod", abstract: "Why a pod can or cannot pull each of its images.")

        @Argument(help: "The pod's name.")
        var name: String

        @Option(name: .shortAndLong, help: "The pod's namespace.")
        var namespace = "default"

        @OptionGroup var common: Common

        func run() async throws {
            try await ExplainCommand.explain(common, namespace: namespace) { client, input in
                let pod: KubernetesModel.Pod
                do {
                    pod = try await client.get(KubernetesModel.Pod.self, name: name, namespace: namespace)
                } catch let error as KubernetesError where error.isNotFound {
                    throw CommandFailure(message: "pod \(namespace)/\(name) not found", exitCode: 2)
                }
                var input = input
                let account = pod.spec?.serviceAccountName ?? "default"
                input.serviceAccount = try? await client.get(ServiceAccount.self, name: account, namespace: namespace)
                return Explain.pod(pod, input: input)
            }
        }
    }

    struct NamespaceSubcommand: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "namespace", abstract: "Whether a namespace is served and its Secret valid.")

        @Argument(help: "The namespace.")
        var name: String

        @OptionGroup var common: Common

        func run() async throws {
            try await ExplainCommand.explain(common, namespace: name) { _, input in Explain.namespace(input) }
        }
    }

    /// Reads what every explanation needs, runs `body`, prints, and exits with the verdict.
    static func explain(
        _ common: Common, namespace: String,
        _ body: (HTTPKubernetesClient, ExplainInput) async throws -> Explanation
    ) async throws {
        let environment = ProcessInfo.processInfo.environment
        let config: OperatorConfig?
        let kubernetes: KubernetesClientConfiguration
        do {
            config = try common.config.map { try ConfigLoader.load(path: $0) }
            kubernetes = try common.cluster.load(environment: environment)
        } catch {
            throw CommandFailure.exit((error as? CommandFailure) ?? CommandFailure(message: "\(error)", exitCode: 2))
        }
        let client = try HTTPKubernetesClient(
            configuration: kubernetes, logger: commandLogger(label: "pullkeeper.explain"))
        let explanation: Explanation
        do {
            let input = try await Explain.read(client, namespace: namespace, config: config)
            explanation = try await body(client, input)
            try? await client.shutdown()
        } catch {
            try? await client.shutdown()
            if let failure = error as? CommandFailure { throw CommandFailure.exit(failure) }
            throw CommandFailure.exit(CommandFailure(message: "\(error)", exitCode: 2))
        }
        switch common.output {
        case .text: print(Explain.text(explanation), terminator: "")
        case .json:
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            print(String(decoding: try encoder.encode(explanation), as: UTF8.self))
        }
        if explanation.exitCode != 0 { throw ExitCode(explanation.exitCode) }
    }
}
