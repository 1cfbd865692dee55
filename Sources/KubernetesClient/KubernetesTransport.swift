import AsyncHTTPClient
import NIOCore

/// How requests reach the API server: AsyncHTTPClient over HTTPS in production; tests plug in an in-process
/// server (no sockets, no TLS) so the whole client (paths, encoding, retries, errors, watch decoding) still runs.
public protocol KubernetesTransport: Sendable {
    func execute(_ request: HTTPClientRequest, deadline: NIODeadline) async throws -> HTTPClientResponse
    func shutdown() async throws
}

/// The production transport: an AsyncHTTPClient connection pool.
struct AsyncHTTPClientTransport: KubernetesTransport {
    let client: HTTPClient

    func execute(_ request: HTTPClientRequest, deadline: NIODeadline) async throws -> HTTPClientResponse {
        try await client.execute(request, deadline: deadline)
    }

    func shutdown() async throws {
        try await client.shutdown()
    }
}
