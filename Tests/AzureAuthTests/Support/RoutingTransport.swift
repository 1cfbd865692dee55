import AzureAuth
import Foundation
import Synchronization

/// A transport double that answers by URL path and counts requests per path.
final class RoutingTransport: HTTPTransport {
    typealias Route = @Sendable (HTTPRequestData) throws -> HTTPResponseData
    private let routes: [String: Route]
    private let counts = Mutex<[String: Int]>([:])
    private let log = Mutex<[HTTPRequestData]>([])

    init(_ routes: [String: Route]) { self.routes = routes }

    func count(_ pathSuffix: String) -> Int {
        counts.withLock { $0.filter { $0.key.hasSuffix(pathSuffix) }.values.reduce(0, +) }
    }

    var requests: [HTTPRequestData] { log.withLock { $0 } }

    func send(_ request: HTTPRequestData) async throws -> HTTPResponseData {
        let path = URLComponents(string: request.url)?.path ?? request.url
        counts.withLock { $0[path, default: 0] += 1 }
        log.withLock { $0.append(request) }
        // Give other tasks a chance to pile up on the in-flight request.
        await Task.yield()
        guard let route = routes.first(where: { path.hasSuffix($0.key) })?.value else {
            throw ScriptedTransport.ScriptError.unexpected(request.url)
        }
        return try route(request)
    }
}

/// A settable clock.
final class TestClock: Sendable {
    private let current: Mutex<Date>
    init(_ start: Date = Date(timeIntervalSince1970: 1_767_225_600)) { current = Mutex(start) }
    var now: Date { current.withLock { $0 } }
    func advance(by seconds: TimeInterval) { current.withLock { $0 = $0.addingTimeInterval(seconds) } }
    var function: @Sendable () -> Date { { self.now } }
}
