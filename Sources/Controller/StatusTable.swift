import Foundation
import KubernetesModel
import PullKeeperConfig
import PullKeeperCore
import Reconciler

/// One line of `pullkeeper status` (and of the demo's live table).
package struct StatusRow: Sendable, Hashable {
    package var namespace: String
    package var secret: String
    package var registries: [String]
    package var expiresAt: Date?
    package var refreshedAt: Date?
    package var state: String
    /// Demo only: how many times the Secret was written.
    package var refreshes: Int?

    package init(
        namespace: String, secret: String, registries: [String], expiresAt: Date? = nil, refreshedAt: Date? = nil,
        state: String, refreshes: Int? = nil
    ) {
        self.namespace = namespace
        self.secret = secret
        self.registries = registries
        self.expiresAt = expiresAt
        self.refreshedAt = refreshedAt
        self.state = state
        self.refreshes = refreshes
    }
}

package enum StatusTable {
    /// Rows for every managed Secret, plus opted-in namespaces that have none yet (`Missing`).
    package static func rows(
        secrets: [Secret], namespaces: [Namespace], config: OperatorConfig?, now: Date
    ) -> [StatusRow] {
        var rows: [StatusRow] = secrets.compactMap { secret in
            guard let namespace = secret.metadata.namespace, let name = secret.metadata.name else { return nil }
            let annotations = secret.metadata.annotations ?? [:]
            let expiresAt = SecretLayout.parseTimestamp(annotations[SecretLayout.expiresAtAnnotation])
            let decoded = secret.data?[SecretLayout.dockerConfigJSONKey].map(DockerConfig.decode)
            var registries: [String] = []
            let state: String
            switch decoded {
            case .success(let config)?:
                registries = config.auths.keys.sorted()
                if let expiresAt, expiresAt <= now {
                    state = "Expired"
                } else {
                    state = "Valid"
                }
            case .failure(let problem)?:
                state = "Corrupt (\(problem))"
            case nil:
                state = "Corrupt (no \(SecretLayout.dockerConfigJSONKey))"
            }
            return StatusRow(
                namespace: namespace, secret: name, registries: registries, expiresAt: expiresAt,
                refreshedAt: SecretLayout.parseTimestamp(annotations[SecretLayout.refreshedAtAnnotation]),
                state: state)
        }
        if let config {
            let covered = Set(rows.map(\.namespace))
            for namespace in namespaces {
                let observed = ObservedNamespace(
                    name: namespace.metadata.name ?? "", labels: namespace.metadata.labels ?? [:],
                    annotations: namespace.metadata.annotations ?? [:], terminating: namespace.isTerminating)
                guard !covered.contains(observed.name) else { continue }
                switch NamespaceRequest.read(observed, config: config) {
                case .optedIn(let request, _):
                    rows.append(
                        StatusRow(
                            namespace: observed.name, secret: request.secretName, registries: request.registries,
                            state: request.registries.isEmpty ? "Refused" : "Missing"))
                case .invalid:
                    rows.append(StatusRow(namespace: observed.name, secret: "-", registries: [], state: "Invalid"))
                case .refused:
                    rows.append(StatusRow(namespace: observed.name, secret: "-", registries: [], state: "Refused"))
                case .notOptedIn:
                    break
                }
            }
        }
        return rows.sorted { ($0.namespace, $0.secret) < ($1.namespace, $1.secret) }
    }

    /// A plain-text table with a header; `refreshes` adds a column.
    package static func render(_ rows: [StatusRow], now: Date, showRefreshes: Bool = false) -> String {
        var header = ["NAMESPACE", "SECRET", "REGISTRIES", "EXPIRES IN", "LAST REFRESH"]
        if showRefreshes { header.append("REFRESHES") }
        header.append("STATE")
        let lines: [[String]] = rows.map { row in
            var cells = [
                row.namespace, row.secret, row.registries.isEmpty ? "-" : row.registries.joined(separator: ","),
                row.expiresAt.map { Self.duration($0.timeIntervalSince(now)) } ?? "-",
                row.refreshedAt.map { Self.duration(now.timeIntervalSince($0)) + " ago" } ?? "-",
            ]
            if showRefreshes { cells.append(row.refreshes.map(String.init) ?? "-") }
            cells.append(row.state)
            return cells
        }
        return TextTable.render(header: header, rows: lines)
    }

    /// `1h02m`, `4m05s`, `12s`, or `-3s` for the past.
    package static func duration(_ seconds: TimeInterval) -> String {
        let sign = seconds < 0 ? "-" : ""
        let total = Int(abs(seconds).rounded(.down))
        let (hours, minutes, secs) = (total / 3600, total % 3600 / 60, total % 60)
        if hours > 0 { return sign + "\(hours)h" + String(format: "%02dm", minutes) }
        if minutes > 0 { return sign + "\(minutes)m" + String(format: "%02ds", secs) }
        return sign + "\(secs)s"
    }
}
