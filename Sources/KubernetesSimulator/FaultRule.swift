import PullKeeperCore
import Synchronization

/// A fault to inject into matching requests.
public struct FaultRule: Sendable, Hashable {
    /// Verbs the rule applies to (`get`, `list`, `watch`, `create`, `update`, `patch`, `delete`); empty = all.
    public var verbs: Set<String>
    /// Plural resource names (`secrets`, `namespaces`...); empty = all.
    public var resources: Set<String>
    /// Probability in 0...1 that a matching request fails with one of `errorCodes`.
    public var errorRate: Double
    /// HTTP codes to fail with (500, 503, 429...), picked at random.
    public var errorCodes: [Int]
    /// `Retry-After` seconds sent with injected errors (and `details.retryAfterSeconds`).
    public var retryAfterSeconds: Int?
    /// Extra latency before the request is handled.
    public var latency: Duration?
    /// Watches end (cleanly, as a dropped connection looks to the client) this long after they start.
    public var dropWatchAfter: Duration?
    /// Watches stay open and send nothing, not even bookmarks, until their timeout.
    public var stallWatches: Bool
    /// When set, the rule applies to this many matching requests and then retires (deterministic tests).
    public var remaining: Int?

    /// A rule; everything defaults to "no fault".
    public init(
        verbs: Set<String> = [], resources: Set<String> = [], errorRate: Double = 0, errorCodes: [Int] = [500],
        retryAfterSeconds: Int? = nil, latency: Duration? = nil, dropWatchAfter: Duration? = nil,
        stallWatches: Bool = false, remaining: Int? = nil
    ) {
        self.verbs = verbs
        self.resources = resources
        self.errorRate = errorRate
        self.errorCodes = errorCodes
        self.retryAfterSeconds = retryAfterSeconds
        self.latency = latency
        self.dropWatchAfter = dropWatchAfter
        self.stallWatches = stallWatches
        self.remaining = remaining
    }

    func applies(verb: String, resource: String) -> Bool {
        (verbs.isEmpty || verbs.contains(verb)) && (resources.isEmpty || resources.contains(resource))
    }
}

/// What the fault injector decided for one request.
struct FaultDecision: Sendable {
    var error: APIError?
    var latency: Duration?
    var dropWatchAfter: Duration?
    var stallWatch = false
}

/// Seeded fault rules (SplitMix64), so a test with a seed sees the same faults every run.
final class FaultInjector: Sendable {
    private struct State {
        var rules: [FaultRule] = []
        var random: SplitMix64
    }

    private let state: Mutex<State>

    init(seed: UInt64) {
        state = Mutex(State(random: SplitMix64(seed: seed)))
    }

    func set(_ rules: [FaultRule], seed: UInt64?) {
        state.withLock { state in
            state.rules = rules
            if let seed { state.random = SplitMix64(seed: seed) }
        }
    }

    func add(_ rule: FaultRule) {
        state.withLock { $0.rules.append(rule) }
    }

    func decide(verb: String, resource: String) -> FaultDecision {
        state.withLock { state in
            var decision = FaultDecision()
            for index in state.rules.indices where state.rules[index].applies(verb: verb, resource: resource) {
                let rule = state.rules[index]
                if let remaining = rule.remaining {
                    if remaining <= 0 { continue }
                    state.rules[index].remaining = remaining - 1
                }
                if let latency = rule.latency { decision.latency = (decision.latency ?? .zero) + latency }
                if let drop = rule.dropWatchAfter { decision.dropWatchAfter = drop }
                if rule.stallWatches { decision.stallWatch = true }
                if decision.error == nil, rule.errorRate > 0, !rule.errorCodes.isEmpty {
                    let draw = Double(state.random.next() >> 11) / Double(1 << 53)
                    if draw < rule.errorRate {
                        let pick = Int(state.random.next() % UInt64(rule.errorCodes.count))
                        decision.error = .injected(code: rule.errorCodes[pick], retryAfter: rule.retryAfterSeconds)
                    }
                }
            }
            state.rules.removeAll { $0.remaining == 0 }
            return decision
        }
    }
}
