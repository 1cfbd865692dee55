import AzureSimulator
import Foundation
import KubernetesClient
import KubernetesModel
import Logging
import Reconciler
import Synchronization

/// `pullkeeper bench --kubeconfig`: initial sync, steady state and restart of the real `pullkeeper run` against a
/// real API server, next to a baseline (`BaselineClient`) that makes the same writes for as many other namespaces
/// through the same server in the same run. The Azure side is the in-process simulator. It creates 2N + 1
/// namespaces it does not delete: meant for a throwaway cluster (`scripts/bench-real` starts and stops one).
package struct RealBench: Sendable {
    package init(
        kubeconfig: String, namespaces: Int, workers: Int, steady: Duration, routineEvents: Bool,
        measured: [String: Int32], controllerArguments: [String], controllerBinary: String?, keys: AzureSimulatorKeys,
        progress: @escaping @Sendable (String) -> Void
    ) {
        self.kubeconfig = kubeconfig
        self.namespaces = namespaces
        self.workers = workers
        self.steady = steady
        self.routineEvents = routineEvents
        self.measured = measured
        self.controllerArguments = controllerArguments
        self.controllerBinary = controllerBinary
        self.keys = keys
        self.progress = progress
    }

    package var kubeconfig: String
    package var namespaces: Int
    package var workers: Int
    package var steady: Duration
    /// Whether pullkeeper records its routine Events (and so the baseline makes them too).
    package var routineEvents: Bool
    /// Other processes whose CPU is reported per scenario, by name (the API server's, etcd's).
    package var measured: [String: Int32]
    /// Extra arguments for `pullkeeper run`.
    package var controllerArguments: [String]
    /// Another pullkeeper binary to run as the controller (an A/B comparison with the same harness).
    package var controllerBinary: String?
    package var keys: AzureSimulatorKeys
    package var progress: @Sendable (String) -> Void

    /// CPU seconds of this process and of the measured ones, read together.
    struct CPU {
        var own: Double
        var others: [String: Double]

        init(_ measured: [String: Int32]) {
            own = ProcessStats.cpuSeconds()
            others = measured.compactMapValues { ProcessStats.cpuSeconds(pid: $0) }
        }

        /// What was used from `self` until `end`.
        func until(_ end: CPU) -> (own: Double, others: [String: Double]) {
            var others: [String: Double] = [:]
            for (name, value) in end.others { others[name] = value - (self.others[name] ?? value) }
            return (end.own - own, others)
        }
    }

    package func run() async throws -> RealBenchReport {
        let directory = NSTemporaryDirectory() + "pullkeeper-bench-real-\(UUID().uuidString.prefix(8))"
        let (configuration, _) = try KubernetesConfigurationLoader(environment: ProcessInfo.processInfo.environment)
            .load(kubeconfig: kubeconfig)
        var harnessConfiguration = configuration
        harnessConfiguration.qps = 0
        harnessConfiguration.maxConnections = max(4, workers)
        harnessConfiguration.userAgent = "pullkeeper-bench"
        let logger = Logger(label: "bench") { _ in SwiftLogNoOpLogHandler() }
        let harness = try HTTPKubernetesClient(configuration: harnessConfiguration, logger: logger)
        let baseline = try await BaselineClient(configuration: configuration, connections: workers)
        let azure = try await BenchAzure.start(
            identities: 1, registries: 1, lifetime: .seconds(3 * 3600), keys: keys, directory: directory,
            configExtra: routineEvents ? "" : "events: {routine: false}\n")
        let tracker = UsableTracker()
        do {
            let report = try await withThrowingTaskGroup(of: Void.self) { group in
                defer { group.cancelAll() }
                tracker.start(client: harness, logger: logger, in: &group)
                return try await measure(
                    harness: harness, baseline: baseline, azure: azure, tracker: tracker, directory: directory,
                    server: configuration.server)
            }
            await finish(harness: harness, baseline: baseline, azure: azure, directory: directory)
            return report
        } catch {
            await finish(harness: harness, baseline: baseline, azure: azure, directory: directory)
            throw error
        }
    }

    private func finish(
        harness: HTTPKubernetesClient, baseline: BaselineClient, azure: BenchAzure, directory: String
    ) async {
        await baseline.shutdown()
        try? await harness.shutdown()
        await azure.simulator.shutdown()
        try? FileManager.default.removeItem(atPath: directory)
    }

    private func measure(
        harness: HTTPKubernetesClient, baseline: BaselineClient, azure: BenchAzure, tracker: UsableTracker,
        directory: String, server: String
    ) async throws -> RealBenchReport {
        let run = String(UInt32.random(in: 0..<UInt32.max), radix: 36)
        let ours = (0..<namespaces).map { "pk-\(run)-\($0)" }
        let theirs = (0..<namespaces).map { "bl-\(run)-\($0)" }
        let registry = azure.registries[0]
        let annotations = [
            SecretLayout.registriesAnnotation: registry, SecretLayout.identityAnnotation: azure.identityNames[0],
        ]
        func controller(once: Bool = false) throws -> ControllerProcess {
            try ControllerProcess(
                kubeconfig: kubeconfig, config: azure.configPath, workers: workers, once: once,
                log: directory + "/controller-\(UUID().uuidString.prefix(8)).log", arguments: controllerArguments,
                executable: controllerBinary)
        }

        // Warm-up: one namespace synced by `run --once`; its Secret is the baseline's template (same size).
        progress("warm-up: one namespace, pullkeeper run --once ...")
        let warm = "pk-\(run)-warm"
        try await harness.create(Namespace(metadata: ObjectMeta(name: warm, annotations: annotations)))
        try await tracker.waitForAccounts([warm], timeout: .seconds(120))
        let first = try controller(once: true)
        guard await first.waitForExit() == 0 else {
            throw LabFailure("pullkeeper run --once failed on the warm-up namespace: \(first.logTail())")
        }
        let template = try await secretTemplate(baseline: baseline, namespace: warm)

        progress(
            "seeding \(2 * namespaces) namespaces (\(namespaces) for pullkeeper, \(namespaces) for the baseline) ...")
        try await Self.concurrently(2 * namespaces, workers: workers) { index in
            let name = index < namespaces ? ours[index] : theirs[index - namespaces]
            try await harness.createDiscardingResult(
                Namespace(metadata: ObjectMeta(name: name, annotations: index < namespaces ? annotations : nil)))
            // The controller manager makes it too, but at its own 20 requests per second (5 minutes for 6,000).
            do {
                try await harness.createDiscardingResult(
                    ServiceAccount(metadata: ObjectMeta(name: "default", namespace: name)))
            } catch let error as KubernetesError where error.isAlreadyExists {}
        }
        try await tracker.waitForAccounts(ours + theirs, timeout: .seconds(600))

        progress("baseline: the same writes for \(namespaces) namespaces, \(workers) at a time ...")
        let baselineWindow = try await Window(opening: baseline, measured: measured)
        try await Self.concurrently(namespaces, workers: workers) { index in
            try await baseline.writeNamespace(theirs[index], secretTemplate: template, events: routineEvents)
        }
        let baselineResult = try await baselineWindow.close("baseline", namespaces: namespaces)
        progress("baseline: \(String(format: "%.2f", baselineResult.wallSeconds)) s")

        progress("initial sync: pullkeeper run over \(namespaces) namespaces ...")
        azure.simulator.resetCounters()
        let syncWindow = try await Window(opening: baseline, measured: measured)
        let process = try controller()
        process.resetPeak()
        let deadline = syncWindow.started + .seconds(900)
        while tracker.usable(ours) < namespaces {
            guard process.isRunning, ContinuousClock.now < deadline else {
                await process.stop()
                throw LabFailure(
                    "the initial sync did not finish (\(tracker.usable(ours)) of \(namespaces) usable): "
                        + process.logTail())
            }
            try await Task.sleep(for: .milliseconds(20))
        }
        var sync = try await syncWindow.close(
            "initial-sync", namespaces: namespaces, cpuSeconds: process.cpuSeconds, peakRSSBytes: process.peakRSSBytes)
        let usable = tracker.timesToUsable(ours, since: syncWindow.started)
        sync.timeToUsableP50Seconds = Bench.percentile(usable, 0.5)
        sync.timeToUsableP99Seconds = Bench.percentile(usable, 0.99)
        sync.entraRequests = azure.simulator.requestCount(.entra)
        sync.exchanges = azure.simulator.requestCount(.exchange)
        progress("initial sync: \(String(format: "%.2f", sync.wallSeconds)) s")
        progress("steady state for \(Int(steady.seconds)) s ...")
        // The sync's last Events land just after the writes they announce: they count for the sync, not for the
        // steady state (the sync's wall time and CPU stay those of the moment the last namespace was usable).
        try await Task.sleep(for: .seconds(2))
        let settled = try await baseline.serverWrites()
        sync.writesByVerb = Self.difference(settled, syncWindow.writes)
        let steadyWindow = Window(writes: settled, baseline: baseline, measured: measured)
        let steadyCPU = process.cpuSeconds
        try await Task.sleep(for: steady)
        let quiet = try await steadyWindow.close(
            "steady-state", namespaces: namespaces, cpuSeconds: process.cpuSeconds - steadyCPU,
            peakRSSBytes: process.peakRSSBytes)
        await process.stop()

        progress("restart: pullkeeper run --once ...")
        azure.simulator.resetCounters()
        let restartWindow = try await Window(opening: baseline, measured: measured)
        let second = try controller(once: true)
        // The child starts fresh: its whole life is the scenario.
        let sampled = await second.waitSampling()
        let restart = try await restartWindow.close(
            "restart", namespaces: namespaces, cpuSeconds: sampled.cpuSeconds, peakRSSBytes: sampled.peakRSSBytes)
        guard sampled.exit == 0 else {
            throw LabFailure("pullkeeper run --once failed after the restart: \(second.logTail())")
        }
        return RealBenchReport(
            server: server, routineEvents: routineEvents, workers: workers,
            scenarios: [baselineResult, sync, quiet, restart])
    }

    /// One scenario's measurement from its opening: kube-apiserver's write counters, the CPU of this process and
    /// of the measured ones (kube-apiserver, etcd), and the clock.
    struct Window {
        let writes: [String: Int]
        let baseline: BaselineClient
        let measured: [String: Int32]
        let cpu: CPU
        let started = ContinuousClock.now

        init(writes: [String: Int], baseline: BaselineClient, measured: [String: Int32]) {
            self.writes = writes
            self.baseline = baseline
            self.measured = measured
            cpu = CPU(measured)
        }

        init(opening baseline: BaselineClient, measured: [String: Int32]) async throws {
            self.init(writes: try await baseline.serverWrites(), baseline: baseline, measured: measured)
        }

        /// The figures until now; the controller's CPU and peak RSS are the caller's (none for the baseline, which
        /// runs in this process).
        func close(
            _ name: String, namespaces: Int, cpuSeconds: Double? = nil, peakRSSBytes: Int? = nil
        ) async throws -> RealBenchReport.Scenario {
            let wall = (ContinuousClock.now - started).seconds
            let used = cpu.until(CPU(measured))
            return RealBenchReport.Scenario(
                name: name, namespaces: namespaces, wallSeconds: wall,
                writes: RealBench.difference(try await baseline.serverWrites(), writes), cpuSeconds: cpuSeconds,
                peakRSSBytes: peakRSSBytes, harnessCPUSeconds: used.own, serverCPUSeconds: used.others)
        }
    }

    /// The warm-up namespace's Secret as JSON with `__NAMESPACE__` for its namespace: name, type, labels,
    /// annotations and data as pullkeeper wrote them (but the managed-by label's value); server-set fields dropped.
    private func secretTemplate(baseline: BaselineClient, namespace: String) async throws -> String {
        let buffer = try await baseline.send(.GET, "/api/v1/namespaces/\(namespace)/secrets/acr-pull")
        guard
            var object = try JSONSerialization.jsonObject(with: Data(buffer: buffer)) as? [String: Any],
            let metadata = object["metadata"] as? [String: Any]
        else { throw LabFailure("the warm-up namespace's Secret is not a JSON object") }
        var kept: [String: Any] = ["name": "acr-pull", "namespace": "__NAMESPACE__"]
        // Not pullkeeper's label (pullkeeper would clean up a Secret of its own in a namespace not opted in).
        var labels = metadata["labels"] as? [String: Any] ?? [:]
        labels[SecretLayout.managedByLabel] = "pk-baseline"
        kept["labels"] = labels
        kept["annotations"] = metadata["annotations"]
        object["metadata"] = kept
        let data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
        return String(decoding: data, as: UTF8.self)
    }

    /// What each counter grew by from `before` to `after` (zeros left out).
    static func difference(_ after: [String: Int], _ before: [String: Int]) -> [String: Int] {
        after.reduce(into: [:]) { result, entry in
            let grown = entry.value - (before[entry.key] ?? 0)
            if grown != 0 { result[entry.key] = grown }
        }
    }

    /// Runs `body` for 0..<count with at most `workers` at a time; the first error cancels the rest and is thrown.
    static func concurrently(
        _ count: Int, workers: Int, _ body: @escaping @Sendable (Int) async throws -> Void
    ) async throws {
        let lanes = min(workers, count)
        try await withThrowingTaskGroup(of: Void.self) { group in
            for lane in 0..<lanes {
                // Lane k takes k, k + lanes, ...: the items cost about the same, so the lanes end together.
                group.addTask {
                    for index in stride(from: lane, to: count, by: lanes) { try await body(index) }
                }
            }
            try await group.waitForAll()
        }
    }
}

