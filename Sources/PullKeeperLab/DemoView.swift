import Controller
import Foundation
import PullKeeperCore

/// What the demo's live view shows, as lines of plain text that fit the terminal: a header, the table with the reason
/// of every row that is not Valid, the newest Event, and the footer with the commands to try (always last, always
/// on screen).
package enum DemoView {
    /// The state of a demo namespace that has not opted in (`try-me` until someone annotates it).
    package static let notOptedIn = "NotOptedIn"
    package static let notOptedInWhy = "not opted in — try the annotate command below"
    /// Narrowest WHY column worth keeping; below it the reasons go under the table, one line each.
    static let minimumWhyWidth = 24

    /// One screen: `width` columns, at most `height` lines when known. Table and reason lines are cut to the width
    /// (an ellipsis marks the cut) so that no row wraps; footer lines are commands to copy and are never cut (on a
    /// terminal narrower than a command, the terminal wraps it). When the screen is too short, the blank lines
    /// give way first, then the newest Event, the reasons under the table, and table rows from the bottom: header
    /// and footer stay.
    package static func screen(
        rows: [StatusRow], events: [String: NamespaceEvents], header: String, footer: [String], width: Int,
        height: Int?, now: Date
    ) -> [String] {
        let width = max(width, 20)
        let table = self.table(rows: rows, events: events, width: width, now: now)
        var tableLines = table.lines
        var reasons = table.below
        var lastEvent: [String] = []
        if let newest = events.values.compactMap(\.last).max(by: { ($0.time, $0.key) < ($1.time, $1.key) }) {
            lastEvent = [fit("Last event: " + describe(newest, now: now, namespace: true), width: width)]
        }
        var head = [fit(header, width: width), ""]
        var foot = [""] + footer
        guard let height else { return head + tableLines + reasons + lastEvent + foot }
        func excess() -> Int { head.count + tableLines.count + reasons.count + lastEvent.count + foot.count - height }
        // What gives way when the screen is too short, in order: the blank lines, the newest Event, the reasons
        // (from the last, one line saying how many are not shown), the table's last rows. Header and footer stay.
        if excess() > 0 {
            head = [head[0]]
            foot = footer
        }
        if excess() > 0 { lastEvent = [] }
        if excess() > 0, !reasons.isEmpty {
            let keep = max(0, reasons.count - excess() - 1)
            reasons =
                Array(reasons.prefix(keep)) + [
                    fit("… \(reasons.count - keep) more reasons (a taller terminal shows them)", width: width)
                ]
        }
        if excess() > 0 { tableLines = Array(tableLines.prefix(max(0, tableLines.count - excess()))) }
        return head + tableLines + reasons + lastEvent + foot
    }

    /// The table: a WHY column when at least `minimumWhyWidth` columns are left for it, else the reasons as lines
    /// under the table (`below`); the SECRET column goes when every row has the same Secret and the reasons need
    /// the room. STATE comes right after NAMESPACE and REGISTRIES last, so that a narrow terminal
    /// cuts the registries, not the state. Every line is at most `width` wide.
    package static func table(
        rows: [StatusRow], events: [String: NamespaceEvents], width: Int, now: Date
    ) -> (lines: [String], below: [String]) {
        let header = ["NAMESPACE", "SECRET", "STATE", "EXPIRES IN", "REFRESHED", "REFRESHES", "REGISTRIES"]
        let cells: [[String]] = rows.map { row in
            [
                row.namespace, row.secret, row.state,
                row.expiresAt.map { StatusTable.duration($0.timeIntervalSince(now)) } ?? "-",
                row.refreshedAt.map { StatusTable.duration(now.timeIntervalSince($0)) + " ago" } ?? "-",
                row.refreshes.map(String.init) ?? "-",
                row.registries.isEmpty ? "-" : row.registries.joined(separator: ","),
            ]
        }
        let whys = rows.map { why(for: $0, events: events[$0.namespace], now: now) }
        // A column of one repeated Secret name says nothing per row: a narrow table leaves it out.
        var layouts = [(header, cells)]
        if Set(rows.map(\.secret)).subtracting(["-"]).count <= 1 {
            layouts.append(
                (
                    header.filter { $0 != "SECRET" },
                    cells.map {
                        var row = $0; row.remove(at: 1); return row
                    }
                ))
        }
        func lines(_ text: String) -> [String] {
            text.split(separator: "\n", omittingEmptySubsequences: false).dropLast().map {
                fit(String($0).trimmingTrailingSpaces, width: width)
            }
        }
        // The first layout where every reason is whole, else the one leaving the WHY column most room.
        let longest = whys.map { $0?.count ?? 0 }.max() ?? 0
        let room = layouts.map { header, cells in
            // Where the WHY column would start: after the other columns, padded, and two spaces.
            width
                - (TextTable.render(header: header + [""], rows: cells.map { $0 + [""] }).split(separator: "\n")
                    .map(\.count).max() ?? 0)
        }
        if let chosen = room.firstIndex(where: { $0 >= longest }) ?? room.indices.max(by: { room[$0] < room[$1] }),
            room[chosen] >= minimumWhyWidth
        {
            let (header, cells) = layouts[chosen]
            return (
                lines(
                    TextTable.render(
                        header: header + ["WHY / LAST EVENT"], rows: zip(cells, whys).map { $0 + [$1 ?? ""] })),
                []
            )
        }
        let (narrowHeader, narrowCells) = layouts[layouts.count - 1]
        var below: [String] = []
        // The invitation first: on a short screen it is the one a newcomer needs.
        let ordered = zip(rows, whys).filter { !isValid($0.0.state) }.sorted {
            ($0.0.state == notOptedIn) && ($1.0.state != notOptedIn)
        }
        for (row, why) in ordered {
            if let why { below.append(fit("  \(row.namespace): \(why)", width: width)) }
        }
        if !below.isEmpty { below.insert("WHY", at: 0) }
        return (lines(TextTable.render(header: narrowHeader, rows: narrowCells)), below)
    }

    /// A Valid row's newest Event (`SecretRefreshed 4s ago`); any other row's reason, in the words of its Warning.
    package static func why(for row: StatusRow, events: NamespaceEvents?, now: Date) -> String? {
        if row.state == notOptedIn { return notOptedInWhy }
        if isValid(row.state) {
            return events?.last.map { "\($0.reason) \(StatusTable.duration(now.timeIntervalSince($0.time))) ago" }
        }
        return DemoWhy.reason(state: row.state, events: events)
    }

    static func isValid(_ state: String) -> Bool { state == "Valid" || state == "UpToDate" }

    /// `team-a Warning TokenFailed (x3): message, 2s ago`.
    package static func describe(_ event: DemoEvent, now: Date, namespace: Bool) -> String {
        let count = event.count > 1 ? " (x\(event.count))" : ""
        let age = StatusTable.duration(now.timeIntervalSince(event.time))
        return (namespace ? event.namespace + " " : "") + "\(event.type) \(event.reason)\(count), \(age) ago: "
            + event.message
    }

    /// Each line of `text` longer than `width` broken between words, the rest indented two more than the line; a
    /// command line (`export …`, `kubectl …`) stays whole, to be copied.
    package static func wrap(_ text: String, width: Int) -> String {
        text.split(separator: "\n", omittingEmptySubsequences: false).map { line -> String in
            let indent = String(line.prefix { $0 == " " })
            let body = line.dropFirst(indent.count)
            guard line.count > width, !body.hasPrefix("export "), !body.hasPrefix("kubectl ") else {
                return String(line)
            }
            var lines: [String] = []
            var current = indent
            var start = current.count
            for word in body.split(separator: " ") {
                if current.count > start, current.count + 1 + word.count > width {
                    lines.append(current)
                    current = indent + "  "
                    start = current.count
                }
                current += (current.count > start ? " " : "") + word
            }
            lines.append(current)
            return lines.joined(separator: "\n")
        }.joined(separator: "\n")
    }

    /// `text` cut to `width` characters, the last one an ellipsis when anything was cut.
    package static func fit(_ text: String, width: Int) -> String {
        guard text.count > width else { return text }
        guard width > 1 else { return String(text.prefix(max(0, width))) }
        return String(text.prefix(width - 1)).trimmingTrailingSpaces + "…"
    }
}

extension String {
    fileprivate var trimmingTrailingSpaces: String {
        var text = self
        while text.last == " " { text.removeLast() }
        return text
    }
}

/// The terminal's size: from the TTY (`TIOCGWINSZ`), else `COLUMNS` / `LINES`, else 80 columns and no height.
package enum TerminalSize {
    package static func current(
        fileDescriptor: Int32 = STDOUT_FILENO, environment: [String: String] = ProcessInfo.processInfo.environment
    ) -> (columns: Int, lines: Int?) {
        var size = winsize()
        if ioctl(fileDescriptor, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0 {
            return (Int(size.ws_col), size.ws_row > 0 ? Int(size.ws_row) : nil)
        }
        let columns = environment["COLUMNS"].flatMap(Int.init).flatMap { $0 > 0 ? $0 : nil } ?? 80
        return (columns, environment["LINES"].flatMap(Int.init).flatMap { $0 > 0 ? $0 : nil })
    }
}
