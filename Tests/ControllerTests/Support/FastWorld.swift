import AzureAuth
import AzureSimulator
import Controller
import Foundation
import KubernetesClient
import KubernetesModel
import KubernetesSimulator
import Logging
import PullKeeperConfig
import PullKeeperConfigLoader
import PullKeeperCore
import PullKeeperLab
import PullKeeperTesting
import Reconciler
import Synchronization

/// The real controller runtime on simulated time: its Kubernetes and Azure traffic is served in-process by the
/// simulators (no sockets, no TLS), and every timer, backoff, renewal and token expiry runs on a `ManualClock`
/// that the test moves. An hour of token lifetime costs milliseconds.
final class FastWorld: Sendable {
    /// RSA key generation is slow in debug builds: every world shares one set.
    static let keys = Result { try AzureSimulatorKeys.generate() }
    static let quiet = Logger(label: "test") { _ in SwiftLogNoOpLogHandler() }

    let clock: ManualClock
    let sim: SimulatedWorld
    let kube: InProcessKubernetes
    let azure: InProcessAzure
    let admin: HTTPKubernetesClient
    let cluster: ClusterActions
    let config: OperatorConfig
    let kubernetes: KubernetesClientConfiguration

    var registry: String { sim.readyMade.registry }
    var deniedRegistry: String { sim.readyMade.deniedRegistry }
    var simulator: AzureSimulator { sim.azure }

    private init(
        clock: ManualClock, sim: SimulatedWorld, kube: InProcessKubernetes, azure: InProcessAzure,
        admin: HTTPKubernetesClient, config: OperatorConfig, kubernetes: KubernetesClientConfiguration
    ) {
        self.clock = clock
        self.sim = sim
        self.kube = kube
        self.azure = azure
        self.admin = admin
        self.cluster = ClusterActions(admin: admin, registry: sim.readyMade.registry)
        self.config = config
        self.kubernetes = kubernetes
    }

    /// Starts the simulators (their ready-made identities and files), with tokens living `lifetime` of simulated
    /// time; runs `body`; shuts everything down whatever happens.
    static func run(
        lifetime: Duration = .seconds(3600), configExtra: String = "", _ body: (FastWorld) async throws -> Void
    ) async throws {
        let clock = ManualClock(epoch: Date())
        let directory = NSTemporaryDirectory() + "pullkeeper-fast-\(UUID().uuidString.prefix(8))"
        var azure = AzureSimulator.Configuration()
        azure.lifetimes = .init(entra: lifetime, managedIdentity: lifetime, refresh: lifetime, access: lifetime)
        azure.now = { clock.date }
        var kube = KubernetesSimulator.Configuration()
        kube.logger = quiet
        let sim = try await SimulatedWorld.start(
            directory: directory, kubernetes: kube, azure: azure, azureKeys: try keys.get(), configExtra: configExtra)
        let world: FastWorld
        do {
            let inProcess = InProcessKubernetes(simulator: sim.kubernetes)
            var (configuration, _) = try KubernetesConfigurationLoader(environment: [:]).load(
                kubeconfig: sim.kubeconfigPath)
            configuration.qps = 0
            let admin = try HTTPKubernetesClient(configuration: configuration, logger: quiet, transport: inProcess)
            world = FastWorld(
                clock: clock, sim: sim, kube: inProcess, azure: InProcessAzure(simulator: sim.azure), admin: admin,
                config: try ConfigLoader.load(path: sim.configPath), kubernetes: configuration)
        } catch {
            await sim.shutdown()
            throw error
        }
        do {
            try await body(world)
        } catch {
            await sim.shutdown()
            try? FileManager.default.removeItem(atPath: directory)
            throw error
        }
        await sim.shutdown()
        try? FileManager.default.removeItem(atPath: directory)
    }

    // MARK: Controllers

    /// A controller runtime as `pullkeeper run` builds it, on the manual clock and the in-process transports;
    /// `token` authenticates as another user of the simulated cluster.
    func runtime(
        token: String? = nil, once: Bool = false, leaderElection: ControllerRuntime.LeaderElection? = nil,
        config: OperatorConfig? = nil, instance: String = "test", logger: Logger = FastWorld.quiet,
        options: Controller.Options? = nil, azureTransport: (any HTTPTransport)? = nil,
        rightsAudit: RightsAuditor.Schedule? = nil
    ) throws -> ControllerRuntime {
        var configuration = kubernetes
        if let token { configuration.credentials = StaticCredentialProvider(KubernetesCredentials(token: token)) }
        // The client's retries (429, 5xx) wait on the manual clock too.
        let manual = clock.runtimeClock
        configuration.retry.sleep = { try await manual.sleep(for: $0) }
        var setup = ControllerRuntime.Setup(
            config: config ?? self.config, kubernetes: configuration, environment: [:],
            options: options
                ?? .init(workers: 8, once: once, instance: instance, stallTimeout: .seconds(86_400)),
            leaderElection: leaderElection, logger: logger)
        setup.clock = clock.runtimeClock
        setup.kubernetesTransport = kube
        setup.azureTransport = azureTransport ?? azure
        setup.rightsAudit = rightsAudit
        return try ControllerRuntime(setup)
    }