/// When each namespace became usable (its Secret `acr-pull` exists and its default ServiceAccount lists it), and
/// which default ServiceAccounts exist, from two informers of the harness (Secrets without their data).
final class UsableTracker: Sendable {
    struct Entry {
        var account = false
        var secret: ContinuousClock.Instant?
        var attached: ContinuousClock.Instant?
    }

    private let entries = Mutex<[String: Entry]>([:])

    func start(client: any KubernetesClient, logger: Logger, in group: inout ThrowingTaskGroup<Void, any Error>) {
        let secrets = Informer<Secret>(
            client: client,
            options: .init(
                labelSelector: "\(SecretLayout.managedByLabel)=pullkeeper", fieldSelector: "metadata.name=acr-pull",
                transform: { secret in
                    var light = secret
                    light.data = nil
                    return light
                }), logger: logger)
        let accounts = Informer<ServiceAccount>(
            client: client, options: .init(fieldSelector: "metadata.name=default"), logger: logger)
        group.addTask { try await secrets.run() }
        group.addTask { try await accounts.run() }
        group.addTask {
            for await change in secrets.changes {
                if case .deleted = change { continue }
                if let namespace = change.object.metadata.namespace { self.sawSecret(namespace) }
            }
        }
        group.addTask {
            for await change in accounts.changes {
                let account = change.object
                guard let namespace = account.metadata.namespace else { continue }
                if case .deleted = change { continue }
                let attached = account.imagePullSecrets?.contains { $0.name == "acr-pull" } ?? false
                self.sawAccount(namespace, attached: attached)
            }
        }
    }

