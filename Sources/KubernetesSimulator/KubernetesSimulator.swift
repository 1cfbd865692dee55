import Foundation
import Hummingbird
import HummingbirdTLS
import Logging
import NIOSSL
import PullKeeperCore
import ServiceLifecycle
import SimulatorPKI
import Synchronization

/// An in-memory Kubernetes API server on loopback over HTTPS, with its own CA, RBAC and fault injection.
///
/// `start()` binds and returns once the port is known; `run()` (a swift-service-lifecycle `Service`) starts, waits
/// for graceful shutdown or cancellation, then stops; `shutdown()` stops.
public final class KubernetesSimulator: Service, Sendable {
    /// The configuration it was created with.
    public let configuration: Configuration
    /// The CA that signed the server certificate and verifies client certificates.
    public let pki: SimulatorPKI
    /// Bearer token of the admin user (group `system:masters`).
    public let adminToken: String
    /// Name of the admin user.
    public static let adminUserName = "admin"

    let core: SimulatorCore
    private let serverCertificate: IssuedCertificate
    private let running = Mutex<RunState>(RunState())

    private struct RunState {
        var task: Task<Void, Never>?
        /// Runs the HTTP application; shut down gracefully (never cancelled), so connections drain quietly.
        var group: ServiceGroup?
        var port: Int?
    }

    /// Creates the simulator, its initial namespaces and admin user; nothing listens until `start()`.
    public init(configuration: Configuration = Configuration(), pki: SimulatorPKI? = nil) throws {
        self.configuration = configuration
        let pki = try pki ?? SimulatorPKI.makeCA(commonName: "pullkeeper kubernetes simulator CA")
        self.pki = pki
        serverCertificate = try pki.issue(
            commonName: "kube-apiserver",
            dnsNames: ["localhost", "kubernetes", "kubernetes.default", "kubernetes.default.svc"],
            ipAddresses: [configuration.host == "0.0.0.0" ? "127.0.0.1" : configuration.host])
        adminToken = configuration.adminToken ?? Self.randomToken()
        core = SimulatorCore(configuration: configuration)
        core.users.add(
            SimulatorUser(name: Self.adminUserName, groups: [UserRegistry.mastersGroup]), token: adminToken)
        for namespace in configuration.initialNamespaces {
            _ = try? core.store.create(.namespaces, namespace: nil, body: ["metadata": ["name": .string(namespace)]])
        }
    }

    /// PEM of the CA certificate clients must trust.
    public var caCertificatePEM: String { pki.caCertificatePEM }

    /// The bound port, once started.
    public var port: Int? { running.withLock { $0.port } }

    /// `https://127.0.0.1:<port>` once started.
    public var baseURL: String {
        let host = configuration.host.contains(":") ? "[\(configuration.host)]" : configuration.host
        return "https://\(host):\(port ?? configuration.port)"
    }

    /// Binds the HTTPS listener and returns when it accepts connections.
    public func start() async throws {
        if running.withLock({ $0.task != nil }) { return }
        let (events, continuation) = AsyncStream.makeStream(of: Result<Int, any Error>.self)
        let application = Application(
            responder: SimulatorResponder(core: core),
            server: try .tls(.http1(), tlsConfiguration: try tlsConfiguration()),
            configuration: ApplicationConfiguration(
                address: .hostname(configuration.host, port: configuration.port), serverName: nil),
            services: [NamespaceReaper(store: core.store)],
            onServerRunning: { channel in
                continuation.yield(.success(channel.localAddress?.port ?? 0))
            },
            logger: configuration.logger)
        let group = ServiceGroup(
            configuration: .init(services: [application], logger: configuration.logger))
        let task = Task {
            do {
                try await group.run()
            } catch {
                continuation.yield(.failure(error))
            }
            continuation.finish()
        }
        running.withLock {
            $0.task = task
            $0.group = group
        }
        for await event in events {
            switch event {
            case .success(let port):
                running.withLock { $0.port = port }
                configuration.logger.info("kubernetes simulator listening", metadata: ["server.port": "\(port)"])
                return
            case .failure(let error):
                running.withLock { $0.task = nil }
                throw error
            }
        }
        throw CancellationError()
    }

    /// Stops listening; running watches end first so that the server can drain.
    public func shutdown() async {
        let (task, group) = running.withLock { state in
            defer {
                state.task = nil
                state.group = nil
            }
            return (state.task, state.group)
        }
        core.store.closeAllWatches()
        await group?.triggerGracefulShutdown()
        await task?.value
    }

    /// Starts, then serves until graceful shutdown or cancellation.
    public func run() async throws {
        try await start()
        try? await gracefulShutdown()
        await shutdown()
    }

    private func tlsConfiguration() throws -> TLSConfiguration {
        let chain = try NIOSSLCertificate.fromPEMBytes(Array(serverCertificate.certificatePEM.utf8))
        let key = try NIOSSLPrivateKey(bytes: Array(serverCertificate.privateKeyPEM.utf8), format: .pem)
        var tls = TLSConfiguration.makeServerConfiguration(
            certificateChain: chain.map { .certificate($0) }, privateKey: .privateKey(key))
        // Client certificates are optional (tokens work too) but verified against our CA when presented.
        tls.certificateVerification = .optionalVerification
        tls.trustRoots = .certificates(try NIOSSLCertificate.fromPEMBytes(Array(pki.caCertificatePEM.utf8)))
        return tls
    }

    static func randomToken() -> String {
        var generator = SystemRandomNumberGenerator()
        return (0..<32).map { _ in UInt8.random(in: 0...255, using: &generator) }.hexEncoded
    }
}

/// Removes namespaces whose Terminating delay has passed.
struct NamespaceReaper: Service {
    let store: ObjectStore

    func run() async throws {
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            store.removeExpiredNamespaces()
            try? await Task.sleep(for: .milliseconds(50))
        }
    }
}
