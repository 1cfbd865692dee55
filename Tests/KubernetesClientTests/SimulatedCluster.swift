import Foundation
import KubernetesClient
import KubernetesModel
import KubernetesSimulator
import Logging
import PullKeeperCore
import Synchronization
import Testing

/// A started KubernetesSimulator (loopback HTTPS, port 0) and an `HTTPKubernetesClient` for it that trusts the
/// simulator's CA and authenticates with the admin token.
struct SimulatedCluster: Sendable {
    let simulator: KubernetesSimulator
    let client: HTTPKubernetesClient

    static let logger = Logger(label: "pullkeeper.test", factory: { _ in SwiftLogNoOpLogHandler() })

    /// Fast retries so that tests of retry paths stay quick; no client-side rate limit (tests send bursts).
    static let testRetry = RetryPolicy(maxAttempts: 5, initialDelay: .milliseconds(10), maxDelay: .milliseconds(50))

    /// Runs `body` against a fresh simulator and always shuts the client and the simulator down.
    static func with<T>(
        _ configure: (inout KubernetesSimulator.Configuration) -> Void = { _ in },
        client configureClient: (inout KubernetesClientConfiguration) -> Void = { _ in },
        _ body: (SimulatedCluster) async throws -> T
    ) async throws -> T {
        var configuration = KubernetesSimulator.Configuration()
        configuration.logger.logLevel = .critical
        configure(&configuration)
        let simulator = try KubernetesSimulator(configuration: configuration)
        try await simulator.start()
        var clientConfiguration = adminConfiguration(for: simulator)
        configureClient(&clientConfiguration)
        let client: HTTPKubernetesClient
        do {
            client = try HTTPKubernetesClient(configuration: clientConfiguration, logger: logger)
        } catch {
            await simulator.shutdown()
            throw error
        }
        let cluster = SimulatedCluster(simulator: simulator, client: client)
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

    /// The admin's client configuration: server URL, CA and bearer token, with the test retry policy.
    static func adminConfiguration(for simulator: KubernetesSimulator) -> KubernetesClientConfiguration {
        var configuration = KubernetesClientConfiguration(
            server: simulator.baseURL, certificateAuthorityPEM: simulator.caCertificatePEM,
            credentials: StaticCredentialProvider(KubernetesCredentials(token: simulator.adminToken)))
        tune(&configuration)
        return configuration
    }

    /// Applies the test limits to a configuration (e.g. one loaded from a kubeconfig).
    static func tune(_ configuration: inout KubernetesClientConfiguration) {
        configuration.retry = testRetry
        configuration.qps = 0
        configuration.requestTimeout = .seconds(20)
    }

    /// Runs `body` with another client (e.g. another user's), shutting it down afterwards.
    func withClient<T>(
        _ configuration: KubernetesClientConfiguration, _ body: (HTTPKubernetesClient) async throws -> T
    ) async throws -> T {
        try await Self.withClient(configuration, body)
    }

    /// Runs `body` with a client for `configuration`, shutting it down afterwards.
    static func withClient<T>(
        _ configuration: KubernetesClientConfiguration, _ body: (HTTPKubernetesClient) async throws -> T
    ) async throws -> T {
        let client = try HTTPKubernetesClient(configuration: configuration, logger: logger)
        do {
            let result = try await body(client)
            try await client.shutdown()
            return result
        } catch {
            try? await client.shutdown()
            throw error
        }
    }

    /// A client configuration for a token user of this simulator.
    func configuration(token: String) -> KubernetesClientConfiguration {
        var configuration = Self.adminConfiguration(for: simulator)
        configuration.credentials = StaticCredentialProvider(KubernetesCredentials(token: token))
        return configuration
    }

    /// Creates a namespace through the client.
    @discardableResult
    func createNamespace(_ name: String, labels: [String: String]? = nil) async throws -> Namespace {
        try await client.create(Namespace(metadata: ObjectMeta(name: name, labels: labels)))
    }

    /// Seeds objects in-process (no HTTP), for bulk fixtures.
    func seed(_ resource: ResourceType, namespace: String? = nil, _ object: SimJSON) throws {
        try simulator.create(resource, namespace: namespace, object)
    }

    /// `name → resourceVersion` of the stored objects of a resource, straight from the simulator's store.
    func storedVersions(_ resource: ResourceType, namespace: String? = nil) -> [String: String] {
        var versions: [String: String] = [:]
        for object in simulator.objects(resource, namespace: namespace) {
            let name = object.value(at: ["metadata", "name"])?.stringValue ?? ""
            versions[name] = object.value(at: ["metadata", "resourceVersion"])?.stringValue ?? ""
        }
        return versions
    }
}

/// A value behind a lock that escaping closures (observers, tasks) can share.
final class Locked<Value: Sendable>: Sendable {
    private let mutex: Mutex<Value>

    init(_ value: Value) { mutex = Mutex(value) }

    var value: Value { mutex.withLock { $0 } }

    func withLock<T: Sendable>(_ body: (inout Value) -> T) -> T { mutex.withLock { body(&$0) } }
}

extension KubernetesError {
    /// The HTTP or Status code, for `#expect` messages.
    var summary: String { "\(kind) \(code.map(String.init) ?? "-") \(reason ?? "-")" }
}

/// Runs `body` and returns the `KubernetesError` it threw; records an issue when it threw nothing or another error.
func kubernetesError(
    _ what: String, sourceLocation: SourceLocation = #_sourceLocation, _ body: () async throws -> Void
) async -> KubernetesError? {
    do {
        try await body()
        Issue.record("\(what): expected a KubernetesError", sourceLocation: sourceLocation)
    } catch let error as KubernetesError {
        return error
    } catch {
        Issue.record("\(what): expected a KubernetesError, got \(error)", sourceLocation: sourceLocation)
    }
    return nil
}
