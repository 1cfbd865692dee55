import Synchronization

/// A client-side token-bucket rate limit (client-go's QPS/burst): `burst` calls at once, then `qps` per second.
public final class TokenBucket<C: Clock>: Sendable where C.Duration == Duration {
    private struct State {
        var tokens: Double
        var last: C.Instant
    }

    public let qps: Double
    public let burst: Int
    private let clock: C
    private let state: Mutex<State>

    /// `qps` ≤ 0 disables limiting.
    public init(qps: Double, burst: Int, clock: C) {
        self.qps = qps
        self.burst = max(1, burst)
        self.clock = clock
        self.state = Mutex(State(tokens: Double(max(1, burst)), last: clock.now))
    }

    /// Takes one token and returns how long the caller must wait before using it (zero when one was free).
    /// Reservations queue up: each caller waits for its own future token, so order is fair.
    public func reserve(at now: C.Instant) -> Duration {
        guard qps > 0 else { return .zero }
        return state.withLock { state in
            let elapsed = state.last.duration(to: now)
            if elapsed > .zero {
                state.tokens = min(Double(burst), state.tokens + elapsed.seconds * qps)
                state.last = now
            }
            state.tokens -= 1
            if state.tokens >= 0 { return .zero }
            return .seconds(-state.tokens / qps)
        }
    }

    /// Waits for a token; throws `CancellationError` when cancelled while waiting.
    public func acquire() async throws {
        let wait = reserve(at: clock.now)
        if wait > .zero { try await clock.sleep(for: wait) }
    }
}

extension TokenBucket where C == ContinuousClock {
    /// A bucket on the continuous clock.
    public convenience init(qps: Double, burst: Int) {
        self.init(qps: qps, burst: burst, clock: ContinuousClock())
    }
}

extension Duration {
    /// The duration in seconds as a Double.
    var seconds: Double {
        let (s, atto) = components
        return Double(s) + Double(atto) / 1e18
    }
}
