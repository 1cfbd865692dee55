import Foundation

/// Reads how long a server asks us to wait, as azcore does: `retry-after-ms`, `x-ms-retry-after-ms`,
/// then `Retry-After` in seconds or as an HTTP date.
enum RetryAfter {
    static func parse(_ response: HTTPResponseData, now: Date = Date()) -> Duration? {
        for name in ["retry-after-ms", "x-ms-retry-after-ms"] {
            if let text = response.header(name), let millis = Int(text.trimmingCharacters(in: .whitespaces)),
                millis >= 0
            {
                return .milliseconds(millis)
            }
        }
        guard let text = response.header("Retry-After")?.trimmingCharacters(in: .whitespaces) else { return nil }
        if let seconds = Int(text), seconds >= 0 { return .seconds(seconds) }
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss zzz"
        guard let date = formatter.date(from: text) else { return nil }
        let seconds = max(0, date.timeIntervalSince(now))
        return .milliseconds(Int64(seconds * 1000))
    }
}
