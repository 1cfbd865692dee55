import AzureSimulator
import Controller
import Foundation
import KubernetesClient
import KubernetesModel
import KubernetesSimulator
import Logging
import PullKeeperConfig
import Reconciler

/// The benchmark's simulators: `identities` service principals, each with AcrPull on each of `registries`
/// simulated registries, and N annotated namespaces seeded straight into the simulated cluster.
package final class BenchWorld: Sendable {
    package let kube: KubernetesSimulator
    package let azure: AzureSimulator
    package let registries: [String]
    package let identityNames: [String]
    package let directory: String
    package let kubeconfigPath: String
    /// The pullkeeper config for `pullkeeper run`.
    package let configPath: String

    private init(
        kube: KubernetesSimulator, azure: AzureSimulator, registries: [String], identityNames: [String],
        directory: String, kubeconfigPath: String, configPath: String
    ) {
        self.kube = kube
        self.azure = azure
        self.registries = registries
        self.identityNames = identityNames
        self.directory = directory
        self.kubeconfigPath = kubeconfigPath
        self.configPath = configPath
    }

    package static func start(
        identities: Int, registries: Int, lifetime: Duration, keys: AzureSimulatorKeys, directory: String,
        configExtra: String = ""
    ) async throws -> BenchWorld {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        var kubeConfiguration = KubernetesSimulator.Configuration()
        kubeConfiguration.logger = Logger(label: "bench") { _ in SwiftLogNoOpLogHandler() }
        kubeConfiguration.auditLimit = 1000
        kubeConfiguration.historyLimit = 30_000
        let kube = try KubernetesSimulator(configuration: kubeConfiguration)
        try await kube.start()
        let azure = try await BenchAzure.start(
            identities: identities, registries: registries, lifetime: lifetime, keys: keys, directory: directory,
            configExtra: configExtra)
        let kubeconfigPath = directory + "/kubeconfig"
        try writePrivateFile(kube.kubeconfig(), to: kubeconfigPath)
        return BenchWorld(
            kube: kube, azure: azure.simulator, registries: azure.registries, identityNames: azure.identityNames,
            directory: directory, kubeconfigPath: kubeconfigPath, configPath: azure.configPath)
    }

    /// Namespace `k` uses identity `k % I` and registry `(k / I) % R`, so every identity × registry is used.
    package func seed(namespaces count: Int, prefix: String = "bench") throws {
        for index in 0..<count {
            let identity = identityNames[index % identityNames.count]
            let registry = registries[(index / identityNames.count) % registries.count]
            try kube.create(
                .namespaces,
                [
                    "metadata": [
                        "name": .string("\(prefix)-\(index)"),
                        "annotations": [
                            SecretLayout.registriesAnnotation: .string(registry),
                            SecretLayout.identityAnnotation: .string(identity),
                        ],
                    ]
                ])
        }
    }

    /// `pullkeeper run` as a child process against this world, without client-side rate limit.
    package func controller(
        workers: Int, once: Bool = false, arguments: [String] = [], executable: String? = nil
    ) throws -> ControllerProcess {
        try ControllerProcess(
            kubeconfig: kubeconfigPath, config: configPath, workers: workers, once: once,
            log: directory + "/controller-\(UUID().uuidString.prefix(8)).log", arguments: arguments,
            executable: executable)
    }

    /// Successful writes (create, update, patch, delete) by resource, and every request by verb.
    package func requestCounts() -> (writes: Int, byVerb: [String: Int]) {
        var byVerb: [String: Int] = [:]
        var writes = 0
        for (key, count) in kube.requestCounts() {
            byVerb[key.verb, default: 0] += count
            if ["create", "update", "patch", "delete"].contains(key.verb), (200..<300).contains(key.code) {
                writes += count
            }
        }
        return (writes, byVerb)
    }

    /// Namespaces whose Secret exists and whose default service account lists it.
    package func synced(_ names: [String]) -> Int {
        let secrets = Set(kube.objects(.secrets).compactMap { $0.value(at: ["metadata", "namespace"])?.stringValue })
        let attached = Set(
            kube.objects(.serviceAccounts).filter { account in
                account.value(at: ["metadata", "name"])?.stringValue == "default"
                    && (account.value(at: ["imagePullSecrets"])?.arrayValue ?? []).contains {
                        $0.value(at: ["name"])?.stringValue == "acr-pull"
                    }
            }.compactMap { $0.value(at: ["metadata", "namespace"])?.stringValue })
        return names.filter { secrets.contains($0) && attached.contains($0) }.count
    }

    /// `refreshed-at` and `expires-at` of every managed Secret, by namespace.
    package func secretTimes() -> [String: (refreshed: String, expires: Date?)] {
        var times: [String: (String, Date?)] = [:]
        for secret in kube.objects(.secrets) {
            guard let namespace = secret.value(at: ["metadata", "namespace"])?.stringValue,
                let annotations = secret.value(at: ["metadata", "annotations"])
            else { continue }
            times[namespace] = (
                annotations.value(at: [SecretLayout.refreshedAtAnnotation])?.stringValue ?? "",
                SecretLayout.parseTimestamp(annotations.value(at: [SecretLayout.expiresAtAnnotation])?.stringValue)
            )
        }
        return times
    }

    package func stop() async {
        await azure.shutdown()
        await kube.shutdown()
        try? FileManager.default.removeItem(atPath: directory)
    }
}
