import Controller
import Foundation
import KubernetesModel
import PullKeeperLab
import Testing

/// Issue 19: what a person sees in `pullkeeper demo`'s live view, rendered without a terminal.
@Suite("Demo view: the footer stays, every row that is not Valid says why, nothing wraps")
struct DemoViewTests {
    static let now = Date(timeIntervalSince1970: 1_800_000_000)
    static let registry = "contoso.azurecr.io"
    static let footer = [
        "Try it in a second terminal, then watch try-me's row:",
        "export KUBECONFIG=/tmp/pullkeeper-demo-1a2b3c4d/kubeconfig",
        "kubectl annotate namespace try-me pullkeeper.io/registries=\(registry)",
        "kubectl get secret acr-pull -n try-me -o yaml",
        "kubectl get events -n try-me",
    ]

    static func row(_ namespace: String, _ state: String, secret: String = "acr-pull") -> StatusRow {
        let valid = state == "Valid"
        return StatusRow(
            namespace: namespace, secret: secret, registries: state == "Refused" ? [] : [registry],
            expiresAt: valid ? now.addingTimeInterval(42) : nil, refreshedAt: valid ? now.addingTimeInterval(-3) : nil,
            state: state, refreshes: valid ? 2 : nil)
    }

    /// The demo's namespaces as they stand a few seconds in.
    static let rows: [StatusRow] = [
        row("conflict", "Conflict"), row("intruder", "Refused", secret: "-"), row("labelled", "Valid"),
        row("refused", "Refused", secret: "-"), row("static-admin", "Valid"), row("team-a", "Valid"),
        row("team-b", "Pending"), row("team-c", "Valid"), row("team-d", "Valid"),
        row("try-me", DemoView.notOptedIn, secret: "-"),
    ]

    static func event(
        _ namespace: String, _ type: String, _ reason: String, _ message: String, secondsAgo: Double, count: Int = 1
    ) -> DemoEvent {
        DemoEvent(
            namespace: namespace, type: type, reason: reason, message: message,
            time: now.addingTimeInterval(-secondsAgo), count: count)
    }

    static let identityRefused =
        "identity admin is not granted to namespace intruder; a cluster admin grants it in the pullkeeper config "
        + "(identities[].namespaces)"
    static let conflict = "Secret acr-pull exists and is not managed by pullkeeper; it is left alone"
    static let registryRefused =
        "identity limited is not granted registry fabrikam.azurecr.io; a cluster admin grants it in the pullkeeper "
        + "config (identities[].registries)"

    static let events: [String: NamespaceEvents] = DemoEvents.byNamespace([
        event("intruder", "Warning", "IdentityRefused", identityRefused, secondsAgo: 5),
        event("conflict", "Warning", "SecretConflict", conflict, secondsAgo: 6, count: 3),
        event("refused", "Warning", "RegistryRefused", registryRefused, secondsAgo: 6),
        event("team-a", "Normal", "SecretCreated", "Secret acr-pull created", secondsAgo: 9),
        event("team-a", "Normal", "SecretRefreshed", "Secret acr-pull refreshed", secondsAgo: 3),
    ])

    static func screen(width: Int, height: Int?) -> [String] {
        DemoView.screen(
            rows: rows, events: events, header: "pullkeeper demo — Ctrl-C to stop — 7 s of 30 s — tokens live 12 s",
            footer: footer, width: width, height: height, now: now)
    }

    @Test("the footer is the screen's last lines, whole, at every size", arguments: [(80, 24), (140, 40), (80, 14)])
    func footerStays(width: Int, height: Int) {
        let lines = Self.screen(width: width, height: height)
        #expect(Array(lines.suffix(Self.footer.count)) == Self.footer)
        #expect(lines.count <= height)
        #expect(lines.first?.hasPrefix("pullkeeper demo — Ctrl-C to stop") == true)
    }

    @Test("a short terminal drops reasons before table rows, and says so")
    func shortTerminal() throws {
        let all = Self.screen(width: 80, height: nil)
        let short = Self.screen(width: 80, height: 22)
        #expect(short.count <= 22)
        #expect(all.count > 22)
        // Every table row is still there.
        for row in Self.rows {
            #expect(short.contains { $0.hasPrefix(row.namespace + " ") })
        }
        #expect(short.contains { $0.hasPrefix("… ") && $0.contains("more reasons") })
        // The blank lines and the newest Event went first; the invitation to try-me is the first reason kept.
        #expect(!short.contains { $0.hasPrefix("Last event:") || $0.isEmpty })
        let reasons = try #require(short.firstIndex(of: "WHY"))
        #expect(short[reasons + 1] == "  try-me: " + DemoView.notOptedInWhy)
    }

