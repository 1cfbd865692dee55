import Foundation

/// Time as the controller runtime sees it: a monotonic reading (time since the clock's origin) for deadlines and
/// sleeps, and the wall clock for token expiries and timestamps. Built from any `Clock`: production passes the
/// continuous clock, tests a manual one, so timers, backoff and renewals run in simulated time.
public struct RuntimeClock: Sendable {
    /// Monotonic time since this clock's origin.
    public let now: @Sendable () -> Duration
    /// Sleeps until `now()` reaches the deadline; throws when the task is cancelled.
    public let sleepUntil: @Sendable (Duration) async throws -> Void
    /// The wall clock.
    public let date: @Sendable () -> Date

    /// `origin` is the instant read as zero (default: now).
    public init<C: Clock>(
        _ clock: C, origin: C.Instant? = nil, date: @escaping @Sendable () -> Date = { Date() }
    ) where C.Duration == Duration {
        let origin = origin ?? clock.now
        now = { origin.duration(to: clock.now) }
        sleepUntil = { deadline in try await clock.sleep(until: origin.advanced(by: deadline), tolerance: nil) }
        self.date = date
    }

    /// The system's continuous clock and wall clock.
    public static let system = RuntimeClock(ContinuousClock())

    /// Sleeps for `duration`; throws when the task is cancelled.
    public func sleep(for duration: Duration) async throws {
        try await sleepUntil(now() + duration)
    }
}
