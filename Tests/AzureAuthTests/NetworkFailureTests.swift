import AzureAuth
import Foundation
import PullKeeperCore
import PullKeeperTesting
import Synchronization
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// Issue 20: a connection that cannot be made says why in words, at once (no retry inside the HTTP client), with
/// real sockets: a `.invalid` name (RFC 6761: never resolves, no network needed), a closed loopback port, and a TLS
/// server whose CA is not trusted.
@Suite("Network failures in words (real sockets)")
struct NetworkFailureTests {
    static func failure(_ url: String, tls: TLSOptions = TLSOptions()) async throws -> AzureAuthError? {
        let transport = AsyncHTTPTransport(connectTimeout: .seconds(5), timeout: .seconds(5))
        defer { Task { try? await transport.shutdown() } }
        do {
            _ = try await transport.send(HTTPRequestData(method: .get, url: url, tls: tls))
            return nil
        } catch let error as AzureAuthError {
            return error
        }
    }

    @Test("a registry name that does not resolve: \"cannot resolve <host>\"")
    func unresolvable() async throws {
        let error = try #require(await Self.failure("https://pk-typo.invalid/v2/"))
        #expect(error.code == .network)
        #expect(error.detail == "cannot resolve pk-typo.invalid", "\(error.detail)")
    }

    @Test("a closed port: \"connection refused\"")
    func refused() async throws {
        let port = try Self.closedPort()
        let error = try #require(await Self.failure("https://127.0.0.1:\(port)/v2/"))
        #expect(error.code == .network)
        #expect(error.detail == "connection refused by 127.0.0.1:\(port)", "\(error.detail)")
    }

    @Test("a server whose CA is not trusted: \"TLS: unknown authority\"; trusted, the same server answers")
    func unknownAuthority() async throws {
        try await SimulatedAzure.with { azure in
            let url = "https://\(azure.registry)/v2/"
            let error = try #require(await Self.failure(url))
            #expect(error.code == .network)
            #expect(error.detail == "TLS: unknown authority (\(azure.registry))", "\(error.detail)")
            #expect(try await Self.failure(url, tls: azure.tls) == nil)
        }
    }

    @Test("TimeoutTransport: an answer later than the limit is \"timed out after N s\"; an earlier one passes")
    func timeout() async throws {
        let clock = ManualClock(epoch: Date())
        let slow = SlowTransport(delay: .seconds(30), clock: clock.runtimeClock)
        let transport = TimeoutTransport(slow, timeout: .seconds(8), clock: clock.runtimeClock)
        let late = Task {
            try await transport.send(HTTPRequestData(method: .get, url: "https://pk-slow.azurecr.io/oauth2/token"))
        }
        while clock.sleeperCount < 2 { try await Task.sleep(for: .milliseconds(2)) }
        clock.advance(by: .seconds(8))
        let error = await #expect(throws: AzureAuthError.self) { try await late.value }
        #expect(error?.code == .network)
        #expect(error?.detail == "pk-slow.azurecr.io: timed out after 8 s")

        // A limit the request names itself wins; an answer within it is the answer.
        let quick = Task {
            try await transport.send(
                HTTPRequestData(method: .get, url: "https://pk-slow.azurecr.io/v2/", timeout: .seconds(45)))
        }
        while clock.sleeperCount < 2 { try await Task.sleep(for: .milliseconds(2)) }
        clock.advance(by: .seconds(30))
        #expect(try await quick.value.status == 200)
        #expect(slow.limits == [.seconds(8), .seconds(45)])
    }

    /// A loopback port nobody listens on: bound, read and closed again.
    static func closedPort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw SocketFailure() }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { raw in
                bind(fd, raw, length) == 0 && getsockname(fd, raw, &length) == 0
            }
        }
        guard bound else { throw SocketFailure() }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    struct SocketFailure: Error {}
}

/// Answers 200 after `delay` on the clock, and records the limit each request carried.
final class SlowTransport: HTTPTransport {
    let delay: Duration
    let clock: RuntimeClock
    private let seen = Mutex<[Duration?]>([])

    init(delay: Duration, clock: RuntimeClock) {
        self.delay = delay
        self.clock = clock
    }

    var limits: [Duration?] { seen.withLock { $0 } }

    func send(_ request: HTTPRequestData) async throws -> HTTPResponseData {
        seen.withLock { $0.append(request.timeout) }
        try await clock.sleep(for: delay)
        return HTTPResponseData(status: 200)
    }
}