    @Test("80x24, the demo's rows: every reason, the invitation and the newest Event fit with the footer")
    func demoAt80x24() {
        let rows = Self.rows.map { row in
            var row = row
            if row.namespace == "team-b" { row = Self.row("team-b", "Valid") }
            return row
        }
        let lines = DemoView.screen(
            rows: rows, events: Self.events, header: "pullkeeper demo — Ctrl-C to stop — 7 s", footer: Self.footer,
            width: 80, height: 24, now: Self.now)
        #expect(lines.count <= 24)
        for namespace in ["conflict", "intruder", "refused", "try-me"] {
            #expect(lines.contains { $0.hasPrefix("  \(namespace): ") }, "\(namespace)")
        }
        #expect(!lines.contains { $0.contains("more reasons") })
        #expect(lines.contains { $0.hasPrefix("Last event: team-a Normal SecretRefreshed") })
        #expect(!lines.contains(""), "the blank lines gave way")
        #expect(Array(lines.suffix(Self.footer.count)) == Self.footer)
    }

    @Test("every row that is not Valid has its reason in the words of its Warning Event; Valid rows their last Event")
    func whyTexts() {
        func why(_ namespace: String) -> String? {
            let row = Self.rows.first { $0.namespace == namespace }!
            return DemoView.why(for: row, events: Self.events[namespace], now: Self.now)
        }
        #expect(why("intruder") == "IdentityRefused: " + Self.identityRefused)
        #expect(why("refused") == "RegistryRefused: " + Self.registryRefused)
        #expect(why("conflict") == "SecretConflict: " + Self.conflict)
        #expect(why("team-b")?.hasPrefix("pending credential") == true)
        #expect(why("try-me") == "not opted in — try the annotate command below")
        #expect(why("team-a") == "SecretRefreshed 3s ago")
        #expect(why("team-c") == nil)
        // A failure newer than the last success explains a Pending row; an older one is history.
        var failing = Self.events["team-a"]!
        let failed = Self.event("team-a", "Warning", "TokenFailed", "HTTP 503 from the token endpoint", secondsAgo: 1)
        failing = DemoEvents.byNamespace([failing.lastNormal!, failed])["team-a"]!
        #expect(DemoWhy.reason(state: "Pending", events: failing) == "TokenFailed: HTTP 503 from the token endpoint")
        let recovered = DemoEvents.byNamespace([
            Self.event("team-a", "Warning", "TokenFailed", "HTTP 503", secondsAgo: 8),
            Self.event("team-a", "Normal", "SecretRefreshed", "Secret acr-pull refreshed", secondsAgo: 2),
        ])["team-a"]
        #expect(DemoWhy.reason(state: "Refreshing", events: recovered)?.hasPrefix("refreshing") == true)
    }

    @Test("wide: a WHY column with every reason whole")
    func wide() throws {
        let lines = Self.screen(width: 260, height: nil)
        let header = try #require(lines.first { $0.hasPrefix("NAMESPACE") })
        #expect(header.hasSuffix("WHY / LAST EVENT"))
        #expect(header.range(of: "REGISTRIES")!.lowerBound < header.range(of: "WHY")!.lowerBound)
        #expect(header.hasPrefix("NAMESPACE     SECRET    STATE"))
        #expect(header.contains("SECRET"))
        let intruder = try #require(lines.first { $0.hasPrefix("intruder ") })
        #expect(intruder.hasSuffix("IdentityRefused: " + Self.identityRefused))
        #expect(lines.contains { $0.hasPrefix("try-me ") && $0.hasSuffix(DemoView.notOptedInWhy) })
        #expect(!lines.contains { $0.contains("…") })
    }

    @Test(
        "every table and reason line fits the width; only what was cut ends in an ellipsis",
        arguments: [60, 80, 100, 140])
    func fitsWidth(width: Int) throws {
        let lines = Self.screen(width: width, height: nil)
        let body = lines.dropLast(Self.footer.count)
        for line in body {
            #expect(line.count <= width, "\(line.count) > \(width): \(line)")
        }
        // Each reason appears, whole or cut at the width.
        for namespace in ["intruder", "refused", "conflict"] {
            let row = Self.rows.first { $0.namespace == namespace }!
            let why = try #require(DemoView.why(for: row, events: Self.events[namespace], now: Self.now))
            let line = try #require(body.first { $0.contains(String(why.prefix(15))) }, "\(namespace) at \(width)")
            // From where the reason starts: the whole reason, or its beginning and an ellipsis at the width.
            let shown = String(
                line[
                    try #require(line.range(of: String(why.prefix(15))))
                        .lowerBound...])
            if shown.hasSuffix("…") {
                // Cut at the width (a space left before the ellipsis is dropped).
                #expect(line.count == width || (line.count == width - 1 && why.dropFirst(shown.count - 1).first == " "))
                #expect(why.hasPrefix(shown.dropLast()))
            } else {
                #expect(shown == why)
            }
        }
    }

