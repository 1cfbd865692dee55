import Foundation
import PullKeeperCore

/// Gives every request of one service (Entra ID, IMDS, a registry) its time limit and enforces it on the runtime
/// clock: a request not answered within it fails as `network` with "timed out after N s", whatever the transport
/// underneath does (a token endpoint that answers after 30 s no longer holds the credential it belongs to).
/// A request that names its own limit keeps it.
public struct TimeoutTransport: HTTPTransport {
    public let base: any HTTPTransport
    public let timeout: Duration
    let clock: RuntimeClock

    public init(_ base: any HTTPTransport, timeout: Duration, clock: RuntimeClock = .system) {
        self.base = base
        self.timeout = timeout
        self.clock = clock
    }

    public func send(_ request: HTTPRequestData) async throws -> HTTPResponseData {
        var request = request
        let limit = request.timeout ?? timeout
        request.timeout = limit
        let sent = request
        let answer = try await withThrowingTaskGroup(of: HTTPResponseData?.self) { group in
            group.addTask { try await base.send(sent) }
            group.addTask { [clock] in
                try await clock.sleep(for: limit)
                return nil
            }
            defer { group.cancelAll() }
            return try await group.next() ?? nil
        }
        guard let answer else {
            throw AzureAuthError(
                code: .network,
                detail: "\(request.hostForMessages): timed out after \(NetworkFailure.seconds(limit)) s")
        }
        return answer
    }
}