    /// Runs a controller in the background until `stop`.
    func start(_ runtime: ControllerRuntime) -> Task<Void, any Error> {
        Task { try await runtime.run() }
    }

    func stop(_ runtime: ControllerRuntime, _ task: Task<Void, any Error>) async throws {
        await runtime.stop()
        try await task.value
    }

    // MARK: Simulated time

    /// Waits (a few milliseconds of real time) until nothing moves at the current simulated time: no request to
    /// either simulator in flight or begun, no Kubernetes change, no key waiting for a worker. A pass waiting on
    /// the manual clock (a backoff, a retry, a wait limit) counts as settled: only moving the clock moves it.
    func settle(_ runtimes: ControllerRuntime..., timeout: Duration = .seconds(20)) async {
        let deadline = ContinuousClock.now + timeout
        var last = (-1, -1, -1)
        var stable = 0
        // Quiet for six polls and for four times the slowest recent poll: on a loaded machine (CI's two cores
        // running tests in parallel) a 3 ms sleep can take 50, and the next watch event is just as late.
        var quietSince = ContinuousClock.now
        var slowestPoll = Duration.milliseconds(3)
        var polled = ContinuousClock.now
        while ContinuousClock.now < deadline {
            if stable >= 6 && ContinuousClock.now - quietSince >= slowestPoll * 4 { break }
            try? await Task.sleep(for: .milliseconds(3))
            let now = ContinuousClock.now
            slowestPoll = max(slowestPoll * 0.9, now - polled)
            polled = now
            var quiet = kube.inFlight == 0 && azure.inFlight == 0
            // Keys waiting while a worker is free will be taken at once. Before the caches sync (no workers yet),
            // or with every worker waiting on the manual clock, only moving the clock moves them.
            for runtime in runtimes where runtime.controller.hasSynced {
                let counts = await runtime.controller.queue.counts
                if counts.ready > 0 && counts.processing < runtime.controller.workerCount { quiet = false }
                let repair = await runtime.controller.repairQueue.counts
                if repair.ready > 0 && repair.processing == 0 { quiet = false }
            }
            let counts = (kube.count { _ in true }, azure.sent, sim.kubernetes.revision)
            if quiet && counts == last {
                stable += 1
            } else {
                stable = 0
                quietSince = ContinuousClock.now
            }
            last = counts
        }
    }

    /// Moves simulated time timer by timer (settling after each) until `condition` holds or `limit` of simulated
    /// time has passed; true when it held.
    /// `step`: at least this much simulated time per move (timers fire up to `step` late; bounded work per move
    /// when thousands of timers are spread out).
    func advance(
        _ runtimes: ControllerRuntime..., limit: Duration, step: Duration = .zero,
        until condition: () async throws -> Bool
    ) async rethrows -> Bool {
        let end = clock.now.advanced(by: limit)
        // What was just started must have registered its timers before the clock can move to the next one.
        for runtime in runtimes { await settle(runtime) }
        while true {
            if try await condition() { return true }
            guard let next = clock.nextDeadline, next <= end else {
                // Nothing due before the end: look once more after letting everything run, then jump.
                for runtime in runtimes { await settle(runtime) }
                if try await condition() { return true }
                if let next = clock.nextDeadline, next <= end {
                    clock.advance(to: next)
                    for runtime in runtimes { await settle(runtime) }
                    continue
                }
                clock.advance(to: end)
                for runtime in runtimes { await settle(runtime) }
                return try await condition()
            }
            clock.advance(to: max(next, min(end, clock.now.advanced(by: step))))
            for runtime in runtimes { await settle(runtime) }
        }
    }

    /// Runs a `--once` runtime to its end, moving simulated time on while it waits for its quiet period.
    func runOnce(_ runtime: ControllerRuntime) async throws {
        let task = start(runtime)
        let done = Mutex(false)
        let watcher = Task {
            _ = try? await task.value
            done.withLock { $0 = true }
        }
        var rounds = 0
        while !done.withLock({ $0 }) && rounds < 10_000 {
            await settle(runtime)
            if done.withLock({ $0 }) { break }
            clock.advance(by: .milliseconds(500))
            rounds += 1
        }
        await watcher.value
        try await task.value
    }

    /// Simulated time since the world started.
    var elapsed: Duration { clock.now.offset }

    /// Writes (create, update, patch, delete) on Secrets and service accounts the simulator answered with 2xx.
    func writes() -> Int {
        sim.kubernetes.requestCounts().filter { key, _ in
            ["create", "update", "patch", "delete"].contains(key.verb)
                && ["secrets", "serviceaccounts"].contains(key.resource) && (200..<300).contains(key.code)
        }.values.reduce(0, +)
    }
}