    private func sawSecret(_ namespace: String) {
        let now = ContinuousClock.now
        entries.withLock { entries in
            if entries[namespace, default: Entry()].secret == nil { entries[namespace, default: Entry()].secret = now }
        }
    }

    private func sawAccount(_ namespace: String, attached: Bool) {
        let now = ContinuousClock.now
        entries.withLock { entries in
            entries[namespace, default: Entry()].account = true
            if attached, entries[namespace, default: Entry()].attached == nil {
                entries[namespace, default: Entry()].attached = now
            }
        }
    }

    func usable(_ names: [String]) -> Int {
        entries.withLock { entries in
            names.count { entries[$0]?.secret != nil && entries[$0]?.attached != nil }
        }
    }

    /// Seconds from `start` until each usable namespace of `names` became usable, sorted.
    func timesToUsable(_ names: [String], since start: ContinuousClock.Instant) -> [Double] {
        entries.withLock { entries in
            names.compactMap { name -> Double? in
                guard let secret = entries[name]?.secret, let attached = entries[name]?.attached else { return nil }
                return (max(secret, attached) - start).seconds
            }.sorted()
        }
    }

    /// Waits until every namespace of `names` has its default ServiceAccount (the controller manager makes them).
    func waitForAccounts(_ names: [String], timeout: Duration) async throws {
        let deadline = ContinuousClock.now + timeout
        while true {
            let missing = entries.withLock { entries in names.count { entries[$0]?.account != true } }
            if missing == 0 { return }
            guard ContinuousClock.now < deadline else {
                throw LabFailure(
                    "\(missing) of \(names.count) namespaces have no default ServiceAccount after \(timeout) "
                        + "(is kube-controller-manager running?)")
            }
            try await Task.sleep(for: .milliseconds(100))
        }
    }
}
