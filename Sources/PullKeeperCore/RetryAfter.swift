import Foundation

/// How long a server asks a client to wait, as azcore reads it: `retry-after-ms`, `x-ms-retry-after-ms`, then
/// `Retry-After` in seconds or as an HTTP date. A value is never longer than `limit` (`inf` or `1e300` from a
/// broken proxy is a long wait, not a trap).
public enum RetryAfter {
    public static let limit: Duration = .seconds(600)

    /// `header` looks a header up by name (case-insensitively).
    public static func parse(header: (String) -> String?, now: Date = Date()) -> Duration? {
        for name in ["retry-after-ms", "x-ms-retry-after-ms"] {
            if let text = header(name), let millis = Double(text.trimmingCharacters(in: .whitespaces)), millis >= 0 {
                return bounded(millis / 1000)
            }
        }
        guard let text = header("Retry-After")?.trimmingCharacters(in: .whitespaces) else { return nil }
        if let seconds = Double(text), seconds >= 0 { return bounded(seconds) }
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss zzz"
        guard let date = formatter.date(from: text) else { return nil }
        return bounded(max(0, date.timeIntervalSince(now)))
    }

    private static func bounded(_ seconds: Double) -> Duration {
        guard seconds.isFinite, seconds < limit.seconds else { return limit }
        return .milliseconds(Int64(seconds * 1000))
    }
}
