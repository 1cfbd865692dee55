import AzureAuth
import Controller
import Foundation
import KubernetesClient
import KubernetesModel
import Logging
import PullKeeperCommands
import PullKeeperConfig
import PullKeeperCore
import PullKeeperLab
import PullKeeperTesting
import Reconciler
import Synchronization

/// The catalogue's one world and one `--once` run: every cluster case and its bystander are seeded, the stored
/// Secrets and ServiceAccounts are snapshotted, the real controller runs once with an in-memory log, and
/// everything the cases check is collected before the world shuts down (so the suite needs no teardown hook).
struct BadInputRun: Sendable {
    /// An Event as the cases check it.
    struct EventSummary: Sendable, CustomStringConvertible {
        var namespace: String
        var kind: String
        var name: String
        var type: String
        var reason: String
        var message: String
        var description: String { "\(namespace) \(kind)/\(name) \(type) \(reason): \(message)" }
    }

    var registry: String
    var before: [String: String]
    var after: [String: String]
    /// Whether the `--once` run ended by itself (a hang is stopped after a generous deadline).
    var completed: Bool
    var states: [String: NamespaceState]
    /// Events about each namespace's objects, by namespace (namespace-level ones are stored in `default`).
    var events: [String: [EventSummary]]
    /// The controller's log, one line a record (`LEVEL LABEL: MESSAGE key=value ...`).
    var log: [String]
    var logText: String
    /// Every secret value the world holds or handed out: none may be logged.
    var secretValues: [String]
    /// The stored `.dockerconfigjson` of each namespace's `acr-pull`, decoded (nil: none or unusable).
    var dockerConfigs: [String: DockerConfig]
    /// What each transport case's request ended with.
    var transportOutcomes: [String: Result<String, AzureAuthError>]

    /// The one run shared by every case of the suite.
    static let shared = Task { try await perform() }

    /// Identities the cases name besides the ready-made ones.
    static let wrongSecret = "WRONG-client-secret-0123456789"

    static func perform() async throws -> BadInputRun {
        let world = try await World.start()
        do {
            let run = try await perform(in: world)
            await world.shutdown()
            return run
        } catch {
            await world.shutdown()
            throw error
        }
    }

    private static func perform(in world: World) async throws -> BadInputRun {
        let made = world.sim.readyMade
        let wrongSecretFile = world.directory + "/wrong-secret"
        let emptySecretFile = world.directory + "/empty-secret"
        try Data(wrongSecret.utf8).write(to: URL(fileURLWithPath: wrongSecretFile))
        try Data().write(to: URL(fileURLWithPath: emptySecretFile))
        func servicePrincipal(
            _ name: String, secretFile: String, namespaces: [NamespacePattern] = ["*"]
        ) -> IdentityConfig {
            IdentityConfig(
                name: name,
                credential: .servicePrincipal(
                    .init(tenantID: made.tenantID, clientID: made.spSecretClientID, clientSecretFile: secretFile)),
                namespaces: namespaces, registries: [made.registry, made.deniedRegistry])
        }
        var config = world.config
        config.identities += [
            servicePrincipal("wrong-secret", secretFile: wrongSecretFile),
            servicePrincipal("missing-file", secretFile: world.directory + "/no-such-secret"),
            servicePrincipal("empty-file", secretFile: emptySecretFile),
            servicePrincipal("ci-only", secretFile: made.spSecretFile, namespaces: ["ci", "ci-*"]),
        ]

        for badInput in Integration.BadInputCatalogueTests.clusterCases {
            try await seed(badInput, world: world)
        }
        let before = SimulatorObjects.snapshot(world.kube)

        let log = LogCapture()
        let runtime = try world.catalogueRuntime(config: config, logger: log.logger())
        let finished = Mutex(false)
        let task = Task {
            defer { finished.withLock { $0 = true } }
            try await runtime.run(signals: [])
        }
        // Not a timing assertion: the deadline only ends a run that would otherwise hang; `completed` is checked.
        let completed = await eventually(timeout: .seconds(90), every: .milliseconds(50)) {
            finished.withLock { $0 }
        }
        if !completed { await runtime.stop() }
        try await task.value

        let after = SimulatorObjects.snapshot(world.kube)
        // One cluster-wide list each, not one request per namespace.
        var events: [String: [EventSummary]] = [:]
        for event in try await world.admin.listAll(Event.self).items {
            let summary = EventSummary(
                namespace: event.metadata.namespace ?? "", kind: event.involvedObject.kind ?? "",
                name: event.involvedObject.name ?? "", type: event.type ?? "", reason: event.reason ?? "",
                message: event.message ?? "")
            // Namespace-level events live in `default`, named after the namespace they are about.
            events[summary.kind == "Namespace" ? summary.name : summary.namespace, default: []].append(summary)
        }
        var dockerConfigs: [String: DockerConfig] = [:]
        for secret in try await world.admin.listAll(Secret.self).items where secret.metadata.name == "acr-pull" {
            if let namespace = secret.metadata.namespace, let config = world.dockerConfig(secret) {
                dockerConfigs[namespace] = config
            }
        }
        var secretValues = [wrongSecret, made.envClientSecret]
        for path in [made.spSecretFile, made.adminPasswordFile, made.adminPassword2File] {
            if let text = try? String(contentsOfFile: path, encoding: .utf8) {
                secretValues.append(text.trimmingCharacters(in: .whitespacesAndNewlines))
            }
        }
        for config in dockerConfigs.values {
            for entry in config.auths.values {
                secretValues.append(entry.password)
                secretValues.append(entry.auth)
                // A JWT's signature alone is secret enough to never be logged.
                if let signature = entry.password.split(separator: ".").last { secretValues.append(String(signature)) }
            }
        }
        let transportOutcomes = await transportOutcomes(world)
        return BadInputRun(
            registry: world.registry, before: before, after: after, completed: completed,
            states: runtime.controller.namespaceStates, events: events, log: log.all,
            logText: log.all.joined(separator: "\n"),
            secretValues: secretValues.filter { !$0.isEmpty }, dockerConfigs: dockerConfigs,
            transportOutcomes: transportOutcomes)
    }

