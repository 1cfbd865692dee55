import Foundation

/// What `pullkeeper bench --kubeconfig` measured, with the field names scripts read from `--json`.
package struct RealBenchReport: Encodable, Sendable {
    package struct Scenario: Encodable, Sendable {
        package var name: String
        package var namespaces: Int
        package var wallSeconds: Double
        /// Successful writes of Secrets, ServiceAccounts and Events by everyone, by "verb resource", from the API
        /// server's `apiserver_request_total` (the controller manager makes none of these once the namespaces exist).
        package var writesByVerb: [String: Int]
        package var writes: Int { writesByVerb.values.reduce(0, +) }
        /// The controller process's CPU and peak RSS (nil for the baseline, which runs in the bench's process).
        package var cpuSeconds: Double?
        package var peakRSSBytes: Int?
        /// The bench's own process: the baseline client, or the informers watching progress and the simulated Azure.
        package var harnessCPUSeconds: Double
        /// CPU of each measured process (kube-apiserver, etcd) in the scenario.
        package var serverCPUSeconds: [String: Double]
        package var timeToUsableP50Seconds: Double?
        package var timeToUsableP99Seconds: Double?
        package var entraRequests: Int?
        package var exchanges: Int?

        enum CodingKeys: String, CodingKey {
            case name, namespaces, wallSeconds, writesByVerb, writes, cpuSeconds, peakRSSBytes, harnessCPUSeconds
            case serverCPUSeconds, timeToUsableP50Seconds, timeToUsableP99Seconds, entraRequests, exchanges
        }

        package func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(name, forKey: .name)
            try container.encode(namespaces, forKey: .namespaces)
            try container.encode(wallSeconds, forKey: .wallSeconds)
            try container.encode(writesByVerb, forKey: .writesByVerb)
            try container.encode(writes, forKey: .writes)
            try container.encodeIfPresent(cpuSeconds, forKey: .cpuSeconds)
            try container.encodeIfPresent(peakRSSBytes, forKey: .peakRSSBytes)
            try container.encode(harnessCPUSeconds, forKey: .harnessCPUSeconds)
            try container.encode(serverCPUSeconds, forKey: .serverCPUSeconds)
            try container.encodeIfPresent(timeToUsableP50Seconds, forKey: .timeToUsableP50Seconds)
            try container.encodeIfPresent(timeToUsableP99Seconds, forKey: .timeToUsableP99Seconds)
            try container.encodeIfPresent(entraRequests, forKey: .entraRequests)
            try container.encodeIfPresent(exchanges, forKey: .exchanges)
        }

        init(
            name: String, namespaces: Int, wallSeconds: Double, writes: [String: Int], cpuSeconds: Double?,
            peakRSSBytes: Int?,
            harnessCPUSeconds: Double, serverCPUSeconds: [String: Double]
        ) {
            self.name = name
            self.namespaces = namespaces
            self.wallSeconds = wallSeconds
            self.writesByVerb = writes
            self.cpuSeconds = cpuSeconds
            self.peakRSSBytes = peakRSSBytes
            self.harnessCPUSeconds = harnessCPUSeconds
            self.serverCPUSeconds = serverCPUSeconds
        }
    }

    package var server: String
    package var routineEvents: Bool
    package var workers: Int
    package var scenarios: [Scenario]

    /// pullkeeper's initial-sync wall time over the baseline's.
    package var ratio: Double? {
        guard let sync = scenario("initial-sync"), let baseline = scenario("baseline") else { return nil }
        return sync.wallSeconds / max(baseline.wallSeconds, 1e-9)
    }

    /// Controller CPU per namespace in the initial sync, in milliseconds.
    package var cpuPerNamespaceMilliseconds: Double? {
        guard let sync = scenario("initial-sync"), let cpu = sync.cpuSeconds else { return nil }
        return cpu * 1000 / Double(max(sync.namespaces, 1))
    }

    func scenario(_ name: String) -> Scenario? { scenarios.first { $0.name == name } }

    enum CodingKeys: String, CodingKey {
        case server, routineEvents, workers, scenarios, ratio, cpuPerNamespaceMilliseconds
    }

    package func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(server, forKey: .server)
        try container.encode(routineEvents, forKey: .routineEvents)
        try container.encode(workers, forKey: .workers)
        try container.encode(scenarios, forKey: .scenarios)
        try container.encodeIfPresent(ratio.map(BenchResult.rounded), forKey: .ratio)
        try container.encodeIfPresent(
            cpuPerNamespaceMilliseconds.map(BenchResult.rounded), forKey: .cpuPerNamespaceMilliseconds)
    }

    package func json() throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        return String(decoding: try encoder.encode(self), as: UTF8.self)
    }

    package func table() -> String {
        let names = Set(scenarios.flatMap { $0.serverCPUSeconds.keys }).sorted()
        let header =
            ["scenario", "namespaces", "wall s", "writes", "CPU s", "peak RSS MB", "bench CPU s"]
            + names.map { "\($0) CPU s" }
        var rows = [header]
        for scenario in scenarios {
            rows.append(
                [
                    scenario.name, "\(scenario.namespaces)", String(format: "%.2f", scenario.wallSeconds),
                    "\(scenario.writes)", scenario.cpuSeconds.map { String(format: "%.2f", $0) } ?? "-",
                    scenario.peakRSSBytes.map { String(format: "%.1f", Double($0) / 1_048_576) } ?? "-",
                    String(format: "%.2f", scenario.harnessCPUSeconds),
                ] + names.map { name in scenario.serverCPUSeconds[name].map { String(format: "%.2f", $0) } ?? "-" })
        }
        let widths = header.indices.map { column in rows.map { $0[column].count }.max() ?? 0 }
        var text = "server \(server), \(workers) workers, routine Events \(routineEvents ? "on" : "off")\n"
        text += rows.map { row in
            row.enumerated().map { $1.padding(toLength: widths[$0], withPad: " ", startingAt: 0) }
                .joined(separator: "  ")
        }.joined(separator: "\n")
        for scenario in scenarios where !scenario.writesByVerb.isEmpty {
            let verbs = scenario.writesByVerb.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
            text += "\n\(scenario.name) writes: " + verbs.joined(separator: ", ")
        }
        if let ratio, let cpu = cpuPerNamespaceMilliseconds {
            text += String(
                format: "\ninitial sync: %.2f× the baseline's wall time; controller CPU %.2f ms per namespace", ratio,
                cpu)
        }
        if let sync = scenario("initial-sync"), let p50 = sync.timeToUsableP50Seconds,
            let p99 = sync.timeToUsableP99Seconds
        {
            text += String(
                format: "\ninitial sync: time to usable p50 %.2f s, p99 %.2f s (median at %.0f %% of the wall time)",
                p50, p99, p50 / max(sync.wallSeconds, 1e-9) * 100)
            text += "; \(sync.entraRequests ?? 0) Entra requests, \(sync.exchanges ?? 0) exchanges"
        }
        return text
    }
}
