import Foundation

extension AzureSimulator {
    /// Requests received by an endpoint so far (faulted ones included).
    public func requestCount(_ endpoint: SimulatorEndpoint) -> Int {
        state.withLock { $0.counters[endpoint] ?? 0 }
    }

    /// Every endpoint's request count.
    public var requestCounts: [SimulatorEndpoint: Int] { state.withLock { $0.counters } }

    /// Sets every counter back to zero.
    public func resetCounters() {
        state.withLock { $0.counters = [:] }
    }

    /// Answers `fault` for the next `count` requests to `endpoint` (after any faults already scripted).
    public func injectFault(_ fault: SimulatedFault, endpoint: SimulatorEndpoint, count: Int) {
        guard count > 0 else { return }
        state.withLock { $0.faults[endpoint, default: []].append(FaultRule(fault: fault, remaining: count)) }
    }

    /// Answers `fault` to every request to `endpoint` for the next `duration`.
    public func injectFault(_ fault: SimulatedFault, endpoint: SimulatorEndpoint, for duration: Duration) {
        let until = ContinuousClock.now.advanced(by: duration)
        state.withLock { $0.faults[endpoint, default: []].append(FaultRule(fault: fault, until: until)) }
    }

    /// Removes scripted faults of one endpoint, or of all when nil.
    public func clearFaults(endpoint: SimulatorEndpoint? = nil) {
        state.withLock { state in
            if let endpoint { state.faults[endpoint] = nil } else { state.faults = [:] }
        }
    }

    /// Counts a request and consumes the first due fault rule, dropping used-up and lapsed rules.
    func countAndTakeFault(_ endpoint: SimulatorEndpoint) -> SimulatedFault? {
        let now = ContinuousClock.now
        return state.withLock { state in
            state.counters[endpoint, default: 0] += 1
            var rules = state.faults[endpoint] ?? []
            rules.removeAll { rule in (rule.until.map { $0 <= now } ?? false) || rule.remaining == 0 }
            defer { state.faults[endpoint] = rules.isEmpty ? nil : rules }
            guard !rules.isEmpty else { return nil }
            if let remaining = rules[0].remaining {
                rules[0].remaining = remaining - 1
            }
            let fault = rules[0].fault
            if rules[0].remaining == 0 { rules.removeFirst() }
            return fault
        }
    }
}