    /// Creates the case's namespace (and its bystander) and whatever it holds before the run.
    private static func seed(_ badInput: ClusterCase, world: World) async throws {
        let registries = (badInput.registries ?? world.registry).replacingOccurrences(
            of: "$REGISTRY", with: world.registry)
        try await world.namespace(
            badInput.namespace,
            annotations: badInput.annotations.merging([SecretLayout.registriesAnnotation: registries]) { $1 })
        try await world.optIn(badInput.bystander)
        switch badInput.seed {
        case .nothing:
            break
        case .secret(let json):
            try SimulatorObjects.createSecret(world.kube, namespace: badInput.namespace, json: json(world.registry))
            try SimulatorObjects.setPullSecrets(
                world.kube, namespace: badInput.namespace, account: "default", json: #"[{"name":"acr-pull"}]"#)
        case .pullSecrets(let json):
            try SimulatorObjects.setPullSecrets(
                world.kube, namespace: badInput.namespace, account: "default", json: json)
        }
    }

    /// Each transport case's request through a transport that accepts 256 bytes at most.
    private static func transportOutcomes(_ world: World) async -> [String: Result<String, AzureAuthError>] {
        let made = world.sim.readyMade
        let tls = TLSOptions(caFiles: [made.caBundlePath])
        let small = AsyncHTTPTransport(maxBodyBytes: 256)
        let normal = AsyncHTTPTransport()
        let scope = "https://containerregistry.azure.net/.default"
        func secretCredential(_ transport: any HTTPTransport) -> ClientSecretCredential {
            ClientSecretCredential(
                tenantID: made.tenantID, clientID: made.spSecretClientID, secretFile: made.spSecretFile,
                authorityHost: made.authorityHost, transport: transport, tls: tls)
        }
        var outcomes: [String: Result<String, AzureAuthError>] = [:]
        for transportCase in Integration.BadInputCatalogueTests.transportCases {
            do {
                switch transportCase.endpoint {
                case .entra:
                    _ = try await secretCredential(small).token(for: scope, logger: World.quiet)
                case .imds:
                    _ = try await ManagedIdentityCredential(
                        selector: .clientID(made.managedClientID), endpoint: .imds(baseURL: made.imdsEndpoint),
                        transport: small, tls: tls, retry: .none
                    ).token(for: scope, logger: World.quiet)
                case .exchange:
                    let entra = try await secretCredential(normal).token(for: scope, logger: World.quiet)
                    _ = try await ACRClient(transport: small).exchange(
                        entra, at: ACREndpoint(loginServer: world.registry, authBaseURL: made.registryAuthEndpoint),
                        tenant: made.tenantID, tls: tls, logger: World.quiet)
                }
                outcomes[transportCase.name] = .success("accepted")
            } catch let error as AzureAuthError {
                outcomes[transportCase.name] = .failure(error)
            } catch {
                outcomes[transportCase.name] = .success("unexpected error: \(error)")
            }
        }
        try? await small.shutdown()
        try? await normal.shutdown()
        return outcomes
    }
}

extension World {
    /// A `--once` controller (as `pullkeeper run` builds it) with its own config and logger.
    func catalogueRuntime(config: OperatorConfig, logger: Logger) throws -> ControllerRuntime {
        var (configuration, _) = try KubernetesConfigurationLoader(environment: [:]).load(
            kubeconfig: sim.kubeconfigPath)
        configuration.qps = 0
        return try ControllerRuntime(
            .init(
                config: config, kubernetes: configuration, environment: [:],
                options: .init(workers: 8, watchTimeout: .seconds(30), once: true, instance: "bad-input"),
                logger: logger))
    }
}
