import AzureAuth
import AzureSimulator
import Foundation
import Synchronization

/// An AzureAuth `HTTPTransport` that hands every request to an `AzureSimulator` in-process (Entra ID, IMDS and
/// the registries' token services and `/v2/`), without a socket or TLS.
public final class InProcessAzure: HTTPTransport {
    public let simulator: AzureSimulator
    private let count = Mutex((sent: 0, inFlight: 0, hosts: [String: Int]()))

    public init(simulator: AzureSimulator) {
        self.simulator = simulator
    }

    /// Requests sent so far.
    public var sent: Int { count.withLock { $0.sent } }

    /// Requests being answered now.
    public var inFlight: Int { count.withLock { $0.inFlight } }

    /// Requests sent to `host` (`host:port` as the URL names it).
    public func requests(to host: String) -> Int { count.withLock { $0.hosts[host, default: 0] } }

    public func send(_ request: HTTPRequestData) async throws -> HTTPResponseData {
        let components = URLComponents(string: request.url)
        let host = components.map { c in c.port.map { "\(c.host ?? ""):\($0)" } ?? (c.host ?? "") } ?? ""
        count.withLock {
            $0.sent += 1
            $0.inFlight += 1
            $0.hosts[host, default: 0] += 1
        }
        defer { count.withLock { $0.inFlight -= 1 } }
        let answer = simulator.respond(
            method: request.method.rawValue, url: request.url, headers: request.headers, body: request.body ?? [])
        return HTTPResponseData(status: answer.status, headers: answer.headers, body: answer.body)
    }
}
