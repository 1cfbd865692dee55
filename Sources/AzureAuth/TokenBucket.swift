import Foundation

/// A token bucket: at most `burst` requests at once, refilled at `ratePerSecond`. Callers wait their turn.
public actor TokenBucket {
    private let ratePerSecond: Double
    private let burst: Double
    private var available: Double
    private var last: ContinuousClock.Instant
    private let clock = ContinuousClock()
    private let sleep: @Sendable (Duration) async throws -> Void

    /// IMDS allows about 5 requests per second per VM.
    public init(
        ratePerSecond: Double = 5, burst: Int = 5,
        sleep: @escaping @Sendable (Duration) async throws -> Void = { try await Task.sleep(for: $0) }
    ) {
        self.ratePerSecond = max(ratePerSecond, 0.001)
        self.burst = Double(max(burst, 1))
        self.available = Double(max(burst, 1))
        self.last = clock.now
        self.sleep = sleep
    }

    /// Takes one token, waiting until one is available. Throws `CancellationError` when cancelled while waiting.
    public func acquire() async throws {
        while true {
            try Task.checkCancellation()
            refill()
            if available >= 1 {
                available -= 1
                return
            }
            let wait = (1 - available) / ratePerSecond
            try await sleep(.milliseconds(Int64((wait * 1000).rounded(.up))))
        }
    }

    private func refill() {
        let now = clock.now
        let elapsed = last.duration(to: now)
        last = now
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        available = min(burst, available + seconds * ratePerSecond)
    }
}
