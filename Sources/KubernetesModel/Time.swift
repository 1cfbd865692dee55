import Foundation
import PullKeeperCore

/// A Kubernetes `Time`: RFC 3339 with whole seconds on the wire (`2026-01-01T00:00:00Z`).
public struct Time: RFC3339Timestamp {
    public static let fractionalDigits = 0
    public var date: Date

    public init(_ date: Date) { self.date = date }
}

/// A Kubernetes `MicroTime`: RFC 3339 with exactly 6 fractional digits (`2026-01-01T00:00:00.000000Z`).
public struct MicroTime: RFC3339Timestamp {
    public static let fractionalDigits = 6
    public var date: Date

    public init(_ date: Date) { self.date = date }
}
