import AzureSimulator
import Foundation
import PullKeeperCore
import Reconciler

/// The scenarios of `pullkeeper bench`. Each measures wall time, CPU time and peak RSS of this process (which also
/// hosts the simulators), the simulators' request counters, and what the scenario is about.
package struct Bench: Sendable {
    package init(
        namespaces: Int, identities: Int, registries: Int, workers: Int, keys: AzureSimulatorKeys,
        progress: @escaping @Sendable (String) -> Void
    ) {
        self.namespaces = namespaces
        self.identities = identities
        self.registries = registries
        self.workers = workers
        self.keys = keys
        self.progress = progress
    }

    package var namespaces: Int
    package var identities: Int
    package var registries: Int
    package var workers: Int
    package var keys: AzureSimulatorKeys
    package var progress: @Sendable (String) -> Void
    /// Top-level YAML lines appended to the controller's config (e.g. `events: {routine: false}`).
    package var configExtra = ""
    /// Extra arguments for `pullkeeper run`, and another pullkeeper binary to run as the controller (an A/B
    /// comparison with the same harness).
    package var controllerArguments: [String] = []
    package var controllerBinary: String?

    package var names: [String] { (0..<namespaces).map { "bench-\($0)" } }

    /// A measurement window: counters reset, peak RSS reset (the benchmark's own and the controller's), clocks read.
    package struct Window {
        let world: BenchWorld
        let controller: ControllerProcess?
        let started = ContinuousClock.now
        let cpu: Double
        /// This process's CPU (the simulators and the harness) when the window opened.
        let ownCPU = ProcessStats.cpuSeconds()

        init(_ world: BenchWorld, controller: ControllerProcess?) {
            self.world = world
            self.controller = controller
            world.kube.resetRequestLog()
            world.azure.resetCounters()
            ProcessStats.resetPeak()
            controller?.resetPeak()
            cpu = controller?.cpuSeconds ?? 0
        }

        var elapsed: Double { (ContinuousClock.now - started).seconds }

        /// The figures since the window opened; CPU and peak RSS are the controller process's.
        func result(
            _ name: String, namespaces: Int, rate: Bool = false, expired: Int = 0, controller: ControllerProcess? = nil
        ) -> BenchResult {
            let wall = elapsed
            let counts = world.requestCounts()
            let measured = controller ?? self.controller
            return BenchResult(
                name: name, namespaces: namespaces, wallSeconds: wall,
                namespacesPerSecond: rate ? Double(namespaces) / max(wall, 1e-9) : nil, writes: counts.writes,
                requestsByVerb: counts.byVerb,
                entraRequests: world.azure.requestCount(.entra) + world.azure.requestCount(.imds),
                exchanges: world.azure.requestCount(.exchange), expiredSecrets: expired,
                peakRSSBytes: measured?.peakRSSBytes ?? 0,
                cpuSeconds: (measured?.cpuSeconds ?? 0) - (controller == nil ? cpu : 0),
                simulatorPeakRSSBytes: ProcessStats.peakRSSBytes() ?? 0,
                simulatorCPUSeconds: ProcessStats.cpuSeconds() - ownCPU)
        }
    }

    package func makeWorld(lifetime: Duration, tag: String) async throws -> BenchWorld {
        let directory = NSTemporaryDirectory() + "pullkeeper-bench-\(tag)-\(UUID().uuidString.prefix(8))"
        let world = try await BenchWorld.start(
            identities: identities, registries: registries, lifetime: lifetime, keys: keys, directory: directory,
            configExtra: configExtra)
        try world.seed(namespaces: namespaces)
        return world
    }

    /// Waits until every namespace has its Secret and service-account entry (cheap counters first, then a full
    /// check of the cluster's objects).
    package func waitForSync(
        _ world: BenchWorld, controller: ControllerProcess? = nil, timeout: Duration
    ) async -> Bool {
        let deadline = ContinuousClock.now + timeout
        let names = self.names
        while ContinuousClock.now < deadline {
            if let controller, !controller.isRunning {
                progress("the controller exited before the sync was done: \(controller.logTail())")
                return false
            }
            let created = world.kube.requestCount(verb: "create", resource: "secrets", code: 201)
            let patched = world.kube.requestCount(verb: "patch", resource: "serviceaccounts", code: 200)
            if created >= namespaces && patched >= namespaces && world.synced(names) == namespaces { return true }
            try? await Task.sleep(for: .milliseconds(20))
        }
        return world.synced(names) == namespaces
    }

    /// Waits until no write has succeeded for a second (at most `limit`; a controller that never stops writing is
    /// then seen writing in the steady state).
    func waitForQuiet(_ world: BenchWorld, limit: Duration = .seconds(10)) async {
        let deadline = ContinuousClock.now + limit
        var (last, since) = (world.requestCounts().writes, ContinuousClock.now)
        while ContinuousClock.now < deadline, ContinuousClock.now - since < .seconds(1) {
            try? await Task.sleep(for: .milliseconds(100))
            let writes = world.requestCounts().writes
            if writes != last { (last, since) = (writes, ContinuousClock.now) }
        }
    }

    /// Per namespace, seconds from `start` until both its Secret and its service account were first written.
    static func timesToUsable(_ world: BenchWorld, since start: ContinuousClock.Instant) -> [Double] {
        let secrets = world.kube.firstWrites(resource: "secrets")
        let accounts = world.kube.firstWrites(resource: "serviceaccounts")
        return secrets.compactMap { namespace, written in
            accounts[namespace].map { (max(written, $0) - start).seconds }
        }.sorted()
    }

    /// The `q` quantile of sorted values (nearest rank).
    static func percentile(_ sorted: [Double], _ q: Double) -> Double? {
        guard !sorted.isEmpty else { return nil }
        let rank = Int((q * Double(sorted.count)).rounded(.up)) - 1
        return sorted[min(max(rank, 0), sorted.count - 1)]
    }

    /// initial-sync, steady-state and restart on one world with long-lived tokens.
    package func syncSteadyRestart(steady: Duration, wanted: Set<String>) async throws -> [BenchResult] {
        progress("seeding \(namespaces) namespaces ...")
        let world = try await makeWorld(lifetime: .seconds(3 * 3600), tag: "sync")
        var results: [BenchResult] = []
        do {
            progress("initial sync ...")
            let controller = try world.controller(
                workers: workers, arguments: controllerArguments, executable: controllerBinary)
            let window = Window(world, controller: controller)
            let synced = await waitForSync(world, controller: controller, timeout: .seconds(600))
            var initial = window.result("initial-sync", namespaces: namespaces, rate: true)
            if !synced { initial.namespacesPerSecond = nil }
            let usable = Self.timesToUsable(world, since: window.started)
            if usable.count == namespaces, let p50 = Self.percentile(usable, 0.5) {
                initial.timeToUsableP50Seconds = p50
                initial.timeToUsableP99Seconds = Self.percentile(usable, 0.99)
                initial.usableMedianShare = p50 / max(initial.wallSeconds, 1e-9)
            }
            // The sync's last Events land just after the writes they announce: they count for the sync (its wall time
            // and CPU stay those of the moment it was done), and the steady state starts once the writes stopped.
            await waitForQuiet(world)
            let settled = world.requestCounts()
            (initial.writes, initial.requestsByVerb) = (settled.writes, settled.byVerb)
            results.append(initial)
            progress("initial sync: \(String(format: "%.2f", initial.wallSeconds)) s, synced: \(synced)")

            if wanted.contains("steady-state") {
                progress("steady state for \(Int(steady.seconds)) s ...")
                let quiet = Window(world, controller: controller)
                try? await Task.sleep(for: steady)
                results.append(quiet.result("steady-state", namespaces: namespaces))
            }
            await controller.stop()

            if wanted.contains("restart") {
                progress("restart ...")
                let restart = Window(world, controller: nil)
                let second = try world.controller(
                    workers: workers, once: true, arguments: controllerArguments, executable: controllerBinary)
                // The child starts fresh: its whole life is the scenario (its CPU from zero, its peak from start).
                let sampled = await second.waitSampling()
                var result = restart.result("restart", namespaces: namespaces, rate: true, controller: second)
                result.peakRSSBytes = max(sampled.peakRSSBytes, result.peakRSSBytes)
                result.cpuSeconds = max(sampled.cpuSeconds, result.cpuSeconds)
                results.append(result)
            }
        } catch {
            await world.stop()
            throw error
        }
        await world.stop()
        return results.filter { wanted.contains($0.name) }
    }

    /// Every Secret written once with tokens of `lifetime`, then measured while all of them are refreshed.
    package func refreshWave(lifetime: Duration) async throws -> BenchResult {
        progress("refresh wave: seeding \(namespaces) namespaces, tokens live \(Int(lifetime.seconds)) s ...")
        let world = try await makeWorld(lifetime: lifetime, tag: "wave")
        do {
            let controller = try world.controller(
                workers: workers, arguments: controllerArguments, executable: controllerBinary)
            _ = await waitForSync(world, controller: controller, timeout: .seconds(600))
            let first = world.secretTimes()
            let window = Window(world, controller: controller)
            var refreshedAt: [String: Double] = [:]
            var expired: Set<String> = []
            var lastWrites = 0
            var lastSample = ContinuousClock.now
            var peakRate = 0.0
            let deadline = ContinuousClock.now + lifetime * 3
            while refreshedAt.count < namespaces && ContinuousClock.now < deadline {
                try? await Task.sleep(for: .milliseconds(250))
                let now = Date()
                for (namespace, times) in world.secretTimes() where refreshedAt[namespace] == nil {
                    if times.refreshed != first[namespace]?.refreshed {
                        refreshedAt[namespace] = window.elapsed
                    } else if let expires = times.expires, expires <= now {
                        expired.insert(namespace)
                    }
                }
                let writes = world.requestCounts().writes
                let sampled = ContinuousClock.now
                peakRate = max(peakRate, Double(writes - lastWrites) / max((sampled - lastSample).seconds, 1e-3))
                (lastWrites, lastSample) = (writes, sampled)
            }
            var result = window.result("refresh-wave", namespaces: namespaces, rate: true, expired: expired.count)
            let times = refreshedAt.values
            if let earliest = times.min(), let latest = times.max() {
                result.wallSeconds = latest
                result.namespacesPerSecond = Double(refreshedAt.count) / max(latest - earliest, 1e-3)
                result.refreshSpreadSeconds = latest - earliest
            }
            result.expiredSecrets = expired.count + (namespaces - refreshedAt.count)
            result.peakWritesPerSecond = Int(peakRate.rounded())
            await controller.stop()
            await world.stop()
            return result
        } catch {
            await world.stop()
            throw error
        }
    }

    /// What users do without an operator: a kubectl loop over the same namespaces (scripts/bench-kubectl-baseline).
    package func kubectlBaseline(script: String) async throws -> KubectlBaseline {
        progress("kubectl baseline over \(namespaces) namespaces ...")
        let directory = NSTemporaryDirectory() + "pullkeeper-bench-kubectl-\(UUID().uuidString.prefix(8))"
        let world = try await BenchWorld.start(
            identities: 1, registries: 1, lifetime: .seconds(3600), keys: keys, directory: directory)
        try world.seed(namespaces: namespaces)
        let started = ContinuousClock.now
        let process = Process()
        process.executableURL = URL(fileURLWithPath: script)
        process.arguments = [
            "--namespaces", "\(namespaces)", "--prefix", "bench", "--registry", world.registries[0],
        ]
        var environment = ProcessInfo.processInfo.environment
        environment["KUBECONFIG"] = world.kubeconfigPath
        process.environment = environment
        process.standardOutput = FileHandle.nullDevice
        do {
            try process.run()
            process.waitUntilExit()
        } catch {
            await world.stop()
            throw error
        }
        let wall = (ContinuousClock.now - started).seconds
        let synced = world.synced(names)
        await world.stop()
        guard process.terminationStatus == 0, synced == namespaces else {
            throw LabFailure(
                "the kubectl baseline failed (exit \(process.terminationStatus), \(synced) namespaces done)")
        }
        return KubectlBaseline(
            namespaces: namespaces, wallSeconds: wall, namespacesPerSecond: Double(namespaces) / wall)
    }
}
