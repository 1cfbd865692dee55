import ArgumentParser
import AzureSimulator
import Controller
import Foundation
import KubernetesClient
import KubernetesModel
import KubernetesSimulator
import Logging
import PullKeeperCore
import PullKeeperLab
import Reconciler
import ServiceLifecycle

/// `pullkeeper demo`: both simulators, a handful of namespaces, the real controller, and a live table.
public struct DemoCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Run pullkeeper against embedded Kubernetes and Azure simulators and show its Secrets live.")

    @Option(help: "Stop after this many seconds (default: run until Ctrl-C).")
    var duration: Double?

    @Option(help: "Lifetime in seconds of the tokens the simulated Azure issues (refreshes at about half of it).")
    var tokenLifetime: Double = 60

    @Option(help: "Directory for the simulators' files (default: a new temporary directory).")
    var stateDir: String?

    @Option(help: "Seconds between table updates.")
    var interval: Double = 1

    public init() {}

    public func validate() throws {
        try SecondsFlag.check(["--duration": duration, "--token-lifetime": tokenLifetime, "--interval": interval])
        guard tokenLifetime >= 10 else { throw ValidationError("--token-lifetime must be at least 10 seconds") }
        if let duration, duration <= 0 { throw ValidationError("--duration must be positive") }
        guard interval > 0 else { throw ValidationError("--interval must be positive") }
    }

    public func run() async throws {
        let output = DemoOutput(terminal: isatty(STDOUT_FILENO) == 1)
        output.say("pullkeeper demo: starting the Kubernetes and Azure simulators on 127.0.0.1 ...")
        let directory = stateDir ?? NSTemporaryDirectory() + "pullkeeper-demo-\(UUID().uuidString.prefix(8))"
        let lifetime = Duration.milliseconds(Int64(tokenLifetime * 1000))
        var azure = AzureSimulator.Configuration()
        azure.lifetimes = .init(entra: lifetime, managedIdentity: lifetime, refresh: lifetime, access: lifetime)
        var kube = KubernetesSimulator.Configuration()
        kube.logger = Logger(label: "demo") { _ in SwiftLogNoOpLogHandler() }
        let world = try await SimulatedWorld.start(
            directory: directory, kubernetes: kube, azure: azure, configExtra: DemoScenario.configExtra)
        let scenario: DemoScenario
        let runtime: ControllerRuntime
        do {
            scenario = try DemoScenario(world: world)
            try await scenario.createNamespaces()
            runtime = try await scenario.runtime()
        } catch {
            await world.shutdown()
            throw error
        }
        output.sayWrapped(scenario.introduction)
        let display = DemoDisplay(
            scenario: scenario, runtime: runtime, output: output, interval: .milliseconds(Int64(interval * 1000)),
            duration: duration.map { .milliseconds(Int64($0 * 1000)) })
        let group = ServiceGroup(
            configuration: .init(
                services: runtime.services + [
                    .init(service: display, successTerminationBehavior: .gracefullyShutdownGroup)
                ],
                gracefulShutdownSignals: [.sigterm, .sigint],
                logger: Logger(label: "demo") { _ in SwiftLogNoOpLogHandler() }))
        // On a terminal the live view takes the alternate screen until the group ends (its end, Ctrl-C or SIGTERM),
        // then gives the terminal back as it was and prints the last table before the verdict.
        output.enterLiveView()
        do {
            try await group.run()
            output.leaveLiveView()
        } catch {
            output.leaveLiveView()
            output.say("pullkeeper demo: \(error)")
        }
        await runtime.closeClients()
        let verdict = await scenario.verdict()
        await world.shutdown()
        output.sayWrapped(verdict.summary)
        if stateDir == nil { try? FileManager.default.removeItem(atPath: directory) }
        if !verdict.ok { throw ExitCode(1) }
    }
}
