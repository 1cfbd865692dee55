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
final class BenchWorld: Sendable {
    let kube: KubernetesSimulator
    let azure: AzureSimulator
    let registries: [String]
    let identityNames: [String]
    let config: OperatorConfig
    let directory: String
    let kubeconfigPath: String

    private init(
        kube: KubernetesSimulator, azure: AzureSimulator, registries: [String], identityNames: [String],
        config: OperatorConfig, directory: String, kubeconfigPath: String
    ) {
        self.kube = kube
        self.azure = azure
        self.registries = registries
        self.identityNames = identityNames
        self.config = config
        self.directory = directory
        self.kubeconfigPath = kubeconfigPath
    }

    static func start(
        identities: Int, registries: Int, lifetime: Duration, keys: AzureSimulatorKeys, directory: String
    ) async throws -> BenchWorld {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        var kubeConfiguration = KubernetesSimulator.Configuration()
        kubeConfiguration.logger = Logger(label: "bench") { _ in SwiftLogNoOpLogHandler() }
        kubeConfiguration.auditLimit = 1000
        kubeConfiguration.historyLimit = 200_000
        let kube = try KubernetesSimulator(configuration: kubeConfiguration)
        var azureConfiguration = AzureSimulator.Configuration(registryListeners: registries)
        azureConfiguration.lifetimes = .init(
            entra: lifetime, managedIdentity: lifetime, refresh: lifetime, access: lifetime)
        let azure = try AzureSimulator(configuration: azureConfiguration, keys: keys)
        try await kube.start()
        try await azure.start()
        let tenant = UUID().uuidString.lowercased()
        azure.addTenant(tenant)
        let hosts = azure.registryListenerHosts
        for host in hosts { azure.addRegistry(host) }
        let caPath = directory + "/ca.pem"
        try azure.writeCACertificate(to: caPath)
        var identityConfigs: [IdentityConfig] = []
        for index in 0..<identities {
            let clientID = UUID().uuidString.lowercased()
            let secret = UUID().uuidString
            _ = try azure.addApplication(tenant: tenant, clientID: clientID)
            try azure.addClientSecret(tenant: tenant, clientID: clientID, secret: secret)
            for host in hosts { try azure.assignRole(.acrPull, principal: clientID, registry: host) }
            let secretFile = directory + "/identity-\(index).secret"
            try writePrivateFile(secret, to: secretFile)
            identityConfigs.append(
                IdentityConfig(
                    name: "bench-\(index)",
                    credential: .servicePrincipal(
                        .init(tenantID: tenant, clientID: clientID, clientSecretFile: secretFile))))
        }
        let config = OperatorConfig(
            cloud: .custom, authorityHost: azure.authorityHost,
            registries: hosts.map { RegistryEntry(loginServer: $0, authEndpoint: azure.registryAuthEndpoint) },
            caFile: caPath, defaultIdentity: identityConfigs.first?.name,
            refresh: RefreshPolicy(fraction: 0.5, jitter: 0.1, resync: .seconds(600)), identities: identityConfigs)
        let kubeconfigPath = directory + "/kubeconfig"
        try writePrivateFile(kube.kubeconfig(), to: kubeconfigPath)
        return BenchWorld(
            kube: kube, azure: azure, registries: hosts, identityNames: identityConfigs.map(\.name), config: config,
            directory: directory, kubeconfigPath: kubeconfigPath)
    }

    /// Namespace `k` uses identity `k % I` and registry `(k / I) % R`, so every identity × registry is used.
    func seed(namespaces count: Int, prefix: String = "bench") throws {
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

    /// A controller as `pullkeeper run` builds it, without client-side rate limit.
    func runtime(workers: Int, once: Bool = false) throws -> ControllerRuntime {
        var (kubernetes, _) = try KubernetesConfigurationLoader(environment: [:]).load(kubeconfig: kubeconfigPath)
        kubernetes.qps = 0
        kubernetes.maxConnections = max(16, workers + 4)
        return try ControllerRuntime(
            .init(
                config: config, kubernetes: kubernetes, environment: [:],
                options: .init(workers: workers, once: once, instance: "bench"),
                logger: Logger(label: "bench") { _ in SwiftLogNoOpLogHandler() }))
    }

    /// Successful writes (create, update, patch, delete) by resource, and every request by verb.
    func requestCounts() -> (writes: Int, byVerb: [String: Int]) {
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
    func synced(_ names: [String]) -> Int {
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
    func secretTimes() -> [String: (refreshed: String, expires: Date?)] {
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

    func stop() async {
        await azure.shutdown()
        await kube.shutdown()
        try? FileManager.default.removeItem(atPath: directory)
    }
}
