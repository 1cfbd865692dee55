import Synchronization

/// A token bucket (client-go's QPS/burst, IMDS's 5 requests per second): `burst` calls at once, then `rate` per
/// second. Each caller reserves its own future token, so waiting callers are served in order.
public final class TokenBucket: Sendable {
    private struct State {
        var tokens: Double
        var last: Duration
    }

    /// Tokens per second; ≤ 0 disables limiting.
    public let rate: Double
    public let burst: Int
    private let clock: RuntimeClock
    private let state: Mutex<State>

    public init(rate: Double, burst: Int, clock: RuntimeClock = .system) {
        self.rate = rate
        self.burst = max(1, burst)
        self.clock = clock
        self.state = Mutex(State(tokens: Double(max(1, burst)), last: clock.now()))
    }

    /// IMDS allows about 5 requests per second per VM.
    public static func instanceMetadata(clock: RuntimeClock = .system) -> TokenBucket {
        TokenBucket(rate: 5, burst: 5, clock: clock)
    }

    /// Takes one token and returns how long the caller must wait before using it (zero when one was free).
    public func reserve() -> Duration {
        guard rate > 0 else { return .zero }
        let now = clock.now()
        return state.withLock { state in
            let elapsed = now - state.last
            if elapsed > .zero {
                state.tokens = min(Double(burst), state.tokens + elapsed.seconds * rate)
                state.last = now
            }
            state.tokens -= 1
            if state.tokens >= 0 { return .zero }
            return .seconds(-state.tokens / rate)
        }
    }

    /// Waits for a token; throws `CancellationError` when cancelled while waiting.
    public func acquire() async throws {
        try Task.checkCancellation()
        let wait = reserve()
        if wait > .zero { try await clock.sleep(for: wait) }
    }
}

extension Duration {
    /// The duration in seconds as a Double.
    public var seconds: Double {
        let (whole, atto) = components
        return Double(whole) + Double(atto) / 1e18
    }
}
