import AsyncHTTPClient
import Foundation
import KubernetesSimulator
import NIOCore
import NIOHTTP1
import NIOSSL
import PullKeeperCore
import SimulatorPKI

/// A response as the tests look at it.
struct TestResponse {
    var status: Int
    var headers: HTTPHeaders
    var body: JSONValue?

    var reason: String? { body?["reason"]?.stringValue }
    var message: String? { body?["message"]?.stringValue }
    var resourceVersion: String? { body?.value(at: ["metadata", "resourceVersion"])?.stringValue }
}

/// A started simulator plus an independent HTTPS client (AsyncHTTPClient, our CA trusted).
struct TestCluster {
    let simulator: KubernetesSimulator
    let client: HTTPClient

    /// Runs `body` against a fresh simulator and always shuts both down.
    static func with<T>(
        _ configure: (inout KubernetesSimulator.Configuration) -> Void = { _ in },
        clientCertificate: (KubernetesSimulator) throws -> IssuedCertificate? = { _ in nil },
        _ body: (TestCluster) async throws -> T
    ) async throws -> T {
        var configuration = KubernetesSimulator.Configuration()
        configuration.logger.logLevel = .critical
        configure(&configuration)
        let simulator = try KubernetesSimulator(configuration: configuration)
        try await simulator.start()
        var tls = TLSConfiguration.makeClientConfiguration()
        tls.trustRoots = .certificates(try NIOSSLCertificate.fromPEMBytes(Array(simulator.caCertificatePEM.utf8)))
        tls.shutdownTimeout = .milliseconds(200)
        if let material = try clientCertificate(simulator) {
            tls.certificateChain = try NIOSSLCertificate.fromPEMBytes(Array(material.certificatePEM.utf8))
                .map { .certificate($0) }
            tls.privateKey = .privateKey(try NIOSSLPrivateKey(bytes: Array(material.privateKeyPEM.utf8), format: .pem))
        }
        var clientConfiguration = HTTPClient.Configuration(tlsConfiguration: tls)
        clientConfiguration.timeout = .init(connect: .seconds(5), read: nil)
        let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: clientConfiguration)
        let cluster = TestCluster(simulator: simulator, client: client)
        do {
            let result = try await body(cluster)
            try await client.shutdown()
            await simulator.shutdown()
            return result
        } catch {
            try? await client.shutdown()
            await simulator.shutdown()
            throw error
        }
    }

    /// Sends one request; `token: nil` uses the admin token, `""` sends no Authorization header.
    func send(
        _ method: HTTPMethod, _ path: String, body: JSONValue? = nil, contentType: String = "application/json",
        token: String? = nil, accept: String = "application/json"
    ) async throws -> TestResponse {
        var request = HTTPClientRequest(url: simulator.baseURL + path)
        request.method = method
        let token = token ?? simulator.adminToken
        if !token.isEmpty { request.headers.add(name: "Authorization", value: "Bearer \(token)") }
        request.headers.add(name: "Accept", value: accept)
        if let body {
            request.headers.add(name: "Content-Type", value: contentType)
            request.body = .bytes(ByteBuffer(bytes: body.encoded()))
        }
        let response = try await client.execute(request, timeout: .seconds(30))
        let bytes = try await response.body.collect(upTo: 64 << 20)
        let parsed = bytes.readableBytes == 0 ? nil : try? JSONValue.parse(bytes.readableBytesView)
        return TestResponse(status: Int(response.status.code), headers: response.headers, body: parsed)
    }

    func get(_ path: String, token: String? = nil) async throws -> TestResponse {
        try await send(.GET, path, token: token)
    }

    func post(_ path: String, _ body: JSONValue, token: String? = nil) async throws -> TestResponse {
        try await send(.POST, path, body: body, token: token)
    }

    /// Creates a namespace through the API and returns its resourceVersion.
    @discardableResult
    func createNamespace(_ name: String, labels: [String: String] = [:]) async throws -> TestResponse {
        let labelObject = JSONValue.object(labels.mapValues { .string($0) })
        return try await post("/api/v1/namespaces", ["metadata": ["name": .string(name), "labels": labelObject]])
    }

    /// Opens a watch; read it with `next()`.
    func watch(_ path: String, token: String? = nil) async throws -> WatchReader {
        var request = HTTPClientRequest(url: simulator.baseURL + path)
        request.headers.add(name: "Authorization", value: "Bearer \(token ?? simulator.adminToken)")
        let response = try await client.execute(request, timeout: .seconds(30))
        return WatchReader(status: Int(response.status.code), iterator: response.body.makeAsyncIterator())
    }
}

/// Reads a watch response line by line (events may be split across chunks).
struct WatchReader {
    let status: Int
    var iterator: HTTPClientResponse.Body.AsyncIterator
    var buffer: [UInt8] = []

    /// The next event, or nil when the server ended the stream.
    mutating func next() async throws -> JSONValue? {
        while true {
            if let newline = buffer.firstIndex(of: UInt8(ascii: "\n")) {
                let line = Array(buffer[..<newline])
                buffer.removeSubrange(...newline)
                if line.isEmpty { continue }
                return try JSONValue.parse(line)
            }
            guard let chunk = try await iterator.next() else { return nil }
            buffer += chunk.readableBytesView
        }
    }

    /// Every remaining event until the stream ends.
    mutating func rest() async throws -> [JSONValue] {
        var events: [JSONValue] = []
        while let event = try await next() { events.append(event) }
        return events
    }
}

extension JSONValue {
    var eventType: String? { self["type"]?.stringValue }
    var eventName: String? { value(at: ["object", "metadata", "name"])?.stringValue }
    var name: String? { value(at: ["metadata", "name"])?.stringValue }
}
