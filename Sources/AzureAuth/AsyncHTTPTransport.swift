import AsyncHTTPClient
import Foundation
import NIOCore
import NIOSSL
import PullKeeperCore

/// `HTTPTransport` over AsyncHTTPClient. Owns its `HTTPClient`; call `shutdown()` when done.
public final class AsyncHTTPTransport: HTTPTransport {
    /// Default cap on a response body: Entra, IMDS and ACR answers are a few KiB.
    public static let defaultMaxBodyBytes = 1 << 20

    private let client: HTTPClient
    private let maxBodyBytes: Int
    private let timeout: TimeAmount

    /// Creates a transport with its own client; `timeout` bounds each whole request.
    public init(maxBodyBytes: Int = AsyncHTTPTransport.defaultMaxBodyBytes, timeout: Duration = .seconds(30)) {
        var configuration = HTTPClient.Configuration()
        configuration.timeout = .init(connect: .seconds(10), read: .seconds(30))
        configuration.redirectConfiguration = .disallow
        // Azure answers quickly; a short TLS shutdown keeps `shutdown()` fast.
        var tls = TLSConfiguration.makeClientConfiguration()
        tls.shutdownTimeout = .milliseconds(200)
        configuration.tlsConfiguration = tls
        self.client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
        self.maxBodyBytes = maxBodyBytes
        self.timeout = .nanoseconds(Int64(timeout.components.seconds) * 1_000_000_000)
    }

    /// Closes connections.
    public func shutdown() async throws {
        try await client.shutdown()
    }

    public func send(_ request: HTTPRequestData) async throws -> HTTPResponseData {
        var outgoing = HTTPClientRequest(url: request.url)
        outgoing.method = request.method == .get ? .GET : .POST
        for (name, value) in request.headers { outgoing.headers.add(name: name, value: value) }
        if let body = request.body { outgoing.body = .bytes(ByteBuffer(bytes: body)) }
        outgoing.tlsConfiguration = try Self.tlsConfiguration(request.tls)
        let host = URL(string: request.url)?.host ?? "endpoint"

        let response: HTTPClientResponse
        do {
            response = try await client.execute(outgoing, timeout: timeout)
        } catch {
            throw AzureAuthError(code: .network, detail: "cannot reach \(host): \(Self.describe(error))")
        }
        var body: ByteBuffer
        do {
            body = try await response.body.collect(upTo: maxBodyBytes)
        } catch let error as NIOTooManyBytesError {
            _ = error
            throw AzureAuthError(
                code: .responseTooLarge, detail: "the answer from \(host) is larger than \(maxBodyBytes) bytes",
                httpStatus: Int(response.status.code))
        } catch {
            throw AzureAuthError(
                code: .network, detail: "the answer from \(host) broke off: \(Self.describe(error))",
                httpStatus: Int(response.status.code))
        }
        let bytes = body.readBytes(length: body.readableBytes) ?? []
        return HTTPResponseData(
            status: Int(response.status.code), headers: response.headers.map { ($0.name, $0.value) }, body: bytes)
    }

    static func tlsConfiguration(_ options: TLSOptions) throws -> TLSConfiguration {
        var tls = TLSConfiguration.makeClientConfiguration()
        tls.shutdownTimeout = .milliseconds(200)
        if options.insecureSkipVerify { tls.certificateVerification = .none }
        var extra: [NIOSSLCertificate] = []
        for path in options.caFiles {
            do {
                extra += try NIOSSLCertificate.fromPEMFile(path)
            } catch {
                throw AzureAuthError(
                    code: .invalidConfiguration, detail: "CA bundle \(path) cannot be read as PEM certificates")
            }
        }
        for pem in options.caPEMs {
            do {
                extra += try NIOSSLCertificate.fromPEMBytes(Array(pem.utf8))
            } catch {
                throw AzureAuthError(code: .invalidConfiguration, detail: "an inline CA bundle is not valid PEM")
            }
        }
        if !extra.isEmpty { tls.additionalTrustRoots = [.certificates(extra)] }
        return tls
    }

    /// Error text without payloads: NIO/AHC errors carry no secrets, but keep it to the type and case.
    private static func describe(_ error: any Error) -> String {
        String(describing: error).prefix(300).description
    }
}
