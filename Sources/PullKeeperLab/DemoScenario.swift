import Controller
import Foundation
import KubernetesClient
import KubernetesModel
import Logging
import PullKeeperConfig
import PullKeeperConfigLoader
import Reconciler

/// The demo's namespaces, each showing one behaviour, and how to judge the outcome.
package struct DemoScenario: Sendable {
    package let world: SimulatedWorld
    package let admin: HTTPKubernetesClient
    /// The demo's pullkeeper config file (the ready-made one plus a label selector and a restricted identity).
    package let configPath: String

    /// Namespaces that must end with a valid Secret.
    package static let expected = ["team-a", "team-b", "team-c", "team-d", "labelled", "static-admin"]

    /// Appended to the ready-made config by `SimulatedWorld` (top-level keys only: identities come later).
    package static let configExtra = """
        refresh:
          fraction: 0.5
          jitter: 0.1
          resync: 10m

        """

    package init(world: SimulatedWorld) throws {
        self.world = world
        let (configuration, _) = try KubernetesConfigurationLoader(environment: [:]).load(
            kubeconfig: world.kubeconfigPath)
        admin = try HTTPKubernetesClient(
            configuration: configuration,
            logger: Logger(label: "demo") { _ in
                SwiftLogNoOpLogHandler()
            })
        configPath = world.directory + "/demo-config.yaml"
    }

    package var registry: String { world.readyMade.registry }
    package var denied: String { world.readyMade.deniedRegistry }

    /// Creates the namespaces (and the objects some of them need).
    package func createNamespaces() async throws {
        let made = world.readyMade
        let q = { (text: String) in "\"\(text)\"" }
        // The ready-made config plus a label selector and an identity restricted to one registry (its
        // `identities:` list gets one more entry).
        let limited = """
              - name: limited
                servicePrincipal:
                  tenantID: \(q(made.tenantID))
                  clientID: \(q(made.spSecretClientID))
                  clientSecretFile: \(q(made.spSecretFile))
                namespaces: [refused]
                registries: [\(q(registry))]

            """
        let text =
            try String(contentsOfFile: world.configPath, encoding: .utf8)
            .replacingOccurrences(of: "identities:\n", with: "identities:\n" + limited)
                + """
                namespaceSelector:
                  matchLabels: {pullkeeper.io/enabled: "true"}
                  registries: [\(q(registry))]

                """
        try writePrivateFile(text, to: configPath)

        func namespace(
            _ name: String, _ annotations: [String: String] = [:], labels: [String: String] = [:]
        )
            async throws
        {
            var metadata = ObjectMeta(name: name)
            metadata.annotations = annotations
            metadata.labels = labels
            _ = try await admin.create(Namespace(metadata: metadata))
        }
        let registries = SecretLayout.registriesAnnotation
        let identity = SecretLayout.identityAnnotation
        try await namespace("team-a", [registries: registry])
        try await namespace(
            "team-b", [registries: registry, identity: "sp-cert", SecretLayout.serviceAccountsAnnotation: "*"])
        _ = try await admin.create(ServiceAccount(metadata: ObjectMeta(name: "builder", namespace: "team-b")))
        try await namespace("team-c", [registries: registry, identity: "workload"])
        try await namespace("team-d", [registries: registry, identity: "managed"])
        try await namespace("labelled", labels: ["pullkeeper.io/enabled": "true"])
        try await namespace("static-admin", [registries: registry, identity: "admin"])
        try await namespace("conflict", [registries: registry])
        var foreign = Secret(metadata: ObjectMeta(name: "acr-pull", namespace: "conflict"))
        foreign.data = ["note": Data("made by someone else".utf8)]
        _ = try await admin.create(foreign)
        try await namespace("refused", [registries: denied, identity: "limited"])
        // A tenant asking for the admin account, which the config grants only to static* and admin* namespaces.
        try await namespace("intruder", [registries: registry, identity: "admin"])
        try await namespace("try-me")
    }

    /// The controller, as `pullkeeper run` builds it, with metrics on a free loopback port.
    package func runtime() async throws -> ControllerRuntime {
        let config = try ConfigLoader.load(path: configPath)
        var (kubernetes, _) = try KubernetesConfigurationLoader(environment: [:]).load(
            kubeconfig: world.kubeconfigPath)
        kubernetes.qps = 0
        var logger = Logger(label: "pullkeeper") { StreamLogHandler.standardError(label: $0) }
        logger.logLevel = .error
        return try ControllerRuntime(
            .init(
                config: config, kubernetes: kubernetes, environment: [:],
                options: .init(instance: "demo"), metricsAddress: HostPort(host: "127.0.0.1", port: 0),
                logger: logger))
    }

    package var introduction: String {
        """
        Simulated cluster: \(world.kubernetes.baseURL)   simulated Azure: \(world.azure.baseURL)
        Registries: \(registry) (every identity may pull), \(denied) (nobody may)
        Namespaces: team-a (service principal, secret), team-b (certificate, all service accounts), team-c
          (workload identity), team-d (managed identity), labelled (label selector), static-admin (admin
          account), conflict (a foreign Secret named acr-pull: left alone), refused (an identity that may not use
          that registry), intruder (asks for the admin account, which the config does not grant it), try-me (not
          opted in yet).
        Try it while the demo runs, in another terminal:
        \(tryIt.map { "  " + $0 }.joined(separator: "\n"))
        """
    }

    /// The commands to try, one a line, as a shell takes them (the live view shows them under the table).
    package var tryIt: [String] {
        [
            "export KUBECONFIG=\(world.kubeconfigPath)",
            "kubectl annotate namespace try-me \(SecretLayout.registriesAnnotation)=\(registry)",
            "kubectl get secret acr-pull -n try-me -o yaml",
            "kubectl get events -n try-me",
        ]
    }

    /// The live view's footer: what to try, and how.
    package var footer: [String] {
        ["Try it in a second terminal, then watch try-me's row:"] + tryIt
    }

    /// Every namespace the demo creates: the table lists the ones not opted in too, as an invitation.
    package static let namespaces = [
        "team-a", "team-b", "team-c", "team-d", "labelled", "static-admin", "conflict", "refused", "intruder", "try-me",
    ]

    /// pullkeeper's Events from both Event APIs (events.k8s.io/v1 and core/v1), by the namespace they are about.
    package func events() async -> [String: NamespaceEvents] {
        let v1 = (try? await admin.listAll(EventV1.self).items) ?? []
        let core = (try? await admin.listAll(Event.self).items) ?? []
        return DemoEvents.byNamespace(DemoEvents.merge(v1: v1, core: core))
    }

    /// The table rows: managed Secrets, and what the controller thinks of each namespace.
    package func rows(states: [String: NamespaceState]) async -> [StatusRow] {
        let config = try? ConfigLoader.load(path: configPath)
        let secrets =
            (try? await admin.listAll(
                Secret.self,
                options: ListOptions(labelSelector: "\(SecretLayout.managedByLabel)=\(SecretLayout.managedByValue)")
            ).items) ?? []
        let namespaces = (try? await admin.listAll(Namespace.self).items) ?? []
        var rows = StatusTable.rows(secrets: secrets, namespaces: namespaces, config: config, now: Date()).map { row in
            var row = row
            if let state = states[row.namespace], state != .upToDate || row.state == "Missing" {
                row.state = state.rawValue
            }
            return row
        }
        let listed = Set(rows.map(\.namespace))
        let existing = Set(namespaces.compactMap(\.metadata.name))
        for name in Self.namespaces where !listed.contains(name) && existing.contains(name) {
            rows.append(StatusRow(namespace: name, secret: "-", registries: [], state: DemoView.notOptedIn))
        }
        return rows.sorted { ($0.namespace, $0.secret) < ($1.namespace, $1.secret) }
    }

    /// Whether the demo ended as it should: every expected Secret valid, the foreign one untouched, the refused
    /// namespace without a Secret.
    package func verdict() async -> (ok: Bool, summary: String) {
        var problems: [String] = []
        let now = Date()
        for name in Self.expected {
            guard let secret = try? await admin.get(Secret.self, name: "acr-pull", namespace: name),
                let data = secret.data?[SecretLayout.dockerConfigJSONKey], case .success = DockerConfig.decode(data),
                let expires = SecretLayout.parseTimestamp(
                    secret.metadata.annotations?[SecretLayout.expiresAtAnnotation])
                    ?? (name == "static-admin" ? .distantFuture : nil),
                expires > now
            else {
                problems.append("\(name): no valid Secret")
                continue
            }
        }
        if let foreign = try? await admin.get(Secret.self, name: "acr-pull", namespace: "conflict"),
            foreign.metadata.labels?[SecretLayout.managedByLabel] != nil
        {
            problems.append("conflict: the foreign Secret was taken over")
        }
        if (try? await admin.get(Secret.self, name: "acr-pull", namespace: "refused")) != nil {
            problems.append("refused: a Secret was written for a refused registry")
        }
        if (try? await admin.get(Secret.self, name: "acr-pull", namespace: "intruder")) != nil {
            problems.append("intruder: a Secret was written for an identity it is not granted")
        }
        try? await admin.shutdown()
        if problems.isEmpty {
            return (
                true,
                "pullkeeper demo: OK — all \(Self.expected.count) expected Secrets are valid, the foreign Secret is "
                    + "untouched and the refused registry got none."
            )
        }
        return (false, "pullkeeper demo: FAILED — " + problems.joined(separator: "; "))
    }
}
