import AzureSimulator
import Foundation
import KubernetesSimulator
import Logging
import SimulatorPKI

/// Both simulators on loopback with PRODUCT.md §6's ready-made identities, and the files that other processes
/// need (kubeconfig, pullkeeper config, env file). Shared by `simulate`, `demo`, `bench` and the tests.
public final class SimulatedWorld: Sendable {
    public let kubernetes: KubernetesSimulator
    public let azure: AzureSimulator
    public let readyMade: ReadyMadeAzure
    /// Where the files live.
    public let directory: String
    /// Admin kubeconfig of the simulated cluster (mode 0600: it holds a token).
    public let kubeconfigPath: String
    /// A pullkeeper config wired to the simulators (`PULLKEEPER_SIM_CONFIG`).
    public let configPath: String

    package init(
        kubernetes: KubernetesSimulator, azure: AzureSimulator, readyMade: ReadyMadeAzure, directory: String,
        kubeconfigPath: String, configPath: String
    ) {
        self.kubernetes = kubernetes
        self.azure = azure
        self.readyMade = readyMade
        self.directory = directory
        self.kubeconfigPath = kubeconfigPath
        self.configPath = configPath
    }

    /// Starts both simulators and writes the ready-made files into `directory` (created if needed).
    /// `configExtra` is appended to the generated pullkeeper config (e.g. a `namespaceSelector` or `refresh`).
    public static func start(
        directory: String, kubernetes: KubernetesSimulator.Configuration = .init(),
        azure: AzureSimulator.Configuration = .init(), azureKeys: AzureSimulatorKeys? = nil,
        kubeconfigPath: String? = nil, configExtra: String = "", registry: String? = nil
    ) async throws -> SimulatedWorld {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let kube = try KubernetesSimulator(configuration: kubernetes)
        var azureConfiguration = azure
        azureConfiguration.registryListeners = max(2, azure.registryListeners)
        let azureSimulator =
            try azureKeys.map { try AzureSimulator(configuration: azureConfiguration, keys: $0) }
            ?? AzureSimulator(configuration: azureConfiguration)
        try await kube.start()
        do {
            try await azureSimulator.start()
        } catch {
            await kube.shutdown()
            throw error
        }
        do {
            let readyMade = try azureSimulator.installReadyMade(in: directory + "/azure", registry: registry)
            let kubeconfig = kubeconfigPath ?? directory + "/kubeconfig"
            try writePrivateFile(kube.kubeconfig(), to: kubeconfig)
            let config = directory + "/pullkeeper-config.yaml"
            try writePrivateFile(readyMade.configYAML + configExtra, to: config)
            return SimulatedWorld(
                kubernetes: kube, azure: azureSimulator, readyMade: readyMade, directory: directory,
                kubeconfigPath: kubeconfig, configPath: config)
        } catch {
            await azureSimulator.shutdown()
            await kube.shutdown()
            throw error
        }
    }

    /// PRODUCT.md §6: `export NAME=value` lines a shell can source. Besides the fixed names: the control endpoint
    /// of the Azure simulator (role changes at run time) and the ready-made identities' client IDs.
    public var environmentFile: String {
        readyMade.environmentFile(extra: [
            ("KUBECONFIG", kubeconfigPath), ("PULLKEEPER_SIM_CONFIG", configPath),
            ("PULLKEEPER_SIM_AZURE_URL", azure.baseURL),
            ("PULLKEEPER_SIM_CONTROL_URL", azure.baseURL + "/_simulator/roles"),
            ("PULLKEEPER_SIM_CONTROL_TOKEN", azure.controlToken),
            ("PULLKEEPER_SIM_CLIENT_ID_SP_SECRET", readyMade.spSecretClientID),
            ("PULLKEEPER_SIM_CLIENT_ID_SP_CERT", readyMade.spCertClientID),
            ("PULLKEEPER_SIM_CLIENT_ID_MANAGED", readyMade.managedClientID),
            ("PULLKEEPER_SIM_CLIENT_ID_WORKLOAD", readyMade.workloadClientID),
            ("PULLKEEPER_SIM_ACR_ISSUER", azure.acrIssuer),
        ])
    }

    /// Stops both simulators.
    public func shutdown() async {
        await azure.shutdown()
        await kubernetes.shutdown()
    }
}

/// Writes atomically with mode 0600 (kubeconfigs and configs next to secrets).
package func writePrivateFile(_ text: String, to path: String) throws {
    let url = URL(fileURLWithPath: path)
    let temporary = url.deletingLastPathComponent()
        .appendingPathComponent(".\(url.lastPathComponent).\(ProcessInfo.processInfo.processIdentifier).tmp")
    guard
        FileManager.default.createFile(
            atPath: temporary.path, contents: Data(text.utf8), attributes: [.posixPermissions: 0o600])
    else { throw LabFailure("cannot write \(path)") }
    if FileManager.default.fileExists(atPath: url.path) { try FileManager.default.removeItem(at: url) }
    try FileManager.default.moveItem(at: temporary, to: url)
}
