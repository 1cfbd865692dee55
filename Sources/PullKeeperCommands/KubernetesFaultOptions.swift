import ArgumentParser
import Foundation
import KubernetesSimulator
import PullKeeperCore

/// Fault-injection flags for the simulated Kubernetes API server.
struct KubernetesFaultOptions: ParsableArguments {
    @Option(help: "Fraction (0...1) of matching Kubernetes requests that fail.")
    var faultErrorRate: Double = 0

    @Option(help: "Comma-separated HTTP codes injected failures use (e.g. 500,503,429).")
    var faultCodes: String = "500,503,429"

    @Option(help: "Retry-After seconds sent with injected failures.")
    var faultRetryAfter: Int?

    @Option(help: "Latency in milliseconds added to matching requests.")
    var faultLatencyMs: Int?

    @Option(help: "Comma-separated verbs faults apply to (get,list,watch,create,update,patch,delete); all if empty.")
    var faultVerbs: String = ""

    @Option(help: "Comma-separated resources faults apply to (namespaces,secrets...); all if empty.")
    var faultResources: String = ""

    @Option(help: "End every watch this many seconds after it starts (a dropped connection).")
    var faultDropWatchAfter: Int?

    @Flag(help: "Keep watches open without sending anything until their timeout.")
    var faultStallWatches = false

    @Option(help: "Seed of the fault injector (same seed, same faults).")
    var faultSeed: UInt64 = 0x5EED

    func validate() throws {
        guard (0...1).contains(faultErrorRate) else {
            throw ValidationError("--fault-error-rate must be between 0 and 1")
        }
        guard codes.count == list(faultCodes).count, codes.allSatisfy({ (400...599).contains($0) }) else {
            throw ValidationError("--fault-codes must be HTTP error codes such as 500,503,429")
        }
    }

    private var codes: [Int] { list(faultCodes).compactMap(Int.init) }

    private func list(_ text: String) -> [String] {
        text.split(separator: ",").map { String($0).trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }

    /// The rule these flags describe, or nil when no fault was asked for.
    var rule: FaultRule? {
        let wanted = faultErrorRate > 0 || faultLatencyMs != nil || faultDropWatchAfter != nil || faultStallWatches
        guard wanted else { return nil }
        return FaultRule(
            verbs: Set(list(faultVerbs)), resources: Set(list(faultResources)), errorRate: faultErrorRate,
            errorCodes: codes, retryAfterSeconds: faultRetryAfter, latency: faultLatencyMs.map { .milliseconds($0) },
            dropWatchAfter: faultDropWatchAfter.map { .seconds($0) }, stallWatches: faultStallWatches)
    }
}
