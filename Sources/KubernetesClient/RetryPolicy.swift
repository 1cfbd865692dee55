/// Capped, jittered exponential backoff for retried calls.
public struct RetryPolicy: Sendable, Hashable {
    /// Total attempts including the first; 1 disables retries.
    public var maxAttempts: Int
    public var initialDelay: Duration
    public var maxDelay: Duration
    /// The delay is drawn from [delay × (1 − jitter), delay].
    public var jitter: Double
    /// The longest `Retry-After` honoured; longer values fail the call instead of hanging it.
    public var maxRetryAfter: Duration

    public init(
        maxAttempts: Int = 5, initialDelay: Duration = .milliseconds(200), maxDelay: Duration = .seconds(10),
        jitter: Double = 0.5, maxRetryAfter: Duration = .seconds(60)
    ) {
        self.maxAttempts = maxAttempts
        self.initialDelay = initialDelay
        self.maxDelay = maxDelay
        self.jitter = min(max(jitter, 0), 1)
        self.maxRetryAfter = maxRetryAfter
    }

    /// No retries at all.
    public static let none = RetryPolicy(maxAttempts: 1)

    /// The wait before retry number `attempt` (1 = first retry). A server `Retry-After` wins when given.
    public func delay(
        attempt: Int, retryAfter: Duration? = nil, random: (ClosedRange<Double>) -> Double = { .random(in: $0) }
    ) -> Duration {
        if let retryAfter { return min(retryAfter, maxRetryAfter) }
        let exponent = min(max(attempt - 1, 0), 30)
        let uncapped = initialDelay * (1 << exponent)
        let capped = min(uncapped, maxDelay)
        let factor = random((1 - jitter)...1)
        return capped * factor
    }
}
