import Foundation

/// Exponential backoff for retryable failures, azidentity's managed-identity defaults:
/// 5 retries, 2 s doubling, at most 60 s, `Retry-After` honoured.
public struct RetryPolicy: Sendable {
    public var maxRetries: Int
    public var baseDelay: Duration
    public var maxDelay: Duration
    /// Waits between attempts; tests inject a recorder that does not sleep.
    public var sleep: @Sendable (Duration) async throws -> Void

    public init(
        maxRetries: Int = 5, baseDelay: Duration = .seconds(2), maxDelay: Duration = .seconds(60),
        sleep: @escaping @Sendable (Duration) async throws -> Void = { try await Task.sleep(for: $0) }
    ) {
        self.maxRetries = maxRetries
        self.baseDelay = baseDelay
        self.maxDelay = maxDelay
        self.sleep = sleep
    }

    /// No retries at all.
    public static let none = RetryPolicy(maxRetries: 0)

    /// The wait before retry number `retry` (0-based), or the server's `Retry-After` if it gave one.
    public func delay(forRetry retry: Int, retryAfter: Duration?) -> Duration {
        if let retryAfter { return min(retryAfter, maxDelay) }
        var delay = baseDelay
        for _ in 0..<min(retry, 30) {
            delay *= 2
            if delay >= maxDelay { return maxDelay }
        }
        return min(delay, maxDelay)
    }

    /// Runs `operation`, retrying while it throws a retryable `AzureAuthError` and retries are left.
    func run<T: Sendable>(_ operation: () async throws -> T) async throws -> T {
        var retry = 0
        while true {
            do {
                return try await operation()
            } catch let error as AzureAuthError where error.isRetryable && retry < maxRetries {
                try await sleep(delay(forRetry: retry, retryAfter: error.retryAfter))
                retry += 1
            }
        }
    }
}
