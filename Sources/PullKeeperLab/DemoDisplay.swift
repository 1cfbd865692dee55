import Controller
import Foundation
import Reconciler
import ServiceLifecycle
import Synchronization

/// Writes to stdout: on a terminal a live view redrawn in place on the alternate screen, piped plain lines.
package struct DemoOutput: Sendable {
    package init(
        terminal: Bool, size: @escaping @Sendable () -> (columns: Int, lines: Int?) = { TerminalSize.current() }
    ) {
        self.terminal = terminal
        self.size = size
    }

    package let terminal: Bool
    /// The terminal's size, asked on every redraw (a resized window is used from the next one).
    package let size: @Sendable () -> (columns: Int, lines: Int?)

    /// The terminal's last table (no header, no footer), printed again once the alternate screen is left.
    private let lastTable = LastTable()

    private final class LastTable: Sendable {
        let lines = Mutex<[String]>([])
    }

    /// What the piped log has shown: each row's state and each namespace's newest Event.
    package struct Shown: Sendable {
        package var rows: [String: String] = [:]
        package var events: [String: String] = [:]
        package init() {}
    }

    package func say(_ text: String) {
        write(text + "\n")
    }

    /// A paragraph: on a terminal wrapped at its width between words (commands are left whole, to be copied).
    package func sayWrapped(_ text: String) {
        say(terminal ? DemoView.wrap(text, width: size().columns) : text)
    }

    private func write(_ text: String) {
        FileHandle.standardOutput.write(Data(text.utf8))
    }

    /// Terminal only: the alternate screen, cursor hidden (the live view redraws in place).
    package func enterLiveView() {
        if terminal { write(Self.enter) }
    }

    /// Terminal only: cursor shown, alternate screen left: the terminal as it was before `enterLiveView`.
    package func leaveLiveView() {
        guard terminal else { return }
        write(Self.leave)
        let lines = lastTable.lines.withLock { $0 }
        if !lines.isEmpty { write(lines.joined(separator: "\n") + "\n") }
    }

    static let enter = "\u{1B}[?1049h\u{1B}[?25l"
    static let leave = "\u{1B}[?25h\u{1B}[?1049l"

    /// One redraw: the cursor home, each line cleared before it is written (after a full-width line the cursor
    /// waits on its last cell, which a clear would erase), the rest of the screen cleared. No newline after the last
    /// line (on the bottom row it would scroll the header away).
    package static func frame(_ lines: [String]) -> String {
        "\u{1B}[H" + lines.map { "\u{1B}[2K" + $0 }.joined(separator: "\r\n") + "\u{1B}[J"
    }

    /// On a terminal: redraws the whole screen (`DemoView.screen`). Piped: prints the table once, then one line per
    /// row whose state, refresh count or registries changed (with its reason when it is not Valid) and one line
    /// per namespace whose newest Event changed (a log a CI job can read).
    package func show(
        _ rows: [StatusRow], events: [String: NamespaceEvents], header: String, footer: [String], elapsed: Duration,
        shown: inout Shown
    ) {
        let now = Date()
        var current: [String: String] = [:]
        for row in rows {
            current[row.namespace + "/" + row.secret] =
                "\(row.state) \(row.refreshes ?? 0) \(row.registries.joined(separator: ","))"
        }
        if terminal {
            let (columns, lines) = size()
            let table = DemoView.screen(
                rows: rows, events: events, header: header, footer: [], width: columns, height: nil, now: now)
            // Without the header ("Ctrl-C to stop" is over by then) and the trailing blank line.
            lastTable.lines.withLock { $0 = Array(table.dropFirst(2).dropLast()) }
            write(
                Self.frame(
                    DemoView.screen(
                        rows: rows, events: events, header: header, footer: footer, width: columns, height: lines,
                        now: now)))
            return
        }
        let stamp = "[\(String(format: "%5.1f", elapsed.seconds)) s]"
        if shown.rows.isEmpty {
            write(header + "\n" + StatusTable.render(rows, now: now, showRefreshes: true))
        } else {
            for row in rows
            where shown.rows[row.namespace + "/" + row.secret] != current[row.namespace + "/" + row.secret] {
                let expires = row.expiresAt.map { "expires in " + StatusTable.duration($0.timeIntervalSince(now)) }
                var fields = [
                    stamp, row.namespace, row.secret, row.state, "refreshes=\(row.refreshes ?? 0)",
                    expires ?? "no expiry",
                ]
                if !DemoView.isValid(row.state),
                    let why = DemoView.why(for: row, events: events[row.namespace], now: now)
                {
                    fields.append("why: " + why)
                }
                write(fields.joined(separator: "  ") + "\n")
            }
        }
        shown.rows = current
        for (namespace, entry) in events.sorted(by: { $0.key < $1.key }) {
            guard let last = entry.last else { continue }
            let seen = "\(last.key) \(last.count)"
            guard shown.events[namespace] != seen else { continue }
            shown.events[namespace] = seen
            write("\(stamp)  event  \(DemoView.describe(last, now: now, namespace: true))\n")
        }
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
        var shown = DemoOutput.Shown()
        var refreshes = RefreshCounter()
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            let elapsed = ContinuousClock.now - start
            let rows = refreshes.update(await scenario.rows(states: runtime.controller.namespaceStates))
            let events = await scenario.events()
            // What matters most first: a narrow terminal cuts the header's end.
            var header = "pullkeeper demo — Ctrl-C to stop — \(Int(elapsed.seconds)) s"
            if let duration { header += " of \(Int(duration.seconds)) s" }
            header += " — tokens live \(Int(scenario.world.azure.tokenLifetimes.refresh.seconds)) s, "
            header += "exchanges \(scenario.world.azure.requestCount(.exchange))"
            output.show(
                rows, events: events, header: header, footer: scenario.footer, elapsed: elapsed, shown: &shown)
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
