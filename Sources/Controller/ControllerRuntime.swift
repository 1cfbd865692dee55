import AzureAuth
import Foundation
import KubernetesClient
import Logging
import PullKeeperConfig
import PullKeeperCore
import ServiceLifecycle
import Synchronization
import UnixSignals

/// Everything `pullkeeper run` (and `demo`, `bench`) wires together: the Kubernetes client, the token cache with
/// its credential source and self-check, Events, metrics, the controller, the leader elector and the HTTP servers.
public final class ControllerRuntime: Sendable {
    /// What to build.
    public struct Setup: Sendable {
        public var config: OperatorConfig
        public var kubernetes: KubernetesClientConfiguration
        /// The process environment (the `env` identity, App Service variables).
        public var environment: [String: String]
        public var options: Controller.Options
        public var leaderElection: LeaderElection?
        /// `/metrics` (with `/healthz`); nil: none.
        public var metricsAddress: HostPort?
        /// `/healthz` and `/readyz`; nil: none.
        public var healthAddress: HostPort?
        public var logger: Logger
        /// How long `/readyz` reuses its last API-server probe.
        public var readinessTTL: Duration = .seconds(5)
        /// Time for every timer, backoff, renewal and timestamp (tests pass a manual clock).
        public var clock: RuntimeClock = .system
        /// How requests reach the API server (default: HTTPS per `kubernetes`); tests pass an in-process one.
        public var kubernetesTransport: (any KubernetesTransport)?
        /// How requests reach Entra ID, IMDS and registries (default: HTTPS); tests pass an in-process one.
        public var azureTransport: (any HTTPTransport)?
        /// When to audit each identity's rights on its registries (`pullkeeper run`: daily); nil: never.
        public var rightsAudit: RightsAuditor.Schedule?

        public init(
            config: OperatorConfig, kubernetes: KubernetesClientConfiguration, environment: [String: String],
            options: Controller.Options = .init(), leaderElection: LeaderElection? = nil,
            metricsAddress: HostPort? = nil, healthAddress: HostPort? = nil, logger: Logger
        ) {
            self.config = config
            self.kubernetes = kubernetes
            self.environment = environment
            self.options = options
            self.leaderElection = leaderElection
            self.metricsAddress = metricsAddress
            self.healthAddress = healthAddress
            self.logger = logger
        }
    }

    /// Lease settings for `--leader-elect`.
    public struct LeaderElection: Sendable {
        public var namespace: String
        public var name: String
        public var identity: String
        public var timing: LeaderElector.Timing

        public init(
            namespace: String, name: String = "pullkeeper-leader", identity: String,
            timing: LeaderElector.Timing = .init()
        ) {
            self.namespace = namespace
            self.name = name
            self.identity = identity
            self.timing = timing
        }
    }

    public let controller: Controller
    public let elector: LeaderElector?
    public let metrics: ControllerMetrics
    public let client: HTTPKubernetesClient
    public let transport: any HTTPTransport
    public let provider: TokenProvider
    public let credentials: RegistryCredentialSource
    public let auditor: RightsAuditor?
    package let servers: [HealthServer]
    package let logger: Logger
    /// Ports the HTTP servers bound, once they run.
    package let boundPorts: PortBook
    private let group = Mutex<ServiceGroup?>(nil)

    public init(_ setup: Setup) throws {
        let metrics = ControllerMetrics()
        var kubernetes = setup.kubernetes
        let previousObserver = kubernetes.requestObserver
        kubernetes.requestObserver = { record in
            metrics.kubernetesRequest(verb: record.verb, resource: record.resource, code: record.code ?? 0)
            previousObserver?(record)
        }
        let client = try HTTPKubernetesClient(
            configuration: kubernetes, logger: setup.logger, transport: setup.kubernetesTransport)
        let clock = setup.clock
        let timeouts = setup.config.timeouts
        let network = setup.azureTransport ?? AsyncHTTPTransport(connectTimeout: timeouts.connect)
        // Registry calls (exchange, token, self-check) get `timeouts.registry`; the factory gives Entra ID and IMDS
        // theirs.
        let transport = TimeoutTransport(network, timeout: timeouts.registry, clock: clock)
        let provider = TokenProvider(
            transport: transport, imdsLimiter: .instanceMetadata(clock: clock),
            probe: setup.config.selfCheck ? RegistryProbe(transport: transport) : nil, now: clock.date,
            logger: setup.logger,
            observer: { record in
                metrics.tokenRequest(
                    identity: record.identity, registry: record.registry, endpoint: record.endpoint,
                    result: record.succeeded ? "success" : "error")
                if let expiry = record.expiresOn, record.endpoint == "exchange" || record.endpoint == "token" {
                    metrics.tokenExpiry(identity: record.identity, registry: record.registry, expiresAt: expiry)
                }
            })
        let factory = CredentialFactory(
            config: setup.config, environment: setup.environment, transport: network, clock: clock)
        let source = RegistryCredentialSource(
            factory: factory, provider: provider, logger: setup.logger, pendingLimit: timeouts.pending, clock: clock)
        let events = EventRecorder(
            client: client, instance: setup.options.instance, logger: setup.logger, clock: clock)
        let leading = LeadershipFlag(leading: setup.leaderElection == nil)
        let controller = Controller(
            client: client, config: setup.config, credentials: source, metrics: metrics, events: events,
            logger: setup.logger, options: setup.options, clock: clock, canWrite: { leading.isLeading })
        if let election = setup.leaderElection {
            elector = LeaderElector(
                client: client, name: election.name, namespace: election.namespace, identity: election.identity,
                timing: election.timing, logger: setup.logger, clock: clock
            ) { isLeader in
                leading.set(isLeader)
                metrics.setLeader(isLeader)
                if isLeader { await controller.enqueueAll() }
            }
        } else {
            elector = nil
            metrics.setLeader(true)
        }
        var servers: [HealthServer] = []
        let ports = PortBook()
        // Ready: caches synced and the API server answering (PRODUCT.md §5).
        let probe = APIServerProbe(client: client, ttl: setup.readinessTTL, logger: setup.logger)
        let isReady: @Sendable () async -> Controller.Readiness = {
            let readiness = controller.readiness
            guard readiness.ready else { return readiness }
            if let problem = await probe.problem() { return .init(ready: false, reason: problem) }
            return readiness
        }
        let sharesHealth = setup.healthAddress != nil && setup.healthAddress == setup.metricsAddress
        if let address = setup.metricsAddress {
            servers.append(
                HealthServer(
                    host: address.host, port: address.port, metrics: metrics, logger: setup.logger, isReady: isReady,
                    onBound: { port in
                        ports.record("metrics", port)
                        // One server serves both when the addresses are the same.
                        if sharesHealth { ports.record("health", port) }
                    }))
        }
        if let address = setup.healthAddress, address != setup.metricsAddress {
            servers.append(
                HealthServer(
                    host: address.host, port: address.port, metrics: metrics, logger: setup.logger, isReady: isReady,
                    onBound: { port in ports.record("health", port) }))
        }
        auditor = setup.rightsAudit.map { schedule in
            RightsAuditor(
                audit: RightsAudit(factory: factory, provider: provider), schedule: schedule, metrics: metrics,
                logger: setup.logger, clock: clock)
        }
        self.controller = controller
        self.metrics = metrics
        self.client = client
        self.transport = network
        self.provider = provider
        self.credentials = source
        self.servers = servers
        self.boundPorts = ports
        self.logger = setup.logger
    }

