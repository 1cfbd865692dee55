import AzureAuth
import AzureSimulator
import Synchronization

/// An AzureAuth `HTTPTransport` that hands every request to an `AzureSimulator` in-process (Entra ID, IMDS and
/// the registries' token services and `/v2/`), without a socket or TLS.
public final class InProcessAzure: HTTPTransport {
    public let simulator: AzureSimulator
    private let count = Mutex((sent: 0, inFlight: 0))

    public init(simulator: AzureSimulator) {
        self.simulator = simulator
    }

    /// Requests sent so far.
    public var sent: Int { count.withLock { $0.sent } }

    /// Requests being answered now.
    public var inFlight: Int { count.withLock { $0.inFlight } }

    public func send(_ request: HTTPRequestData) async throws -> HTTPResponseData {
        count.withLock {
            $0.sent += 1
            $0.inFlight += 1
        }
        defer { count.withLock { $0.inFlight -= 1 } }
        let answer = simulator.respond(
            method: request.method.rawValue, url: request.url, headers: request.headers, body: request.body ?? [])
        return HTTPResponseData(status: answer.status, headers: answer.headers, body: answer.body)
    }
}
