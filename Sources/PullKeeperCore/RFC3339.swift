import Foundation

/// RFC 3339 parsing and formatting in UTC, independent of any encoder's date strategy: the one place where
/// timestamps are written (Kubernetes `Time` and `MicroTime`, the managed Secret's annotations).
public enum RFC3339 {
    /// Parses `2026-01-01T00:00:00Z`, with optional fractional seconds and a numeric offset.
    public static func parse(_ text: String) -> Date? {
        if let d = try? Date.ISO8601FormatStyle(includingFractionalSeconds: true).parse(text) { return d }
        if let d = try? Date.ISO8601FormatStyle().parse(text) { return d }
        return nil
    }

    /// Formats in UTC with `fractionalDigits` digits (0 or 1...9) after the seconds; 0 truncates to whole seconds.
    public static func format(_ date: Date, fractionalDigits: Int = 0) -> String {
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

/// A timestamp coded as an RFC 3339 string with a fixed number of fractional digits (Kubernetes `Time`: 0,
/// `MicroTime`: 6). Conforming types get Codable and Comparable from here.
public protocol RFC3339Timestamp: Codable, Hashable, Sendable, Comparable {
    static var fractionalDigits: Int { get }
    var date: Date { get }
    init(_ date: Date)
}

extension RFC3339Timestamp {
    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let date = RFC3339.parse(text) else {
            throw DecodingError.dataCorrupted(
                .init(codingPath: decoder.codingPath, debugDescription: "not an RFC 3339 time: \(text)"))
        }
        self.init(date)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(RFC3339.format(date, fractionalDigits: Self.fractionalDigits))
    }

    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.date < rhs.date }
}
