/// Capped exponential backoff with optional jitter, for every retried call (Kubernetes API, Entra ID, IMDS,
/// registries) and for the informers' relists. A server's `Retry-After` wins, up to `maxRetryAfter`.
public struct RetryPolicy: Sendable {
    /// Total attempts including the first; 1 disables retries.
    public var maxAttempts: Int
    /// The wait before the first retry; it doubles with each further one.
    public var initialDelay: Duration
    public var maxDelay: Duration
    /// The delay is drawn from [delay × (1 − jitter), delay]; 0 keeps the schedule exact.
    public var jitter: Double
    /// The longest `Retry-After` honoured.
    public var maxRetryAfter: Duration
    /// Waits between attempts; tests inject one that records instead of sleeping.
    public var sleep: @Sendable (Duration) async throws -> Void

    public init(
        maxAttempts: Int = 5, initialDelay: Duration = .milliseconds(200), maxDelay: Duration = .seconds(10),
        jitter: Double = 0.5, maxRetryAfter: Duration = .seconds(60),
        sleep: @escaping @Sendable (Duration) async throws -> Void = { try await Task.sleep(for: $0) }
    ) {
        self.maxAttempts = max(1, maxAttempts)
        self.initialDelay = initialDelay
        self.maxDelay = maxDelay
        self.jitter = min(max(jitter, 0), 1)
        self.maxRetryAfter = maxRetryAfter
        self.sleep = sleep
    }

    /// No retries at all.
    public static let none = RetryPolicy(maxAttempts: 1)

    /// azidentity's managed-identity schedule: 5 retries, 2 s doubling, at most 60 s, no jitter.
    public static let managedIdentity = RetryPolicy(
        maxAttempts: 6, initialDelay: .seconds(2), maxDelay: .seconds(60), jitter: 0, maxRetryAfter: .seconds(60))

    /// Retries left after the first attempt.
    public var maxRetries: Int {
        get { maxAttempts - 1 }
        set { maxAttempts = max(0, newValue) + 1 }
    }

    /// The wait before retry number `attempt` (1 = first retry). A server `Retry-After` wins when given.
    public func delay(
        attempt: Int, retryAfter: Duration? = nil, random: (ClosedRange<Double>) -> Double = { .random(in: $0) }
    ) -> Duration {
        if let retryAfter { return min(retryAfter, maxRetryAfter) }
        var delay = initialDelay
        for _ in 0..<min(max(attempt - 1, 0), 62) {
            delay *= 2
            if delay >= maxDelay { break }
        }
        delay = min(delay, maxDelay)
        return jitter > 0 ? delay * random((1 - jitter)...1) : delay
    }
}
