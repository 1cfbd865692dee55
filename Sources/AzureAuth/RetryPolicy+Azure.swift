import PullKeeperCore

extension RetryPolicy {
    /// Runs `operation`, retrying while it throws a retryable `AzureAuthError` and attempts are left; the error's
    /// `Retry-After` sets the wait when the server gave one.
    func run<T: Sendable>(_ operation: () async throws -> T) async throws -> T {
        var attempt = 1
        while true {
            do {
                return try await operation()
            } catch let error as AzureAuthError where error.isRetryable && attempt < maxAttempts {
                try await sleep(delay(attempt: attempt, retryAfter: error.retryAfter))
                attempt += 1
            }
        }
    }
}
