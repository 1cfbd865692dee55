import HTTPTypes
import Hummingbird
import NIOCore
import NIOEmbedded

/// One answer of `respond(...)`: the status, the headers and the body as it streams (a watch stays open).
public struct InProcessResponse: Sendable {
    public var status: Int
    public var headers: [(String, String)]
    public var body: AsyncStream<ByteBuffer>
}

extension KubernetesSimulator {
    /// Serves one request in-process, exactly as the HTTPS listener would (authentication by bearer token,
    /// RBAC, faults, audit, validation, watches), without a socket or TLS: the fast test tier's API server.
    /// The simulator need not be started. Ending the consumption of `body` cancels what is writing it.
    public func respond(
        method: String, path: String, headers: [(String, String)], body: [UInt8]
    ) async -> InProcessResponse {
        var fields = HTTPFields()
        for (name, value) in headers {
            if let field = HTTPField.Name(name) { fields.append(HTTPField(name: field, value: value)) }
        }
        let head = HTTPRequest(
            method: HTTPRequest.Method(method) ?? .get, scheme: "https", authority: "in-process", path: path,
            headerFields: fields)
        let request = Request(head: head, body: RequestBody(buffer: ByteBuffer(bytes: body)))
        // The listener's reaper does not run in-process: terminating namespaces are removed on each request.
        _ = core.store.removeExpiredNamespaces()
        let response = await core.handle(request, channel: EmbeddedChannel())
        let (stream, continuation) = AsyncStream.makeStream(of: ByteBuffer.self)
        let writer = Task {
            let body = response.body
            try? await body.write(StreamWriter(continuation: continuation))
            continuation.finish()
        }
        continuation.onTermination = { _ in writer.cancel() }
        let responseHeaders = response.headers.map { ($0.name.canonicalName, $0.value) }
        return InProcessResponse(status: Int(response.status.code), headers: responseHeaders, body: stream)
    }
}

/// Hands a response body to an `AsyncStream`, chunk by chunk.
private struct StreamWriter: ResponseBodyWriter {
    let continuation: AsyncStream<ByteBuffer>.Continuation

    mutating func write(_ buffer: ByteBuffer) async throws {
        if case .terminated = continuation.yield(buffer) { throw CancellationError() }
    }

    consuming func finish(_ trailingHeaders: HTTPFields?) async throws {
        continuation.finish()
    }
}
