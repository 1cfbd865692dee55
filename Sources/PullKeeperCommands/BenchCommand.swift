import ArgumentParser
import AzureSimulator
import Foundation
import PullKeeperLab

/// `pullkeeper bench`: the scale scenarios against in-process simulators over HTTPS on loopback, with the real
/// controller code. Prints a table, or `{"scenarios":[...]}` with `--json`.
public struct BenchCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Measure initial sync, steady state, a refresh wave and a restart at scale.")

    @Option(help: "Annotated namespaces (each with a default service account).")
    var namespaces = 1000

    @Option(help: "Service-principal identities the namespaces are spread over.")
    var identities = 1

    @Option(help: "Registries the namespaces are spread over (every identity may pull from every registry).")
    var registries = 1

    @Option(help: "Seconds of the steady-state scenario.")
    var steadySeconds: Double = 60

    @Option(
        help: ArgumentHelp(
            "Token lifetime in seconds for the refresh wave (every Secret must be refreshed once); default: three "
                + "times the initial sync's wall time, at least 60 s, so the first Secrets are not due before the "
                + "last are written."))
    var waveLifetime: Double?

    @Option(help: "Namespaces reconciled at the same time.")
    var workers = 32

    @Option(help: "Comma-separated scenarios: initial-sync, steady-state, restart, refresh-wave (all by default).")
    var scenarios = "initial-sync,steady-state,restart,refresh-wave"

    @Option(help: "Also run scripts/bench-kubectl-baseline (the path given) for the same namespace count.")
    var kubectlBaseline: String?

    @Flag(help: "Run the chaos scenario instead (faults of every kind while --namespaces Secrets are refreshed).")
    var chaos = false

    @Option(
        help: ArgumentHelp(
            "Chaos: seconds of fault injection (the IMDS outage lasts 70 s of it); default: three quarters of the "
                + "token lifetime, at least 90 s, so the first refreshes happen under the faults."))
    var chaosSeconds: Double?

    @Option(
        help: ArgumentHelp(
            "Chaos: lifetime in seconds of the Secrets' tokens; default: 24 ms per namespace, at least 120 s "
                + "(10,000 namespaces: 240 s). Shorter than two full passes under faults, Secrets expire for lack "
                + "of capacity, not of a refresh attempt."))
    var chaosLifetime: Double?

    /// The chaos scenario's token lifetime and fault duration (seconds).
    var chaosTiming: (lifetime: Double, faults: Double) {
        let lifetime = chaosLifetime ?? max(120, 0.024 * Double(namespaces))
        return (lifetime, chaosSeconds ?? max(90, 0.75 * lifetime))
    }

    @Option(help: "Chaos: write the controller's debug log here.")
    var chaosLog: String?

    @Option(
        help: ArgumentHelp(
            "Run initial sync (next to a baseline client making the same writes), steady state and restart against "
                + "this real cluster instead of the simulator. It creates 2 × --namespaces + 1 namespaces and "
                + "deletes none: use a throwaway cluster (scripts/bench-real starts one).",
            valueName: "file"))
    var kubeconfig: String?

    @Option(
        help: ArgumentHelp(
            "With --kubeconfig: also report this process's CPU per scenario (repeatable), e.g. kube-apiserver=1234.",
            valueName: "name=pid"))
    var measureProcess: [String] = []

    @Option(help: "Routine success Events (events.routine in the config): on or off.")
    var routineEvents = "on"

    @Option(
        parsing: .unconditionalSingleValue,
        help: ArgumentHelp("An extra argument for the controller's `pullkeeper run` (repeatable).", valueName: "arg"))
    var controllerArgument: [String] = []

    @Option(
        help: ArgumentHelp(
            "Run this pullkeeper binary as the controller instead of this one (before/after comparisons with one "
                + "harness; it must accept the config this bench writes).", valueName: "path"))
    var controllerBinary: String?

    @Flag(help: "Print JSON instead of a table.")
    var json = false

    public init() {}

    public func validate() throws {
        try SecondsFlag.check([
            "--steady-seconds": steadySeconds, "--wave-lifetime": waveLifetime, "--chaos-seconds": chaosSeconds,
            "--chaos-lifetime": chaosLifetime,
        ])
        guard namespaces > 0, identities > 0, registries > 0, workers > 0 else {
            throw ValidationError("--namespaces, --identities, --registries and --workers must be positive")
        }
        if let waveLifetime, waveLifetime < 10 {
            throw ValidationError("--wave-lifetime must be at least 10 seconds")
        }
        guard ["on", "off"].contains(routineEvents) else {
            throw ValidationError("--routine-events must be on or off")
        }
        _ = try measuredProcesses()
        let known: Set<String> = ["initial-sync", "steady-state", "restart", "refresh-wave"]
        for name in selected where !known.contains(name) {
            throw ValidationError("unknown scenario \(name) (known: \(known.sorted().joined(separator: ", ")))")
        }
    }

    /// `--measure-process` values as name → pid.
    func measuredProcesses() throws -> [String: Int32] {
        var result: [String: Int32] = [:]
        for value in measureProcess {
            let parts = value.split(separator: "=", maxSplits: 1)
            guard parts.count == 2, !parts[0].isEmpty, let pid = Int32(parts[1]), pid > 0 else {
                throw ValidationError("--measure-process \(value): expected NAME=PID")
            }
            result[String(parts[0])] = pid
        }
        return result
    }

    var selected: [String] {
        scenarios.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
    }

    public func run() async throws {
        let keys = try AzureSimulatorKeys.generate()
        let quiet = json
        if let kubeconfig {
            let bench = RealBench(
                kubeconfig: kubeconfig, namespaces: namespaces, workers: workers,
                steady: .milliseconds(Int64(steadySeconds * 1000)), routineEvents: routineEvents == "on",
                measured: try measuredProcesses(), controllerArguments: controllerArgument,
                controllerBinary: controllerBinary, keys: keys,
                progress: { line in if !quiet { print(line) } })
            let report = try await bench.run()
            print(json ? try report.json() : report.table())
            return
        }
        var bench = Bench(
            namespaces: namespaces, identities: identities, registries: registries, workers: workers,
            keys: keys, progress: { line in if !quiet { print(line) } })
        if routineEvents == "off" { bench.configExtra = "events: {routine: false}\n" }
        bench.controllerArguments = controllerArgument
        bench.controllerBinary = controllerBinary
        if chaos {
            let timing = chaosTiming
            var run = ChaosRun(
                namespaces: namespaces, tokenLifetime: .milliseconds(Int64(timing.lifetime * 1000)),
                chaosDuration: .milliseconds(Int64(timing.faults * 1000)), workers: workers)
            run.logPath = chaosLog
            let directory = NSTemporaryDirectory() + "pullkeeper-chaos-\(UUID().uuidString.prefix(8))"
            let report = try await run.run(
                directory: directory, keys: keys, progress: { line in if !quiet { print(line) } })
            try? FileManager.default.removeItem(atPath: directory)
            let output = BenchReport(scenarios: [], chaos: report)
            print(json ? try output.json() : output.table())
            return
        }
        var results: [BenchResult] = []
        let wanted = Set(selected)
        if !wanted.isDisjoint(with: ["initial-sync", "steady-state", "restart"]) {
            results += try await bench.syncSteadyRestart(
                steady: Duration.milliseconds(Int64(steadySeconds * 1000)), wanted: wanted)
        }
        if wanted.contains("refresh-wave") {
            let sync = results.first { $0.name == "initial-sync" }?.wallSeconds ?? 20
            let lifetime = waveLifetime ?? max(60, (3 * sync).rounded(.up))
            results.append(try await bench.refreshWave(lifetime: Duration.milliseconds(Int64(lifetime * 1000))))
        }
        var baseline: KubectlBaseline?
        if let script = kubectlBaseline {
            var measured = try await bench.kubectlBaseline(script: script)
            if let rate = results.first(where: { $0.name == "initial-sync" })?.namespacesPerSecond {
                measured.speedup = rate / measured.namespacesPerSecond
            }
            baseline = measured
        }
        if json {
            print(try BenchReport(scenarios: results, kubectlBaseline: baseline).json())
        } else {
            print(BenchReport(scenarios: results, kubectlBaseline: baseline).table())
        }
    }
}
