import PullKeeperCore
import PullKeeperTesting
import Testing

@Suite("Backoff and rate limit")
struct RetryPolicyTests {
    let policy = RetryPolicy(initialDelay: .milliseconds(100), maxDelay: .seconds(2), jitter: 0.5)

    @Test func exponentialAndCapped() {
        let upper = { (range: ClosedRange<Double>) in range.upperBound }
        #expect(policy.delay(attempt: 1, random: upper) == .milliseconds(100))
        #expect(policy.delay(attempt: 2, random: upper) == .milliseconds(200))
        #expect(policy.delay(attempt: 4, random: upper) == .milliseconds(800))
        #expect(policy.delay(attempt: 10, random: upper) == .seconds(2))
        #expect(policy.delay(attempt: 1000, random: upper) == .seconds(2))
    }

    @Test func jitterStaysInRange() {
        let lower = { (range: ClosedRange<Double>) in range.lowerBound }
        #expect(policy.delay(attempt: 3, random: lower) == .milliseconds(200))
        for _ in 0..<100 {
            let d = policy.delay(attempt: 3)
            #expect(d >= .milliseconds(200) && d <= .milliseconds(400))
        }
    }

    @Test func retryAfterWinsButIsCapped() {
        #expect(policy.delay(attempt: 1, retryAfter: .seconds(3)) == .seconds(3))
        #expect(policy.delay(attempt: 1, retryAfter: .seconds(3600)) == policy.maxRetryAfter)
    }

    @Test func tokenBucketBurstThenRate() {
        let clock = ManualClock()
        let bucket = TokenBucket(rate: 10, burst: 3, clock: clock.runtimeClock)
        // Burst tokens are free.
        #expect(bucket.reserve() == .zero)
        #expect(bucket.reserve() == .zero)
        #expect(bucket.reserve() == .zero)
        #expect(bucket.reserve() == .milliseconds(100))
        #expect(bucket.reserve() == .milliseconds(200))
        // One second later ten tokens came back, minus the two reserved ones already spent.
        clock.advance(by: .seconds(1))
        #expect(bucket.reserve() == .zero)
    }

    @Test func tokenBucketWaitsOnItsClock() async throws {
        let clock = ManualClock()
        let bucket = TokenBucket(rate: 1, burst: 1, clock: clock.runtimeClock)
        try await bucket.acquire()
        let second = Task { try await bucket.acquire() }
        while clock.sleeperCount == 0 { await Task.yield() }
        #expect(clock.nextDeadline == .init(offset: .seconds(1)))
        clock.advance(by: .seconds(1))
        try await second.value
    }

    @Test func tokenBucketDisabled() {
        let bucket = TokenBucket(rate: 0, burst: 1)
        for _ in 0..<100 { #expect(bucket.reserve() == .zero) }
    }
}
