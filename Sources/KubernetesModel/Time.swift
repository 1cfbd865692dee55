import Foundation

/// A Kubernetes `Time`: RFC 3339 with whole seconds on the wire (`2026-01-01T00:00:00Z`).
public struct Time: Codable, Hashable, Sendable, Comparable {
    public var date: Date

    public init(_ date: Date) { self.date = date }

    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let date = RFC3339.parse(text) else {
            throw DecodingError.dataCorrupted(
                .init(codingPath: decoder.codingPath, debugDescription: "not an RFC 3339 time: \(text)"))
        }
        self.date = date
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(RFC3339.format(date, fractionalDigits: 0))
    }

    public static func < (lhs: Time, rhs: Time) -> Bool { lhs.date < rhs.date }
}

/// A Kubernetes `MicroTime`: RFC 3339 with exactly 6 fractional digits (`2026-01-01T00:00:00.000000Z`).
public struct MicroTime: Codable, Hashable, Sendable, Comparable {
    public var date: Date

    public init(_ date: Date) { self.date = date }

    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let date = RFC3339.parse(text) else {
            throw DecodingError.dataCorrupted(
                .init(codingPath: decoder.codingPath, debugDescription: "not an RFC 3339 time: \(text)"))
        }
        self.date = date
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(RFC3339.format(date, fractionalDigits: 6))
    }

    public static func < (lhs: MicroTime, rhs: MicroTime) -> Bool { lhs.date < rhs.date }
}

/// RFC 3339 parsing and formatting in UTC, independent of any encoder's date strategy.
public enum RFC3339 {
    /// Parses `2026-01-01T00:00:00Z`, with optional fractional seconds and a numeric offset.
    public static func parse(_ text: String) -> Date? {
        if let d = try? Date.ISO8601FormatStyle(includingFractionalSeconds: true).parse(text) { return d }
        if let d = try? Date.ISO8601FormatStyle().parse(text) { return d }
        return nil
    }

    /// Formats in UTC with `fractionalDigits` digits (0 or 1...9) after the seconds.
    public static func format(_ date: Date, fractionalDigits: Int) -> String {
        let seconds = date.timeIntervalSince1970
        let whole = seconds.rounded(.down)
        let base = Date(timeIntervalSince1970: whole).formatted(Date.ISO8601FormatStyle())
        guard fractionalDigits > 0 else { return base }
        let scale = pow(10.0, Double(fractionalDigits))
        var fraction = Int(((seconds - whole) * scale).rounded())
        fraction = min(max(fraction, 0), Int(scale) - 1)
        var digits = String(fraction)
        digits = String(repeating: "0", count: fractionalDigits - digits.count) + digits
        return String(base.dropLast()) + "." + digits + "Z"
    }
}
