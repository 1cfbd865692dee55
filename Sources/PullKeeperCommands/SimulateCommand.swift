import ArgumentParser
import AzureSimulator
import Foundation
import KubernetesSimulator
import Logging
import PullKeeperLab
import ServiceLifecycle

/// `pullkeeper simulate`: runs the Kubernetes and Azure simulators on loopback until SIGTERM or SIGINT.
public struct SimulateCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "simulate",
        abstract: "Run the Kubernetes and Azure simulators on loopback (TLS, fresh CA) until SIGTERM/SIGINT.")

    @Option(help: "Write a kubeconfig for the simulated cluster (admin user) to this file.")
    var kubeconfigOut: String?

    @Option(help: "Write a shell env file (export NAME=value) with the Azure endpoints, CA and identities.")
    var envOut: String?

    @Option(help: "Directory for the ready-made files (CA, secrets, config); default: a new temporary directory.")
    var stateDir: String?

    @Option(
        help: ArgumentHelp(
            "Login server (host:port) of a real registry next to the simulator, e.g. a docker-registry with "
                + "auth.token: it becomes PULLKEEPER_SIM_REGISTRY (default: a simulator listener)."))
    var registry: String?

    @Option(help: "Write registry.crt and registry.key (a TLS certificate for --registry from the simulator CA) here.")
    var registryTLSOut: String?

    @Option(help: "Address the Kubernetes API server binds to.")
    var address = "127.0.0.1"

    @Option(help: "Port of the Kubernetes API server (0 picks a free port).")
    var port = 0

    @Option(help: "Lifetime in seconds of the ACR refresh and access tokens and the Entra tokens the simulator issues.")
    var tokenLifetime: Double?

    @Option(help: "Seconds a deleted namespace stays Terminating before it disappears.")
    var namespaceDeletionDelay: Double = 0

    @Option(help: "Seconds between watch BOOKMARK events.")
    var bookmarkInterval: Double = 10

    @Option(help: "Changes kept for watches; older resourceVersions get 410 Expired.")
    var historyLimit = 10_000

    @OptionGroup(title: "Kubernetes fault injection")
    var faults: KubernetesFaultOptions

    public init() {}

    public func validate() throws {
        try SecondsFlag.check([
            "--token-lifetime": tokenLifetime, "--namespace-deletion-delay": namespaceDeletionDelay,
            "--bookmark-interval": bookmarkInterval,
        ])
        guard (0...65_535).contains(port) else { throw ValidationError("--port must be between 0 and 65535") }
        guard namespaceDeletionDelay >= 0, bookmarkInterval > 0 else {
            throw ValidationError("--namespace-deletion-delay must be >= 0 and --bookmark-interval > 0")
        }
        guard historyLimit > 0 else { throw ValidationError("--history-limit must be positive") }
        if let registry, registry.isEmpty || registry.contains("/") {
            throw ValidationError("--registry must be a login server host:port, not \"\(registry)\"")
        }
        if let tokenLifetime, tokenLifetime < 5 {
            throw ValidationError("--token-lifetime must be at least 5 seconds")
        }
    }

    public func run() async throws {
        let logger = Logger(label: "pullkeeper.simulate") { StreamLogHandler.standardError(label: $0) }
        let directory = stateDir ?? NSTemporaryDirectory() + "pullkeeper-simulate-\(UUID().uuidString.prefix(8))"
        let world = try await SimulatedWorld.start(
            directory: directory, kubernetes: kubernetesConfiguration(logger: logger),
            azure: azureConfiguration(logger: logger), kubeconfigPath: kubeconfigOut, registry: registry)
        if let registryTLSOut { try writeRegistryCertificate(world, to: registryTLSOut) }
        if let envOut { try writePrivateFile(world.environmentFile, to: envOut) }
        print("kubernetes API server: \(world.kubernetes.baseURL)")
        print("azure simulator:       \(world.azure.baseURL)")
        print(
            "registries:            \(world.readyMade.registry) (allowed), \(world.readyMade.deniedRegistry) (denied)")
        print("kubeconfig:            \(world.kubeconfigPath)")
        print("pullkeeper config:     \(world.configPath)")
        if let envOut { print("env file:              \(envOut)") }
        // Scripts read these lines through a pipe while the simulators run: don't keep them in a buffer.
        fflush(nil)
        let group = ServiceGroup(
            configuration: .init(
                services: [WorldService(world: world)], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        try await group.run()
    }

    /// A server certificate for `--registry`'s host (an IP SAN when it is an address).
    func writeRegistryCertificate(_ world: SimulatedWorld, to directory: String) throws {
        let host = String((registry ?? "127.0.0.1").split(separator: ":").first ?? "127.0.0.1")
        let isAddress = host.allSatisfy { $0.isNumber || $0 == "." }
        let certificate = try world.azure.issueServerCertificate(
            commonName: host, ipAddresses: isAddress ? [host] : [], dnsNames: isAddress ? ["localhost"] : [host])
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        try writePrivateFile(certificate.certificatePEM, to: directory + "/registry.crt")
        try writePrivateFile(certificate.privateKeyPEM, to: directory + "/registry.key")
    }

    func kubernetesConfiguration(logger: Logger) -> KubernetesSimulator.Configuration {
        var configuration = KubernetesSimulator.Configuration()
        configuration.host = address
        configuration.port = port
        configuration.namespaceDeletionDelay = .milliseconds(Int(namespaceDeletionDelay * 1000))
        configuration.bookmarkInterval = .milliseconds(Int(bookmarkInterval * 1000))
        configuration.historyLimit = historyLimit
        configuration.faultSeed = faults.faultSeed
        configuration.faults = faults.rule.map { [$0] } ?? []
        configuration.logger = logger
        return configuration
    }

    func azureConfiguration(logger: Logger) -> AzureSimulator.Configuration {
        var configuration = AzureSimulator.Configuration(logger: logger)
        if let tokenLifetime {
            let lifetime = Duration.milliseconds(Int64(tokenLifetime * 1000))
            configuration.lifetimes = .init(
                entra: lifetime, managedIdentity: lifetime, refresh: lifetime, access: lifetime)
        }
        return configuration
    }
}

/// Keeps a `SimulatedWorld` up until graceful shutdown.
struct WorldService: Service {
    let world: SimulatedWorld

    func run() async throws {
        try? await gracefulShutdown()
        await world.shutdown()
    }
}
