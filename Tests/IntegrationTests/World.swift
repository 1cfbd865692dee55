import AzureSimulator
import Controller
import Foundation
import KubernetesClient
import KubernetesModel
import KubernetesSimulator
import Logging
import PullKeeperCommands
import PullKeeperConfig
import PullKeeperConfigLoader
import PullKeeperCore
import PullKeeperLab
import Reconciler
import Testing

/// Both simulators with short token lifetimes, an admin client for the test's own reads and writes, and helpers
/// to run controllers against them.
final class World: Sendable {
    /// RSA key generation is slow in debug builds: every world shares one set.
    static let keys = Result { try AzureSimulatorKeys.generate() }

    let sim: SimulatedWorld
    let admin: HTTPKubernetesClient
    let config: OperatorConfig
    let directory: String

    var kube: KubernetesSimulator { sim.kubernetes }
    var azure: AzureSimulator { sim.azure }
    var registry: String { sim.readyMade.registry }
    var deniedRegistry: String { sim.readyMade.deniedRegistry }

    init(sim: SimulatedWorld, admin: HTTPKubernetesClient, config: OperatorConfig, directory: String) {
        self.sim = sim
        self.admin = admin
        self.config = config
        self.directory = directory
    }

    /// Starts the simulators; `lifetime` applies to every token they issue; `configExtra` is appended to the
    /// ready-made pullkeeper config.
    static func start(lifetime: Duration = .seconds(3600), configExtra: String = "") async throws -> World {
        let directory = NSTemporaryDirectory() + "pullkeeper-it-\(UUID().uuidString.prefix(8))"
        var azure = AzureSimulator.Configuration()
        azure.lifetimes = .init(entra: lifetime, managedIdentity: lifetime, refresh: lifetime, access: lifetime)
        var kube = KubernetesSimulator.Configuration()
        kube.logger = Logger(label: "test.kubernetes-simulator") { _ in SwiftLogNoOpLogHandler() }
        kube.bookmarkInterval = .seconds(1)
        let sim = try await SimulatedWorld.start(
            directory: directory, kubernetes: kube, azure: azure, azureKeys: try keys.get(), configExtra: configExtra)
        let (configuration, _) = try KubernetesConfigurationLoader(environment: [:]).load(
            kubeconfig: sim.kubeconfigPath)
        let admin = try HTTPKubernetesClient(configuration: configuration, logger: World.quiet)
        let config = try ConfigLoader.load(path: sim.configPath)
        return World(sim: sim, admin: admin, config: config, directory: directory)
    }

    /// Starts a world, runs `body` with it, and shuts it down whatever happens.
    static func run(
        lifetime: Duration = .seconds(3600), configExtra: String = "", _ body: (World) async throws -> Void
    ) async throws {
        let world = try await start(lifetime: lifetime, configExtra: configExtra)
        do {
            try await body(world)
        } catch {
            await world.shutdown()
            throw error
        }
        await world.shutdown()
    }

    static let quiet = Logger(label: "test") { _ in SwiftLogNoOpLogHandler() }

    func shutdown() async {
        try? await admin.shutdown()
        await sim.shutdown()
        try? FileManager.default.removeItem(atPath: directory)
    }

    // MARK: Controllers

    /// A controller (as `pullkeeper run` builds it) for `user`'s token (admin by default).
    func runtime(
        token: String? = nil, once: Bool = false, leaderElection: ControllerRuntime.LeaderElection? = nil,
        config: OperatorConfig? = nil, instance: String = "test"
    ) throws -> ControllerRuntime {
        var (configuration, _) = try KubernetesConfigurationLoader(environment: [:]).load(
            kubeconfig: sim.kubeconfigPath)
        if let token { configuration.credentials = StaticCredentialProvider(KubernetesCredentials(token: token)) }
        configuration.qps = 0
        return try ControllerRuntime(
            .init(
                config: config ?? self.config, kubernetes: configuration, environment: [:],
                options: .init(workers: 8, watchTimeout: .seconds(30), once: once, instance: instance),
                leaderElection: leaderElection, logger: World.quiet))
    }

    /// Runs a controller in the background until `stop`.
    func start(_ runtime: ControllerRuntime) -> Task<Void, any Error> {
        Task { try await runtime.run(signals: []) }
    }

    /// Stops a background controller and waits for it to end.
    func stop(_ runtime: ControllerRuntime, _ task: Task<Void, any Error>) async throws {
        await runtime.stop()
        try await task.value
    }

    // MARK: Objects

    @discardableResult
    func namespace(
        _ name: String, annotations: [String: String] = [:], labels: [String: String] = [:]
    ) async throws -> Namespace {
        var metadata = ObjectMeta(name: name)
        metadata.annotations = annotations
        metadata.labels = labels
        return try await admin.create(Namespace(metadata: metadata))
    }

    func optIn(_ name: String, registries: String? = nil, extra: [String: String] = [:]) async throws {
        try await namespace(
            name, annotations: [SecretLayout.registriesAnnotation: registries ?? registry].merging(extra) { $1 })
    }

    func secret(_ namespace: String, _ name: String = "acr-pull") async -> Secret? {
        try? await admin.get(Secret.self, name: name, namespace: namespace)
    }

    func serviceAccount(_ namespace: String, _ name: String = "default") async -> ServiceAccount? {
        try? await admin.get(ServiceAccount.self, name: name, namespace: namespace)
    }

    func pullSecretNames(_ namespace: String, _ account: String = "default") async -> [String] {
        (await serviceAccount(namespace, account)?.imagePullSecrets ?? []).compactMap(\.name)
    }

    func events(_ namespace: String) async -> [Event] {
        (try? await admin.listAll(Event.self, namespace: namespace).items) ?? []
    }

    func eventReasons(_ namespace: String) async -> Set<String> {
        Set(await events(namespace).compactMap(\.reason))
    }

    /// The decoded `.dockerconfigjson` of a Secret.
    func dockerConfig(_ secret: Secret) -> DockerConfig? {
        guard let data = secret.data?[SecretLayout.dockerConfigJSONKey] else { return nil }
        return try? DockerConfig.decode(data).get()
    }

    /// Writes (create, update, patch, delete) on secrets and service accounts the simulator answered with 2xx.
    func writes() -> Int {
        kube.requestCounts().filter { key, _ in
            ["create", "update", "patch", "delete"].contains(key.verb)
                && ["secrets", "serviceaccounts"].contains(key.resource) && (200..<300).contains(key.code)
        }.values.reduce(0, +)
    }
}

/// Polls `condition` until it holds or `timeout` passes (never a timing assertion: the deadline only ends a wait
/// that would otherwise hang; the check that follows it is what the test asserts).
func eventually(
    timeout: Duration = .seconds(30), every interval: Duration = .milliseconds(100),
    _ condition: () async throws -> Bool
) async rethrows -> Bool {
    let deadline = ContinuousClock.now + timeout
    while ContinuousClock.now < deadline {
        if try await condition() { return true }
        try? await Task.sleep(for: interval)
    }
    return try await condition()
}
