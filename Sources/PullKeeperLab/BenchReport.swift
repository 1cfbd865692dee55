import Foundation

/// One scenario's figures, with the field names scripts read from `--json`.
package struct BenchResult: Encodable, Sendable {
    package var name: String
    package var namespaces: Int
    package var wallSeconds: Double
    package var namespacesPerSecond: Double?
    /// Successful create/update/patch/delete requests (Secrets, service accounts, Events).
    package var writes: Int
    package var requestsByVerb: [String: Int]
    /// Entra ID token requests (service principals here: no IMDS).
    package var entraRequests: Int
    package var exchanges: Int
    package var expiredSecrets: Int
    package var peakRSSBytes: Int
    package var cpuSeconds: Double
    /// Refresh wave only: the most writes in one second, and first-to-last refresh.
    package var peakWritesPerSecond: Int?
    package var refreshSpreadSeconds: Double?
    /// Peak RSS of the benchmark's own process: both simulators and the measuring harness.
    package var simulatorPeakRSSBytes: Int
    /// CPU seconds of the benchmark's own process in the scenario: the simulators (which share the two cores with
    /// the controller) and the measuring harness.
    package var simulatorCPUSeconds: Double
    /// Initial sync only: seconds from start until a namespace is usable (its Secret written and its service
    /// account patched), median and 99th percentile, and the median as a share of the sync's wall time.
    package var timeToUsableP50Seconds: Double?
    package var timeToUsableP99Seconds: Double?
    package var usableMedianShare: Double?

    package enum CodingKeys: String, CodingKey {
        case name, namespaces, wallSeconds, namespacesPerSecond, writes, requestsByVerb, entraRequests, exchanges
        case expiredSecrets, peakRSSBytes, cpuSeconds, peakWritesPerSecond, refreshSpreadSeconds
        case simulatorPeakRSSBytes, simulatorCPUSeconds, timeToUsableP50Seconds, timeToUsableP99Seconds,
            usableMedianShare
    }

    package func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(name, forKey: .name)
        try container.encode(namespaces, forKey: .namespaces)
        try container.encode(Self.rounded(wallSeconds), forKey: .wallSeconds)
        try container.encode(namespacesPerSecond.map(Self.rounded), forKey: .namespacesPerSecond)
        try container.encode(writes, forKey: .writes)
        try container.encode(requestsByVerb, forKey: .requestsByVerb)
        try container.encode(entraRequests, forKey: .entraRequests)
        try container.encode(exchanges, forKey: .exchanges)
        try container.encode(expiredSecrets, forKey: .expiredSecrets)
        try container.encode(peakRSSBytes, forKey: .peakRSSBytes)
        try container.encode(Self.rounded(cpuSeconds), forKey: .cpuSeconds)
        try container.encodeIfPresent(peakWritesPerSecond, forKey: .peakWritesPerSecond)
        try container.encodeIfPresent(refreshSpreadSeconds.map(Self.rounded), forKey: .refreshSpreadSeconds)
        try container.encode(simulatorPeakRSSBytes, forKey: .simulatorPeakRSSBytes)
        try container.encode(Self.rounded(simulatorCPUSeconds), forKey: .simulatorCPUSeconds)
        try container.encodeIfPresent(timeToUsableP50Seconds.map(Self.rounded), forKey: .timeToUsableP50Seconds)
        try container.encodeIfPresent(timeToUsableP99Seconds.map(Self.rounded), forKey: .timeToUsableP99Seconds)
        try container.encodeIfPresent(usableMedianShare.map(Self.rounded), forKey: .usableMedianShare)
    }

    package static func rounded(_ value: Double) -> Double { (value * 1000).rounded() / 1000 }
}

/// The kubectl loop's figures next to pullkeeper's initial sync.
package struct KubectlBaseline: Encodable, Sendable {
    package var namespaces: Int
    package var wallSeconds: Double
    package var namespacesPerSecond: Double
    /// pullkeeper's initial-sync rate divided by the kubectl loop's.
    package var speedup: Double?
}