    @Test("80 columns: the reasons go under the table, one namespace a line")
    func narrow() throws {
        let lines = Self.screen(width: 80, height: nil)
        let header = try #require(lines.first { $0.hasPrefix("NAMESPACE") })
        #expect(!header.contains("WHY"))
        #expect(!header.contains("SECRET"), "one Secret name for all: the narrow table leaves the column out")
        #expect(header.hasPrefix("NAMESPACE     STATE       EXPIRES IN"))
        // The state is whole on every row (a cut takes the registries first).
        for row in Self.rows {
            #expect(lines.contains { $0.hasPrefix(row.namespace) && $0.contains(" \(row.state) ") })
        }
        let why = try #require(lines.firstIndex(of: "WHY"))
        let reasons = Array(lines[(why + 1)...])
        #expect(reasons.contains { $0.hasPrefix("  intruder: IdentityRefused: identity admin") })
        #expect(reasons.contains { $0 == "  try-me: " + DemoView.notOptedInWhy })
        #expect(!reasons.contains { $0.hasPrefix("  team-a:") }, "a Valid row needs no reason")
        #expect(lines.contains { $0.hasPrefix("Last event: team-a Normal SecretRefreshed, 3s ago") })
    }

    @Test("the introduction wraps between words at the width; commands stay whole")
    func wrap() {
        let text = """
            Namespaces: team-a (service principal, secret), team-b (certificate, all service accounts), team-c
              kubectl annotate namespace try-me pullkeeper.io/registries=registry-with-a-long-name.azurecr.io
            short
            """
        let lines = DemoView.wrap(text, width: 40).split(separator: "\n").map(String.init)
        #expect(lines.first == "Namespaces: team-a (service principal,")
        #expect(
            lines.contains(
                "  kubectl annotate namespace try-me pullkeeper.io/registries=registry-with-a-long-name.azurecr.io"))
        #expect(lines.last == "short")
        for line in lines where !line.contains("kubectl") {
            #expect(line.count <= 40, "\(line)")
        }
        // Nothing lost, nothing added but the breaks and the indent.
        #expect(
            lines.joined(separator: " ").split(separator: " ")
                == text.split(whereSeparator: { $0 == " " || $0 == "\n" }))
    }

    @Test("fit cuts to the width with an ellipsis and leaves short text alone")
    func fit() {
        #expect(DemoView.fit("abcdef", width: 6) == "abcdef")
        #expect(DemoView.fit("abcdefg", width: 6) == "abcde…")
        #expect(DemoView.fit("abc  defg", width: 6) == "abc…")
    }

    @Test("a redraw: cursor home, each line cleared before it is written, no newline after the last, the rest cleared")
    func frame() {
        let frame = DemoOutput.frame(["one", "two"])
        #expect(frame == "\u{1B}[H\u{1B}[2Kone\r\n\u{1B}[2Ktwo\u{1B}[J")
    }

    @Test("both Event APIs: one Event object read twice is one Event, filed under the namespace it is about")
    func mergeBothAPIs() throws {
        let time = Self.now.addingTimeInterval(-5)
        let regarding = ObjectReference(apiVersion: "v1", kind: "Namespace", name: "intruder")
        var v1 = EventV1(
            metadata: ObjectMeta(name: "intruder.1", namespace: "default"), eventTime: MicroTime(time),
            reportingController: "pullkeeper.io/controller", reportingInstance: "demo", action: "CheckIdentity",
            reason: "IdentityRefused", note: Self.identityRefused, type: "Warning", regarding: regarding)
        v1.series = .init(count: 4, lastObservedTime: MicroTime(Self.now.addingTimeInterval(-1)))
        var core = Event(
            metadata: ObjectMeta(name: "intruder.1", namespace: "default"), involvedObject: regarding,
            reason: "IdentityRefused", message: Self.identityRefused, type: "Warning")
        core.eventTime = MicroTime(time)
        core.reportingComponent = "pullkeeper.io/controller"
        // Someone else's Event is not pullkeeper's to explain.
        var other = Event(
            metadata: ObjectMeta(name: "other.1", namespace: "team-a"),
            involvedObject: ObjectReference(kind: "Pod", namespace: "team-a", name: "web"), reason: "BackOff",
            message: "Back-off pulling image", type: "Warning")
        other.source = EventSource(component: "kubelet")
        // A core/v1 Event about a Secret, as the recorder writes it on a server without events.k8s.io.
        var secret = Event(
            metadata: ObjectMeta(name: "acr-pull.2", namespace: "conflict"),
            involvedObject: ObjectReference(kind: "Secret", namespace: "conflict", name: "acr-pull"),
            reason: "SecretConflict", message: Self.conflict, type: "Warning")
        secret.source = EventSource(component: "pullkeeper")
        secret.lastTimestamp = Time(Self.now)
        secret.count = 2
        let merged = DemoEvents.merge(v1: [v1], core: [core, other, secret])
        #expect(merged.count == 2)
        let intruder = try #require(merged.first { $0.namespace == "intruder" })
        #expect(intruder.count == 4)
        #expect(intruder.time == Self.now.addingTimeInterval(-1))
        #expect(merged.first { $0.namespace == "conflict" }?.count == 2)
        #expect(!merged.contains { $0.reason == "BackOff" })
    }
}
