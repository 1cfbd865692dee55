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
    private let timeout: Duration

    /// Creates a transport with its own client. `connectTimeout` bounds DNS, TCP and TLS set-up; `timeout` each whole
    /// request unless the request names its own. A failed connection is not retried inside the client: the error
    /// (a name that does not resolve, a refused port, an unknown CA) is the answer at once, and the caller's backoff
    /// decides when to try again.
    public init(
        maxBodyBytes: Int = AsyncHTTPTransport.defaultMaxBodyBytes, connectTimeout: Duration = .seconds(5),
        timeout: Duration = .seconds(30)
    ) {
        var configuration = HTTPClient.Configuration()
        configuration.timeout = .init(connect: Self.amount(connectTimeout), read: Self.amount(timeout))
        configuration.connectionPool.retryConnectionEstablishment = false
        configuration.redirectConfiguration = .disallow
        // Azure answers quickly; a short TLS shutdown keeps `shutdown()` fast.
        var tls = TLSConfiguration.makeClientConfiguration()
        tls.shutdownTimeout = .milliseconds(200)
        configuration.tlsConfiguration = tls
        self.client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
        self.maxBodyBytes = maxBodyBytes
        self.timeout = timeout
    }

    private static func amount(_ duration: Duration) -> TimeAmount {
        .nanoseconds(duration.components.seconds * 1_000_000_000 + duration.components.attoseconds / 1_000_000_000)
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
        let host = request.hostForMessages
        let limit = request.timeout ?? timeout

        let response: HTTPClientResponse
        do {
            response = try await client.execute(outgoing, timeout: Self.amount(limit))
        } catch {
            if error is CancellationError { throw error }
            throw AzureAuthError(code: .network, detail: NetworkFailure.describe(error, host: host, timeout: limit))
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
                code: .network,
                detail:
                    "the answer from \(host) broke off: \(NetworkFailure.describe(error, host: host, timeout: limit))",
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
}
