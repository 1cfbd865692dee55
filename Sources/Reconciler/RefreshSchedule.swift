import Foundation
import PullKeeperCore

/// When a credential should be replaced: after `fraction` of its lifetime, pulled earlier by up to `jitter` of it
/// (a per-namespace share, so thousands of Secrets do not renew in the same second), never at or after expiry.
public struct RefreshSchedule: Sendable, Hashable {
    public var fraction: Double
    public var jitter: Double
    /// A requeue is never sooner than this.
    public var minimumRequeue: Duration
    /// Refresh at least this long before expiry (capped at a tenth of the lifetime for short-lived tokens).
    public var safetyMargin: Duration

    public init(
        fraction: Double, jitter: Double, minimumRequeue: Duration = .seconds(1), safetyMargin: Duration = .seconds(300)
    ) {
        self.fraction = fraction
        self.jitter = jitter
        self.minimumRequeue = minimumRequeue
        self.safetyMargin = safetyMargin
    }

    /// The moment to refresh a credential written at `refreshedAt` that expires at `expiresAt`.
    public func boundary(refreshedAt: Date, expiresAt: Date, key: String) -> Date {
        let lifetime = expiresAt.timeIntervalSince(refreshedAt)
        guard lifetime > 0 else { return refreshedAt }
        let share = max(0.01, fraction - jitter * Self.jitterShare(key))
        let margin = min(safetyMargin.seconds, lifetime * 0.1)
        return min(refreshedAt.addingTimeInterval(lifetime * share), expiresAt.addingTimeInterval(-margin))
    }

    /// Time until `boundary`, at least `minimumRequeue`.
    public func requeue(at boundary: Date, now: Date) -> Duration {
        .milliseconds(Int64((max(boundary.timeIntervalSince(now), minimumRequeue.seconds) * 1000).rounded(.up)))
    }

    /// A stable share in [0, 1) for a key (FNV-1a), so the same namespace always gets the same jitter.
    public static func jitterShare(_ key: String) -> Double {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in key.utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01b3
        }
        return Double(hash % 1_000_000) / 1_000_000
    }
}
