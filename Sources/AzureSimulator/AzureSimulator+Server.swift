import Foundation
import Hummingbird
import HummingbirdTLS
import Logging
import NIOCore
import NIOSSL
import ServiceLifecycle

/// Listener ports and the task that serves them.
struct SimRuntime: Sendable {
    /// Main listener first, then the registry listeners.
    var ports: [Int] = []
    var task: Task<Void, any Error>?
    /// The listeners' group, shut down gracefully by `shutdown()` (cancelling it would cut connections).
    var group: ServiceGroup?
}

/// Why the simulator could not start.
public struct AzureSimulatorError: Error, CustomStringConvertible, Sendable {
    public let description: String

    static let alreadyStarted = AzureSimulatorError(description: "the Azure simulator is already running")
    static let listenerFailed = AzureSimulatorError(description: "an Azure simulator listener did not start")
    static func notRegistered(_ what: String) -> AzureSimulatorError {
        AzureSimulatorError(description: "Azure simulator: \(what) is not registered")
    }
    static func invalid(_ what: String) -> AzureSimulatorError {
        AzureSimulatorError(description: "Azure simulator: \(what)")
    }
}

extension AzureSimulator {
    /// Starts listening (main listener plus `registryListeners`) and returns once every port is bound.
    public func start() async throws {
        guard runtime.withLock({ $0.task == nil }) else { throw AzureSimulatorError.alreadyStarted }
        let (stream, continuation) = AsyncStream<Int>.makeStream()
        let task = Task {
            defer { continuation.finish() }
            try await self.serve { continuation.yield($0) }
        }
        runtime.withLock { $0.task = task }
        let count = configuration.registryListeners + 1
        var ports: [Int] = []
        for await port in stream {
            ports.append(port)
            if ports.count == count { break }
        }
        guard ports.count == count else {
            task.cancel()
            _ = try? await task.value
            runtime.withLock { $0.task = nil }
            throw AzureSimulatorError.listenerFailed
        }
        logger.info("Azure simulator listening", metadata: ["simulator.port": "\(ports[0])"])
    }

    /// Serves until the calling task is cancelled (for a service group); use `start()` for the background.
    public func run() async throws {
        try await serve { _ in }
    }

    /// Stops listening and waits until the listeners are closed.
    public func shutdown() async {
        let (task, group) = runtime.withLock { runtime in
            defer {
                runtime.task = nil
                runtime.group = nil
            }
            return (runtime.task, runtime.group)
        }
        await group?.triggerGracefulShutdown()
        _ = try? await task?.value
    }

    /// Runs every listener in one `ServiceGroup` until its graceful shutdown (by `shutdown()`, or by the group
    /// that runs this simulator as a service).
    private func serve(onBound: @escaping @Sendable (Int) -> Void) async throws {
        let tls = try makeTLSConfiguration()
        let responder = SimulatorResponder(simulator: self)
        let listeners = configuration.registryListeners + 1
        var applications: [any Service] = []
        for index in 0..<listeners {
            applications.append(
                Application(
                    responder: responder,
                    server: try .tls(.http1(), tlsConfiguration: tls),
                    configuration: ApplicationConfiguration(address: .hostname("127.0.0.1", port: 0)),
                    onServerRunning: { channel in
                        let port = channel.localAddress?.port ?? 0
                        self.runtime.withLock { runtime in
                            if runtime.ports.count < listeners { runtime.ports = Array(repeating: 0, count: listeners) }
                            runtime.ports[index] = port
                        }
                        onBound(port)
                    },
                    logger: logger
                ))
        }
        let group = ServiceGroup(configuration: .init(services: applications, logger: logger))
        runtime.withLock { $0.group = group }
        try await group.run()
    }

    private func makeTLSConfiguration() throws -> TLSConfiguration {
        let certificate = try NIOSSLCertificate(bytes: tlsCertificate.certificateDER, format: .der)
        let key = try NIOSSLPrivateKey(bytes: Array(tlsCertificate.privateKeyPEM.utf8), format: .pem)
        return TLSConfiguration.makeServerConfiguration(
            certificateChain: [.certificate(certificate)], privateKey: .privateKey(key))
    }

    // MARK: URLs (valid once started)

    /// Port of the main listener.
    public var port: Int { runtime.withLock { $0.ports.first ?? 0 } }
    /// `https://127.0.0.1:<port>` without a trailing slash.
    public var baseURL: String { "https://127.0.0.1:\(port)" }
    /// Entra authority host, with its trailing `/` (`AZURE_AUTHORITY_HOST`).
    public var authorityHost: String { baseURL + "/" }
    /// IMDS base URL; the token path `/metadata/identity/oauth2/token` is appended by clients.
    public var imdsEndpoint: String { baseURL }
    /// Full IMDS token URL.
    public var imdsTokenURL: String { baseURL + "/metadata/identity/oauth2/token" }
    /// App Service `IDENTITY_ENDPOINT`; send `appServiceHeader` as `X-IDENTITY-HEADER`.
    public var appServiceEndpoint: String { baseURL + "/msi/token" }
    /// Where `/oauth2/exchange` and `/oauth2/token` live for every registry (a pullkeeper `authEndpoint`).
    public var registryAuthEndpoint: String { baseURL }
    /// The realm announced in registry challenges.
    public var realm: String { baseURL + "/oauth2/token" }
    /// Entra token URL of a tenant.
    public func tokenURL(tenant: String) -> String { baseURL + "/\(tenant)/oauth2/v2.0/token" }
    /// `127.0.0.1:<port>` of each registry listener (usable as registry login servers).
    public var registryListenerHosts: [String] {
        runtime.withLock { Array($0.ports.dropFirst()) }.map { "127.0.0.1:\($0)" }
    }
}

/// Hands every request to the simulator's router after reading the body within the size limit.
struct SimulatorResponder: HTTPResponder {
    typealias Context = BasicRequestContext
    let simulator: AzureSimulator

    func respond(to request: Request, context: BasicRequestContext) async throws -> Response {
        var request = request
        let body: [UInt8]
        do {
            var buffer = try await request.collectBody(upTo: simulator.configuration.maxBodyBytes)
            body = buffer.readBytes(length: buffer.readableBytes) ?? []
        } catch {
            return SimResponse.plain(413, "request body too large").hummingbird
        }
        var headers: [String: String] = [:]
        // HTTPTypes moves `Host` into the authority pseudo-header.
        if let authority = request.head.authority { headers["host"] = authority }
        for field in request.headers {
            let name = field.name.canonicalName
            headers[name] = headers[name].map { $0 + ", " + field.value } ?? field.value
        }
        let incoming = SimRequest(
            method: request.method.rawValue,
            path: request.uri.path,
            query: FormData(request.uri.query ?? ""),
            headers: headers,
            body: body
        )
        return simulator.handle(incoming).hummingbird
    }
}