package struct BenchReport: Encodable, Sendable {
    package init(scenarios: [BenchResult], chaos: ChaosRun.Report? = nil, kubectlBaseline: KubectlBaseline? = nil) {
        self.scenarios = scenarios
        self.chaos = chaos
        self.kubectlBaseline = kubectlBaseline
    }

    package var scenarios: [BenchResult]
    package var chaos: ChaosRun.Report?
    package var kubectlBaseline: KubectlBaseline?

    package enum CodingKeys: String, CodingKey { case scenarios, kubectlBaseline }

    /// `{"scenarios":[...]}`: the scale scenarios, then the chaos one (its own fields), then the baseline.
    package func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        var list = container.nestedUnkeyedContainer(forKey: .scenarios)
        for result in scenarios { try list.encode(result) }
        if let chaos { try list.encode(chaos) }
        try container.encodeIfPresent(kubectlBaseline, forKey: .kubectlBaseline)
    }

    package func json() throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        return String(decoding: try encoder.encode(self), as: UTF8.self)
    }

    package func table() -> String {
        let header = [
            "scenario", "namespaces", "wall s", "ns/s", "writes", "entra", "exchanges", "expired", "peak RSS MB",
            "CPU s", "simulator CPU s", "requests by verb",
        ]
        var rows = [header]
        for result in scenarios {
            let verbs = result.requestsByVerb.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
            rows.append([
                result.name, "\(result.namespaces)", String(format: "%.2f", result.wallSeconds),
                result.namespacesPerSecond.map { String(format: "%.0f", $0) } ?? "-", "\(result.writes)",
                "\(result.entraRequests)", "\(result.exchanges)", "\(result.expiredSecrets)",
                String(format: "%.1f", Double(result.peakRSSBytes) / 1_048_576),
                String(format: "%.2f", result.cpuSeconds), String(format: "%.2f", result.simulatorCPUSeconds),
                verbs.joined(separator: " "),
            ])
        }
        let widths = header.indices.map { column in rows.map { $0[column].count }.max() ?? 0 }
        var text = rows.map { row in
            row.enumerated().map { index, cell in
                index == row.count - 1 ? cell : cell.padding(toLength: widths[index], withPad: " ", startingAt: 0)
            }.joined(separator: "  ")
        }.joined(separator: "\n")
        for result in scenarios {
            guard let p50 = result.timeToUsableP50Seconds, let p99 = result.timeToUsableP99Seconds else { continue }
            text += String(
                format: "\n%@: time to usable p50 %.2f s, p99 %.2f s (median at %.0f %% of the wall time)",
                result.name, p50, p99, (result.usableMedianShare ?? 0) * 100)
        }
        for result in scenarios where result.peakWritesPerSecond != nil {
            text += "\n\(result.name): peak \(result.peakWritesPerSecond ?? 0) writes/s, refreshes spread over "
            text += String(format: "%.1f s", result.refreshSpreadSeconds ?? 0)
        }
        if let chaos {
            text += "\nchaos: \(chaos.namespaces) namespaces, converged \(chaos.converged)"
            text += chaos.convergeSeconds.map { String(format: " (first after %.1f s)", $0) } ?? ""
            text += ", expired \(chaos.expiredSecrets), valid lost \(chaos.validSecretsLost), foreign modified "
            text +=
                "\(chaos.foreignObjectsModified), faults \(chaos.faultsInjected) \(chaos.faults.sorted { $0.key < $1.key })"
            text += ", secret leaks \(chaos.secretLeaks) in \(chaos.logLines) log lines"
        }
        if let baseline = kubectlBaseline {
            text += String(
                format: "\nkubectl loop: %d namespaces in %.1f s (%.1f ns/s)", baseline.namespaces,
                baseline.wallSeconds, baseline.namespacesPerSecond)
            if let speedup = baseline.speedup { text += String(format: "; pullkeeper is %.0f× faster", speedup) }
        }
        return text
    }
}
