import Foundation
import PullKeeperCore
import Testing

/// `Retry-After` comes from whatever answers on a server's address (a proxy, a load balancer): any text is a delay
/// or nothing, never a trap.
@Suite struct RetryAfterTests {
    static func parse(_ headers: [String: String], now: Date = Date()) -> Duration? {
        RetryAfter.parse(
            header: { name in headers.first { $0.key.lowercased() == name.lowercased() }?.value }, now: now)
    }

    @Test(arguments: [
        ("2", Duration.seconds(2)), (" 0.5 ", .milliseconds(500)), ("0", .zero), ("inf", .seconds(600)),
        ("1e300", .seconds(600)), ("86400", .seconds(600)),
    ])
    func delays(text: String, expected: Duration) {
        #expect(Self.parse(["Retry-After": text]) == expected)
    }

    @Test(arguments: ["", "-1", "nan", "-inf", "soon", "1e"])
    func ignored(text: String) {
        #expect(Self.parse(["Retry-After": text]) == nil)
    }

    @Test func millisecondHeadersWin() {
        #expect(Self.parse(["retry-after-ms": "1500", "Retry-After": "9"]) == .milliseconds(1500))
        #expect(Self.parse(["x-ms-retry-after-ms": "250"]) == .milliseconds(250))
    }

    @Test func httpDate() {
        let now = Date(timeIntervalSince1970: 1_445_412_470)  // 21 Oct 2015 07:27:50 GMT
        #expect(Self.parse(["Retry-After": "Wed, 21 Oct 2015 07:28:00 GMT"], now: now) == .seconds(10))
    }
}
