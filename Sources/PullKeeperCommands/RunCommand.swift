import ArgumentParser
import Controller
import Foundation
import KubernetesClient
import Logging
import PullKeeperConfig
import PullKeeperConfigLoader
import Reconciler

/// `pullkeeper run`: the controller.
public struct RunCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run the controller: keep ACR pull Secrets fresh in every opted-in namespace.")

    @OptionGroup var cluster: ClusterOptions

    @Option(help: "pullkeeper config file (default: built-in defaults; only the `env` identity exists then).")
    var config: String?

    @Option(help: "Address of /metrics (host:port, :port, or off).")
    var metricsAddress = "0.0.0.0:8080"

    @Option(help: "Address of /healthz and /readyz (host:port, :port, or off).")
    var healthAddress = "0.0.0.0:8081"

    @Flag(help: "Elect a leader on a coordination.k8s.io Lease; only the leader writes.")
    var leaderElect = false

    @Option(help: "Namespace of the Lease (default: $POD_NAMESPACE, the pod's namespace in-cluster, else default).")
    var leaseNamespace: String?

    @Option(help: "Name of the Lease.")
    var leaseName = "pullkeeper-leader"

    @Option(help: "Seconds a Lease stays valid without renewal.")
    var leaseDuration: Double = 15

    @Option(help: "Seconds the leader keeps trying to renew before it steps down.")
    var renewDeadline: Double = 10

    @Option(help: "Seconds between Lease attempts.")
    var retryPeriod: Double = 2

    @Flag(help: "Reconcile every namespace once, then exit: 0 when every opted-in namespace is up to date, 1 if not.")
    var once = false

    @Option(help: "Namespaces reconciled at the same time.")
    var workers = 8

    @Option(help: "Client-side limit of Kubernetes API requests per second (0: none).")
    var kubeQPS: Double = 50

    @Option(help: "Burst above --kube-qps.")
    var kubeBurst = 100

    @Flag(
        help: ArgumentHelp(
            "Speak only HTTP/1.1 to the API server (a pool of connections); by default HTTP/2 where the server "
                + "offers it (one connection, many streams), as client-go does."))
    var kubeHTTP1 = false

    @Option(
        help: ArgumentHelp(
            "Seconds between rights audits (0: none).",
            discussion: "Each identity × registry of the config is asked once, a minute after start and then at "
                + "this interval, which repository actions its credential carries; more than pull is a warning and "
                + "pullkeeper_identity_excess_rights 1."))
    var rightsAuditInterval: Double = 86_400

    @OptionGroup var logging: LoggingOptions

    public init() {}

    public func validate() throws {
        try SecondsFlag.check([
            "--lease-duration": leaseDuration, "--renew-deadline": renewDeadline, "--retry-period": retryPeriod,
            "--rights-audit-interval": rightsAuditInterval,
        ])
        guard kubeQPS.isFinite, kubeQPS >= 0 else { throw ValidationError("--kube-qps must be a number >= 0") }
        guard workers > 0 else { throw ValidationError("--workers must be positive") }
        guard leaseDuration > renewDeadline, renewDeadline > retryPeriod, retryPeriod > 0 else {
            throw ValidationError("--lease-duration > --renew-deadline > --retry-period > 0 is required")
        }
        // A usage error (exit 2), not a job failure: ArgumentParser treats only ValidationError as one.
        for (flag, text) in [("--metrics-address", metricsAddress), ("--health-address", healthAddress)] {
            do { _ = try HostPort.parse(text) } catch { throw ValidationError("\(flag): \(error)") }
        }
    }

    public func run() async throws {
        let environment = ProcessInfo.processInfo.environment
        logging.bootstrap(environment: environment)
        let logger = Logger(label: "pullkeeper")
        let runtime: ControllerRuntime
        do {
            runtime = try ControllerRuntime(try setup(environment: environment, logger: logger))
        } catch {
            throw CommandFailure.exit(error)
        }
        logger.info(
            "starting",
            metadata: ["version": "\(BuildInfo.version)", "once": "\(once)", "leader_elect": "\(leaderElect)"])
        do {
            try await runtime.run(signals: [.sigterm, .sigint])
        } catch {
            throw CommandFailure.exit(CommandFailure(message: "\(error)", exitCode: 1))
        }
        if once {
            let problems = Self.problems(runtime.controller.namespaceStates)
            for (namespace, state) in problems {
                FileHandle.standardError.write(Data("pullkeeper: namespace \(namespace): \(state.rawValue)\n".utf8))
            }
            if !problems.isEmpty { throw ExitCode(1) }
        }
    }

    /// Namespaces that are opted in and not up to date.
    static func problems(_ states: [String: NamespaceState]) -> [(String, NamespaceState)] {
        states.filter { $0.value != .upToDate && $0.value != .notManaged }.sorted { $0.key < $1.key }
    }

    func setup(environment: [String: String], logger: Logger) throws -> ControllerRuntime.Setup {
        let operatorConfig: OperatorConfig
        do {
            let loaded = try config.map { try ConfigLoader.read(path: $0) }
            operatorConfig = loaded?.config ?? OperatorConfig()
            for warning in loaded?.warnings ?? [] {
                logger.warning(
                    "config warning",
                    metadata: [
                        "config.field": "\(warning.path)", "config.line": "\(warning.mark?.line ?? 0)",
                        "message": "\(warning.message)",
                    ])
            }
        } catch {
            throw CommandFailure(message: "\(error)", exitCode: 2)
        }
        var kubernetes = try cluster.load(environment: environment)
        kubernetes.qps = kubeQPS
        kubernetes.burst = kubeBurst
        kubernetes.http1Only = kubeHTTP1
        let podName = environment["POD_NAME"] ?? ProcessInfo.processInfo.hostName
        let instance = "\(podName)_\(UUID().uuidString.prefix(8).lowercased())"
        var election: ControllerRuntime.LeaderElection?
        if leaderElect {
            let namespace =
                leaseNamespace ?? environment["POD_NAMESPACE"] ?? kubernetes.namespace.flatMap { $0.isEmpty ? nil : $0 }
                ?? "default"
            election = .init(
                namespace: namespace, name: leaseName, identity: instance,
                timing: .init(
                    leaseDuration: .milliseconds(Int64(leaseDuration * 1000)),
                    renewDeadline: .milliseconds(Int64(renewDeadline * 1000)),
                    retryPeriod: .milliseconds(Int64(retryPeriod * 1000))))
        }
        var setup = ControllerRuntime.Setup(
            config: operatorConfig, kubernetes: kubernetes, environment: environment,
            options: Controller.Options(workers: workers, once: once, instance: instance),
            leaderElection: election, metricsAddress: try HostPort.parse(metricsAddress),
            healthAddress: try HostPort.parse(healthAddress), logger: logger)
        if rightsAuditInterval > 0, !once {
            let interval = Duration.milliseconds(Int64(rightsAuditInterval * 1000))
            setup.rightsAudit = .init(interval: interval, retryAfter: min(.seconds(3_600), interval))
        }
        return setup
    }
}
