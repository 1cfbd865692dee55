import Controller
import Foundation
import Reconciler
import ServiceLifecycle

/// Writes to stdout: on a terminal the table redraws in place, piped it prints plain lines.
package struct DemoOutput: Sendable {
    package init(terminal: Bool) {
        self.terminal = terminal
    }

    package let terminal: Bool

    package func say(_ text: String) {
        write(text + "\n")
    }

    private func write(_ text: String) {
        FileHandle.standardOutput.write(Data(text.utf8))
    }

    /// On a terminal: redraws the whole table. Piped: prints the table once, then one line per row whose state,
    /// refresh count or registries changed (a log a CI job can read).
    package func show(
        _ rows: [StatusRow], header: String, elapsed: Duration, previous: [String: String]
    ) -> [String: String] {
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
package struct DemoDisplay: ServiceLifecycle.Service {
    package init(
        scenario: DemoScenario, runtime: ControllerRuntime, output: DemoOutput, interval: Duration, duration: Duration?
    ) {
        self.scenario = scenario
        self.runtime = runtime
        self.output = output
        self.interval = interval
        self.duration = duration
    }

    package let scenario: DemoScenario
    package let runtime: ControllerRuntime
    package let output: DemoOutput
    package let interval: Duration
    package let duration: Duration?

    package func run() async throws {
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
package struct RefreshCounter {
    private var seen: [String: (Date?, Int)] = [:]

    package mutating func update(_ rows: [StatusRow]) -> [StatusRow] {
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
