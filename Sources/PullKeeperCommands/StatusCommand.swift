import ArgumentParser
import Controller
import Foundation
import KubernetesClient
import KubernetesModel
import Logging
import PullKeeperConfig
import PullKeeperConfigLoader
import Reconciler

/// `pullkeeper status`: a table of the managed Secrets in the cluster.
public struct StatusCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Show the managed Secrets: namespace, secret, registries, expires in, last refresh, state.",
        discussion: """
            A Secret (or an opted-in namespace without one, with --config) whose latest TokenFailed or \
            CredentialRejected Warning Event is newer than its last refresh shows as "Failing: <reason>: <why>".
            """)

    @OptionGroup var cluster: ClusterOptions

    @Option(help: "pullkeeper config: also list opted-in namespaces that have no Secret yet.")
    var config: String?

    public init() {}

    public func run() async throws {
        let environment = ProcessInfo.processInfo.environment
        let operatorConfig: OperatorConfig?
        let kubernetes: KubernetesClientConfiguration
        do {
            operatorConfig = try config.map { try ConfigLoader.load(path: $0) }
            kubernetes = try cluster.load(environment: environment)
        } catch {
            throw CommandFailure.exit(
                (error as? CommandFailure) ?? CommandFailure(message: "\(error)", exitCode: 2))
        }
        let client = try HTTPKubernetesClient(
            configuration: kubernetes, logger: commandLogger(label: "pullkeeper.status"))
        do {
            let secrets = try await client.listAll(
                Secret.self,
                options: ListOptions(labelSelector: "\(SecretLayout.managedByLabel)=\(SecretLayout.managedByValue)"))
            let namespaces = operatorConfig == nil ? [] : try await client.listAll(Namespace.self).items
            // The controller's credential failures (TokenFailed, CredentialRejected): events.k8s.io, else core/v1.
            let v1 = (try? await client.listAll(EventV1.self).items) ?? []
            let core = v1.isEmpty ? ((try? await client.listAll(Event.self).items) ?? []) : []
            try? await client.shutdown()
            let now = Date()
            let rows = StatusTable.rows(
                secrets: secrets.items, namespaces: namespaces, config: operatorConfig, now: now,
                failures: CredentialFailureNote.from(v1: v1, core: core))
            print(StatusTable.render(rows, now: now), terminator: "")
            if rows.contains(where: { $0.state != "Valid" }) { throw ExitCode(1) }
        } catch let exit as ExitCode {
            throw exit
        } catch {
            try? await client.shutdown()
            throw CommandFailure.exit(CommandFailure(message: "\(error)", exitCode: 1))
        }
    }
}
