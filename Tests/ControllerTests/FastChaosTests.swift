import AzureSimulator
import Controller
import Foundation
import KubernetesSimulator
import PullKeeperCore
import PullKeeperLab
import PullKeeperTesting
import Synchronization
import Testing

extension SimulatedTime {
    /// Issue 9 §1 and §7 on simulated time: many namespaces through every kind of fault at once for two token
    /// lifetimes, at debug log level. `pullkeeper bench --chaos` runs the same faults against 10,000 namespaces in real
    /// time over HTTPS (RELIABILITY.md).
    @Suite("Chaos on simulated time")
    struct FastChaosTests {
        @Test("300 namespaces, two hours of faults: all end valid; nothing expired, lost or foreign changed; no leak")
        func chaos() async throws {
            try await FastWorld.run(lifetime: .seconds(3600)) { world in
                let names = (0..<300).map { "chaos-\($0)" }
                let foreign = try ChaosRun(namespaces: names.count).seed(world.sim, names: names)
                let capture = LogCapture()
                let faults = Mutex((injected: 0, random: SplitMix64(seed: 0xC4A05), on: true))
                let codes = [500, 503, 429]
                world.kube.intercept { call in
                    guard ["create", "update", "patch", "delete"].contains(call.verb) else { return .proceed }
                    return faults.withLock { state in
                        guard state.on, state.random.next() % 5 == 0 else { return .proceed }
                        state.injected += 1
                        let code = codes[Int(state.random.next() % 3)]
                        return .fail(
                            status: code, reason: code == 429 ? "TooManyRequests" : "InternalError", message: "chaos")
                    }
                }
                let runtime = try world.runtime(
                    logger: capture.logger(label: "pullkeeper", level: .debug),
                    options: .init(workers: 16, instance: "chaos", stallTimeout: .seconds(120)))
                let task = world.start(runtime)
                world.simulator.injectFault(.throttled(retryAfter: 2), endpoint: .entra, count: 20)
                world.simulator.injectFault(.gone, endpoint: .imds, count: 40)
                var monitor = ChaosMonitor(names: names)
                let kube = world.sim.kubernetes
                var converged: Duration?
                var step = 0
                // Two hours of faults in 20-second steps, then up to an hour without them.
                let began = ContinuousClock.now
                while world.elapsed < .seconds(3 * 3600) {
                    let faulting = world.elapsed < .seconds(2 * 3600)
                    if faulting {
                        if step % 12 == 0 { kube.dropWatches() }
                        if step % 45 == 22 { kube.compact() }
                        if step % 30 == 15 { world.simulator.injectFault(.unavailable, endpoint: .exchange, count: 5) }
                    } else {
                        faults.withLock { $0.on = false }
                    }
                    world.clock.advance(by: .seconds(20))
                    await world.settle(runtime)
                    let all = monitor.sample(kube, now: world.clock.date)
                    if all && converged == nil { converged = world.elapsed }
                    if all && !faulting { break }
                    step += 1
                }
                try await world.stop(runtime, task)
                let injected = faults.withLock { $0.injected }
                let leaks = LeakScan(world: world.sim, observedPasswords: monitor.passwords).count(
                    lines: capture.all, events: kube.objects(.events) + kube.objects(.eventsV1),
                    metrics: runtime.metrics.render())
                print(
                    "fast chaos: first all-valid after \(converged.map { "\($0)" } ?? "never") of simulated time; "
                        + "expired \(monitor.expired.count), lost \(monitor.lost), foreign modified "
                        + "\(foreign.modified(in: kube)), \(injected) write faults, \(capture.all.count) debug lines, "
                        + "\(ContinuousClock.now - began) of real time")
                let allValidAtTheEnd = monitor.sample(kube, now: world.clock.date)
                #expect(converged != nil)
                #expect(allValidAtTheEnd)
                #expect(monitor.expired.isEmpty, "\(monitor.expired.sorted().prefix(5))")
                #expect(monitor.lost == 0)
                #expect(foreign.modified(in: kube) == 0)
                #expect(leaks == 0)
                #expect(capture.all.count > 1000)
                #expect(injected > 300)
            }
        }
    }
}
