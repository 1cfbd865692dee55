import AsyncHTTPClient
import Foundation
import KubernetesClient
import KubernetesModel
import Logging
import NIOCore
import NIOHTTP1
import Synchronization
import Testing

/// Issue 21: writes whose answer the controller does not read are not decoded (a Secret's copy is 5 KB of base64
/// per write), yet a refusal is still an error.
@Suite("Writes that discard the server's answer")
struct DiscardingWriteTests {
    /// Answers every request with `status` and `body`; counts them.
    final class CannedTransport: KubernetesTransport {
        let status: HTTPResponseStatus
        let body: String
        let requests = Mutex(0)

        init(status: HTTPResponseStatus, body: String) {
            self.status = status
            self.body = body
        }

        func execute(_ request: HTTPClientRequest, deadline: NIODeadline) async throws -> HTTPClientResponse {
            requests.withLock { $0 += 1 }
            var headers = HTTPHeaders()
            headers.add(name: "Content-Type", value: "application/json")
            return HTTPClientResponse(status: status, headers: headers, body: .bytes(ByteBuffer(string: body)))
        }

        func shutdown() async throws {}
    }

    static func client(_ transport: CannedTransport) throws -> HTTPKubernetesClient {
        var configuration = KubernetesClientConfiguration(server: "https://127.0.0.1:6443")
        configuration.retry.maxAttempts = 1
        return try HTTPKubernetesClient(
            configuration: configuration, logger: Logger(label: "test") { _ in SwiftLogNoOpLogHandler() },
            transport: transport)
    }

    static let secret = Secret(metadata: ObjectMeta(name: "acr-pull", namespace: "team-a"), stringData: ["k": "v"])

    @Test("a 2xx answer that does not decode fails create, update and patch but not their discarding forms")
    func answerIsNotDecoded() async throws {
        let transport = CannedTransport(status: .created, body: "{not json")
        let client = try Self.client(transport)
        var versioned = Self.secret
        versioned.metadata.resourceVersion = "7"
        let patch = KubernetesPatch.merge(.object(["metadata": .object(["labels": .object(["a": .string("b")])])]))
        await #expect(throws: (any Error).self) { _ = try await client.create(Self.secret) }
        await #expect(throws: (any Error).self) { _ = try await client.update(versioned) }
        await #expect(throws: (any Error).self) {
            _ = try await client.patch(Secret.self, name: "acr-pull", namespace: "team-a", patch: patch)
        }
        try await client.createDiscardingResult(Self.secret)
        try await client.updateDiscardingResult(versioned)
        try await client.patchDiscardingResult(Secret.self, name: "acr-pull", namespace: "team-a", patch: patch)
        #expect(transport.requests.withLock { $0 } == 6)
    }

    @Test("a refusal is still a typed error")
    func refusalIsAnError() async throws {
        let status =
            #"{"kind":"Status","apiVersion":"v1","status":"Failure","message":"secrets \"acr-pull\" already exists","#
            + #""reason":"AlreadyExists","code":409}"#
        let client = try Self.client(CannedTransport(status: .conflict, body: status))
        let error = await #expect(throws: KubernetesError.self) { try await client.createDiscardingResult(Self.secret) }
        #expect(error?.isAlreadyExists == true)
    }
}
