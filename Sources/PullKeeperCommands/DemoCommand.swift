import ArgumentParser
import AzureSimulator
import Controller
import Foundation
import KubernetesClient
import KubernetesModel
import KubernetesSimulator
import Logging
import PullKeeperCore
import Reconciler
import ServiceLifecycle

/// `pullkeeper demo`: both simulators, a handful of namespaces, the real controller, and a live table.
public struct DemoCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Run pullkeeper against embedded Kubernetes and Azure simulators and show its Secrets live.")

    @Option(help: "Stop after this many seconds (default: run until Ctrl-C).")
    var duration: Double?

    @Option(help: "Lifetime in seconds of the tokens the simulated Azure issues (refreshes at about half of it).")
    var tokenLifetime: Double = 60

    @Option(help: "Directory for the simulators' files (default: a new temporary directory).")
    var stateDir: String?

    @Option(help: "Seconds between table updates.")
    var interval: Double = 1

    public init() {}

    public func validate() throws {
        try SecondsFlag.check(["--duration": duration, "--token-lifetime": tokenLifetime, "--interval": interval])
        guard tokenLifetime >= 10 else { throw ValidationError("--token-lifetime must be at least 10 seconds") }
        if let duration, duration <= 0 { throw ValidationError("--duration must be positive") }
        guard interval > 0 else { throw ValidationError("--interval must be positive") }
    }

    public func run() async throws {
        let output = DemoOutput(terminal: isatty(STDOUT_FILENO) == 1)
        output.say("pullkeeper demo: starting the Kubernetes and Azure simulators on 127.0.0.1 ...")
        let directory = stateDir ?? NSTemporaryDirectory() + "pullkeeper-demo-\(UUID().uuidString.prefix(8))"
        let lifetime = Duration.milliseconds(Int64(tokenLifetime * 1000))
        var azure = AzureSimulator.Configuration()
        azure.lifetimes = .init(entra: lifetime, managedIdentity: lifetime, refresh: lifetime, access: lifetime)
        var kube = KubernetesSimulator.Configuration()
        kube.logger = Logger(label: "demo") { _ in SwiftLogNoOpLogHandler() }
        let world = try await SimulatedWorld.start(
            directory: directory, kubernetes: kube, azure: azure, configExtra: DemoScenario.configExtra)
        let scenario: DemoScenario
        let runtime: ControllerRuntime
        do {
            scenario = try DemoScenario(world: world)
            try await scenario.createNamespaces()
            runtime = try await scenario.runtime()
        } catch {
            await world.shutdown()
            throw error
        }
        output.say(scenario.introduction)
        let display = DemoDisplay(
            scenario: scenario, runtime: runtime, output: output, interval: .milliseconds(Int64(interval * 1000)),
            duration: duration.map { .milliseconds(Int64($0 * 1000)) })
        let group = ServiceGroup(
            configuration: .init(
                services: runtime.services + [
                    .init(service: display, successTerminationBehavior: .gracefullyShutdownGroup)
                ],
                gracefulShutdownSignals: [.sigterm, .sigint],
                logger: Logger(label: "demo") { _ in SwiftLogNoOpLogHandler() }))
        do {
            try await group.run()
        } catch {
            output.say("pullkeeper demo: \(error)")
        }
        await runtime.closeClients()
        let verdict = await scenario.verdict()
        await world.shutdown()
        output.say(verdict.summary)
        if stateDir == nil { try? FileManager.default.removeItem(atPath: directory) }
        if !verdict.ok { throw ExitCode(1) }
    }
}

/// Writes to stdout: on a terminal the table redraws in place, piped it prints plain lines.
struct DemoOutput: Sendable {
    let terminal: Bool

    func say(_ text: String) {
        write(text + "\n")
    }

    private func write(_ text: String) {
        FileHandle.standardOutput.write(Data(text.utf8))
    }

    /// On a terminal: redraws the whole table. Piped: prints the table once, then one line per row whose state,
    /// refresh count or registries changed (a log a CI job can read).
    func show(_ rows: [StatusRow], header: String, elapsed: Duration, previous: [String: String]) -> [String: String] {
        let now = Date()
        var current: [String: String] = [:]
        for row in rows {
            current[row.namespace + "/" + row.secret] =
                "\(row.state) \(row.refreshes ?? 0) \(row.registries.joined(separator: ","))"
        }
        if terminal {
            write("\u{1B}[H\u{1B}[2J" + header + "\n\n" + StatusTable.render(rows, now: now, showRefreshes: true))
        } else if previous.isEmpty {
            write(header + "\n" + StatusTable.render(rows, now: now, showRefreshes: true))
        } else {
            let stamp = "[\(String(format: "%5.1f", elapsed.seconds)) s]"
            for row in rows
            where previous[row.namespace + "/" + row.secret] != current[row.namespace + "/" + row.secret] {
                let expires = row.expiresAt.map { "expires in " + StatusTable.duration($0.timeIntervalSince(now)) }
                let fields = [
                    stamp, row.namespace, row.secret, row.state, "refreshes=\(row.refreshes ?? 0)",
                    expires ?? "no expiry",
                ]
                write(fields.joined(separator: "  ") + "\n")
            }
        }
        return current
    }
}

/// Updates the table every `interval` until `duration` passes or the group shuts down.
struct DemoDisplay: ServiceLifecycle.Service {
    let scenario: DemoScenario
    let runtime: ControllerRuntime
    let output: DemoOutput
    let interval: Duration
    let duration: Duration?

    func run() async throws {
        let start = ContinuousClock.now
        var previous: [String: String] = [:]
        var refreshes = RefreshCounter()
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            let elapsed = ContinuousClock.now - start
            let rows = refreshes.update(await scenario.rows(states: runtime.controller.namespaceStates))
            var header = "pullkeeper demo — \(Int(elapsed.seconds)) s"
            if let duration { header += " of \(Int(duration.seconds)) s" }
            header += " — tokens live \(Int(scenario.world.azure.tokenLifetimes.refresh.seconds)) s, "
            header += "exchanges \(scenario.world.azure.requestCount(.exchange)) — Ctrl-C to stop"
            previous = output.show(rows, header: header, elapsed: elapsed, previous: previous)
            if let duration, elapsed >= duration { return }
            try? await Task.sleep(for: interval)
        }
    }
}

/// Counts how often each namespace's Secret was written (a new `refreshed-at`).
struct RefreshCounter {
    private var seen: [String: (Date?, Int)] = [:]

    mutating func update(_ rows: [StatusRow]) -> [StatusRow] {
        rows.map { row in
            var row = row
            let key = row.namespace + "/" + row.secret
            let (last, count) = seen[key] ?? (nil, 0)
            let writes = row.refreshedAt == nil ? 0 : (row.refreshedAt == last ? count : count + 1)
            seen[key] = (row.refreshedAt, writes)
            row.refreshes = max(0, writes - 1)
            return row
        }
    }
}
