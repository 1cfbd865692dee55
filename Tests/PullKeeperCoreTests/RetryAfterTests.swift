import NIOHTTP1
import Testing

@testable import KubernetesClient

/// `Retry-After` comes from whatever answers on the API server's address (a proxy, a load balancer): any text is
/// a delay or nothing, never a trap.
@Suite struct RetryAfterHeaderTests {
    @Test(arguments: [
        ("2", Duration.seconds(2)), (" 0.5 ", .milliseconds(500)), ("0", .zero), ("inf", .seconds(600)),
        ("1e300", .seconds(600)), ("86400", .seconds(600)),
    ])
    func delays(text: String, expected: Duration) {
        #expect(HTTPKubernetesClient.retryAfter(HTTPHeaders([("Retry-After", text)])) == expected)
    }

    @Test(arguments: ["", "-1", "nan", "-inf", "soon", "Wed, 21 Oct 2015 07:28:00 GMT", "1e"])
    func ignored(text: String) {
        #expect(HTTPKubernetesClient.retryAfter(HTTPHeaders([("Retry-After", text)])) == nil)
    }
}
