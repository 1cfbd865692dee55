import ArgumentParser
import Foundation
import KubernetesSimulator
import Logging
import ServiceLifecycle

/// `pullkeeper simulate`: runs the simulators on loopback until SIGTERM or SIGINT.
public struct SimulateCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "simulate",
        abstract: "Run the Kubernetes simulator on loopback (TLS, fresh CA) until SIGTERM/SIGINT.")

    @Option(help: "Write a kubeconfig for the simulated cluster (admin user) to this file.")
    var kubeconfigOut: String?

    @Option(help: "Address the Kubernetes API server binds to.")
    var address = "127.0.0.1"

    @Option(help: "Port of the Kubernetes API server (0 picks a free port).")
    var port = 0

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
        guard (0...65_535).contains(port) else { throw ValidationError("--port must be between 0 and 65535") }
        guard namespaceDeletionDelay >= 0, bookmarkInterval > 0 else {
            throw ValidationError("--namespace-deletion-delay must be >= 0 and --bookmark-interval > 0")
        }
        guard historyLimit > 0 else { throw ValidationError("--history-limit must be positive") }
    }

    public func run() async throws {
        let logger = Logger(label: "pullkeeper.simulate") { StreamLogHandler.standardError(label: $0) }
        let kubernetes = try makeKubernetesSimulator(logger: logger)
        try await kubernetes.start()
        if let kubeconfigOut {
            try Self.writePrivateFile(kubernetes.kubeconfig(), to: kubeconfigOut)
        }
        print("kubernetes API server: \(kubernetes.baseURL)")
        if let kubeconfigOut { print("kubeconfig: \(kubeconfigOut)") }
        // Further simulators (Azure) join this list; the group stops them all on SIGTERM/SIGINT.
        let services: [any Service] = [kubernetes]
        let group = ServiceGroup(
            configuration: .init(services: services, gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        try await group.run()
    }

    func makeKubernetesSimulator(logger: Logger) throws -> KubernetesSimulator {
        var configuration = KubernetesSimulator.Configuration()
        configuration.host = address
        configuration.port = port
        configuration.namespaceDeletionDelay = .milliseconds(Int(namespaceDeletionDelay * 1000))
        configuration.bookmarkInterval = .milliseconds(Int(bookmarkInterval * 1000))
        configuration.historyLimit = historyLimit
        configuration.faultSeed = faults.faultSeed
        configuration.faults = faults.rule.map { [$0] } ?? []
        configuration.logger = logger
        return try KubernetesSimulator(configuration: configuration)
    }

    /// Writes atomically with mode 0600: the file holds a bearer token.
    static func writePrivateFile(_ text: String, to path: String) throws {
        let url = URL(fileURLWithPath: path)
        let temporary = url.deletingLastPathComponent()
            .appendingPathComponent(".\(url.lastPathComponent).\(ProcessInfo.processInfo.processIdentifier).tmp")
        guard
            FileManager.default.createFile(
                atPath: temporary.path, contents: Data(text.utf8), attributes: [.posixPermissions: 0o600])
        else { throw ValidationError("cannot write \(path)") }
        if FileManager.default.fileExists(atPath: url.path) { try FileManager.default.removeItem(at: url) }
        try FileManager.default.moveItem(at: temporary, to: url)
    }
}