    /// The services for a `ServiceGroup`, in start order. A group shuts its services down one after the other in
    /// reverse order, which is the order a stopping replica needs: the controller stops taking work and finishes
    /// the passes in flight, then the elector releases the Lease (no write can follow it), and the health and
    /// metrics servers stop last, so that probes see the replica turn unready before it stops answering. Whichever
    /// part ends first (the controller after `--once`, or a failure) shuts the rest down the same way.
    public var services: [ServiceGroupConfiguration.ServiceConfiguration] {
        var parts: [any Service] = servers
        parts.append(credentials)
        if let auditor { parts.append(auditor) }
        if let elector { parts.append(elector) }
        parts.append(controller)
        return parts.map {
            .init(
                service: $0, successTerminationBehavior: .gracefullyShutdownGroup,
                failureTerminationBehavior: .gracefullyShutdownGroup)
        }
    }

    /// The port a server bound (`metrics` or `health`), once it runs.
    public func port(of server: String) -> Int? { boundPorts.port(server) }

    /// Runs everything until one of `signals` (none unless the caller owns the process's signals, as
    /// `pullkeeper run` does), `stop()`, or until the controller returns; then
    /// closes the clients.
    public func run(signals: [UnixSignal] = []) async throws {
        let group = ServiceGroup(
            configuration: .init(services: services, gracefulShutdownSignals: signals, logger: logger))
        self.group.withLock { $0 = group }
        do {
            try await group.run()
        } catch {
            await closeClients()
            throw error
        }
        await closeClients()
    }

    /// Begins a graceful shutdown of a running `run()` (as SIGTERM does).
    public func stop() async {
        await group.withLock { $0 }?.triggerGracefulShutdown()
    }

    /// Closes the HTTP clients (after the services stopped).
    public func closeClients() async {
        try? await client.shutdown()
        try? await (transport as? AsyncHTTPTransport)?.shutdown()
    }
}

/// Whether this replica may write (always, without leader election).
package final class LeadershipFlag: Sendable {
    private let state: Mutex<Bool>

    package init(leading: Bool) { state = Mutex(leading) }

    package var isLeading: Bool { state.withLock { $0 } }

    package func set(_ leading: Bool) { state.withLock { $0 = leading } }
}

/// Ports bound by the HTTP servers, by name.
package final class PortBook: Sendable {
    private let ports = Mutex<[String: Int]>([:])

    package func record(_ name: String, _ port: Int) { ports.withLock { $0[name] = port } }

    package func port(_ name: String) -> Int? { ports.withLock { $0[name] } }
}

/// `host:port` for a listener; `:8080` means every interface.
public struct HostPort: Sendable, Hashable, CustomStringConvertible {
    public var host: String
    public var port: Int

    public init(host: String, port: Int) {
        self.host = host
        self.port = port
    }

    /// Why a listener address could not be read.
    public struct ParseError: Error, CustomStringConvertible, Sendable {
        public let description: String
    }

    /// Parses `host:port`, `:port` or `[v6]:port`; nil for `off`, `""` or `0`.
    public static func parse(_ text: String) throws(ParseError) -> HostPort? {
        if text.isEmpty || text == "off" || text == "0" { return nil }
        guard let colon = text.lastIndex(of: ":"), let port = Int(text[text.index(after: colon)...]),
            (0...65_535).contains(port)
        else {
            throw ParseError(description: "\"\(text)\" is not an address like 0.0.0.0:8080 or :8080")
        }
        var host = String(text[..<colon])
        if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        return HostPort(host: host.isEmpty ? "0.0.0.0" : host, port: port)
    }

    public var description: String { host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)" }
}
