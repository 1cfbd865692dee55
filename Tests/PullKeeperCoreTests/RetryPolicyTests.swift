import KubernetesClient
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

    @Test func tokenBucketBurstThenQPS() {
        let clock = ContinuousClock()
        let start = clock.now
        let bucket = TokenBucket(qps: 10, burst: 3, clock: clock)
        // The bucket was created at about `start`; burst tokens are free.
        #expect(bucket.reserve(at: start) == .zero)
        #expect(bucket.reserve(at: start) == .zero)
        #expect(bucket.reserve(at: start) == .zero)
        let fourth = bucket.reserve(at: start)
        let fifth = bucket.reserve(at: start)
        #expect(fourth > .milliseconds(90) && fourth <= .milliseconds(100))
        #expect(fifth > .milliseconds(190) && fifth <= .milliseconds(200))
        // One second later ten tokens came back, minus the two reserved ones already spent.
        #expect(bucket.reserve(at: start + .seconds(1)) == .zero)
    }

    @Test func tokenBucketDisabled() {
        let bucket = TokenBucket(qps: 0, burst: 1)
        for _ in 0..<100 { #expect(bucket.reserve(at: .now) == .zero) }
    }
}
