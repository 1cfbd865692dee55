import AzureSimulator
import Controller
import Foundation
import KubernetesClient
import KubernetesSimulator
import Logging
import PullKeeperConfig
import PullKeeperConfigLoader
import PullKeeperCore
import PullKeeperTesting
import Reconciler

/// The chaos run of issue 9: many namespaces, short token lifetimes, and at once 20 % of API writes failing,
/// watches dropped every few seconds and stalled once, forced compactions, an Entra 429 burst, IMDS answering 410 for
/// 70 s and ACR 5xx bursts. A monitor samples the simulated cluster's objects directly (no faults there) and
/// counts what must never happen. Shared by the test and `pullkeeper bench --chaos`.
public struct ChaosRun: Sendable {
    public var namespaces: Int
    /// ACR refresh-token lifetime (the Secrets' lifetime); Entra and managed-identity tokens live an hour.
    public var tokenLifetime: Duration
    /// How long faults are injected; the IMDS outage lasts `imdsOutage` from the start.
    public var chaosDuration: Duration
    public var imdsOutage: Duration
    public var workers: Int
    /// After the faults stop, how long convergence may take.
    public var settleTimeout: Duration
    public var logLevel: Logger.Level
    /// When set, the captured log lines are written here at the end (for looking into a failed run).
    public var logPath: String?

    public init(
        namespaces: Int = 2000, tokenLifetime: Duration = .seconds(60), chaosDuration: Duration = .seconds(90),
        imdsOutage: Duration = .seconds(70), workers: Int = 16, settleTimeout: Duration = .seconds(120),
        logLevel: Logger.Level = .debug
    ) {
        self.namespaces = namespaces
        self.tokenLifetime = tokenLifetime
        self.chaosDuration = chaosDuration
        self.imdsOutage = imdsOutage
        self.workers = workers
        self.settleTimeout = settleTimeout
        self.logLevel = logLevel
    }

    /// What the run found (`pullkeeper bench --chaos --json` prints it as a scenario).
    public struct Report: Sendable, Encodable {
        public var name = "chaos"
        public var namespaces: Int
        public var converged: Bool
        /// From the start until every opted-in namespace first had a valid, attached Secret.
        public var convergeSeconds: Double?
        public var expiredSecrets: Int
        public var validSecretsLost: Int
        public var foreignObjectsModified: Int
        public var faultsInjected: Int
        /// Log lines, Events and metric labels that contain a token, secret or password.
        public var secretLeaks: Int
        public var logLines: Int
        public var wallSeconds: Double
        public var faults: [String: Int]
    }

    /// The identities the namespaces are spread over (ready-made ones: secret, certificate, IMDS, workload).
    package static let identities = ["sp-secret", "managed", "workload", "sp-cert"]

    public func run(
        directory: String, keys: AzureSimulatorKeys? = nil, progress: @Sendable (String) -> Void = { _ in }
    )
        async throws -> Report
    {
        var azure = AzureSimulator.Configuration()
        azure.lifetimes = .init(
            entra: .seconds(3600), managedIdentity: .seconds(3600), refresh: tokenLifetime, access: tokenLifetime)
        var kube = KubernetesSimulator.Configuration()
        kube.logger = Logger(label: "chaos") { _ in SwiftLogNoOpLogHandler() }
        kube.bookmarkInterval = .seconds(1)
        kube.auditLimit = 1000
        kube.historyLimit = max(20_000, namespaces * 20)
        let world = try await SimulatedWorld.start(
            directory: directory, kubernetes: kube, azure: azure, azureKeys: keys)
        do {
            let report = try await run(in: world, progress: progress)
            await world.shutdown()
            return report
        } catch {
            await world.shutdown()
            throw error
        }
    }

    package func run(in world: SimulatedWorld, progress: @Sendable (String) -> Void) async throws -> Report {
        let names = (0..<namespaces).map { "chaos-\($0)" }
        let foreign = try seed(world, names: names)
        let capture = LogCapture()
        var (kubernetes, _) = try KubernetesConfigurationLoader(environment: [:]).load(kubeconfig: world.kubeconfigPath)
        kubernetes.qps = 0
        kubernetes.maxConnections = workers + 8
        let config = try ConfigLoader.load(path: world.configPath)
        let runtime = try ControllerRuntime(
            .init(
                config: config, kubernetes: kubernetes, environment: [:],
                options: .init(
                    workers: workers, watchTimeout: .seconds(30), instance: "chaos", stallTimeout: .seconds(8)),
                logger: capture.logger(label: "pullkeeper", level: logLevel)))
        var faults: [String: Int] = [:]
        let started = ContinuousClock.now
        world.azure.injectFault(.gone, endpoint: .imds, for: imdsOutage)
        world.kubernetes.setFaults(
            [
                FaultRule(
                    verbs: ["create", "update", "patch", "delete"], errorRate: 0.2, errorCodes: [500, 503, 429],
                    retryAfterSeconds: 1),
                FaultRule(verbs: ["watch"], dropWatchAfter: .seconds(4)),
            ], seed: 0xC4A05)
        let task = Task { try await runtime.run(signals: []) }
        var monitor = ChaosMonitor(names: names)
        var convergeSeconds: Double?
        var nextCompaction = 10.0
        var nextBurst = 5.0
        var stalled = false
        var entraBurst = false
        progress("chaos: \(namespaces) namespaces, faults for \(Int(chaosDuration.seconds)) s ...")
        while ContinuousClock.now - started < chaosDuration + settleTimeout {
            let elapsed = (ContinuousClock.now - started).seconds
            let chaos = elapsed < chaosDuration.seconds
            if chaos {
                if !entraBurst, elapsed >= 3 {
                    world.azure.injectFault(.throttled(retryAfter: 2), endpoint: .entra, count: 20)
                    faults["entra429", default: 0] += 20
                    entraBurst = true
                }
                if !stalled, elapsed >= 20 {
                    world.kubernetes.addFault(FaultRule(verbs: ["watch"], stallWatches: true, remaining: 3))
                    faults["stalledWatches", default: 0] += 3
                    stalled = true
                }
                if elapsed >= nextCompaction {
                    world.kubernetes.compact()
                    faults["compactions", default: 0] += 1
                    nextCompaction += 15
                }
                if elapsed >= nextBurst {
                    world.azure.injectFault(.unavailable, endpoint: .exchange, count: 5)
                    world.azure.injectFault(.serverError, endpoint: .token, count: 5)
                    faults["acr5xx", default: 0] += 10
                    nextBurst += 20
                }
            } else if faults["stopped"] == nil {
                world.kubernetes.clearFaults()
                world.azure.clearFaults()
                faults["stopped"] = 1
                progress("chaos: faults stopped after \(Int(elapsed)) s; settling ...")
            }
            let allValid = monitor.sample(world.kubernetes, now: Date())
            if allValid, convergeSeconds == nil { convergeSeconds = elapsed }
            if allValid, !chaos { break }
            try? await Task.sleep(for: .milliseconds(500))
        }
        faults["stopped"] = nil
        let converged = monitor.sample(world.kubernetes, now: Date())
        await runtime.stop()
        try await task.value
        let counts = world.kubernetes.requestCounts()
        faults["kubernetesErrors"] = counts.filter { [429, 500, 503].contains($0.key.code) }.values.reduce(0, +)
        faults["watchesDropped"] = counts.filter { $0.key.verb == "watch" }.values.reduce(0, +)
        faults["imds410"] = world.azure.requestCount(.imds)
        let foreignModified = foreign.modified(in: world.kubernetes)
        if let logPath {
            try? capture.all.joined(separator: "\n").write(toFile: logPath, atomically: true, encoding: .utf8)
        }
        let leaks = LeakScan(world: world, observedPasswords: monitor.passwords).count(
            lines: capture.all, events: world.kubernetes.objects(.events) + world.kubernetes.objects(.eventsV1),
            metrics: runtime.metrics.render())
        return Report(
            namespaces: namespaces, converged: converged, convergeSeconds: convergeSeconds,
            expiredSecrets: monitor.expired.count, validSecretsLost: monitor.lost,
            foreignObjectsModified: foreignModified,
            faultsInjected: faults.values.reduce(0, +), secretLeaks: leaks, logLines: capture.all.count,
            wallSeconds: (ContinuousClock.now - started).seconds, faults: faults)
    }

    /// Opted-in namespaces spread over the identities, plus foreign objects that must never change.
    package func seed(_ world: SimulatedWorld, names: [String]) throws -> ForeignObjects {
        let kube = world.kubernetes
        var foreign = ForeignObjects()
        for (index, name) in names.enumerated() {
            let identity = Self.identities[index % Self.identities.count]
            try kube.create(
                .namespaces,
                [
                    "metadata": [
                        "name": .string(name),
                        "annotations": [
                            SecretLayout.registriesAnnotation: .string(world.readyMade.registry),
                            SecretLayout.identityAnnotation: .string(identity),
                        ],
                    ]
                ])
            if index % 10 == 0 {
                // A foreign Secret next to ours, and a service account pullkeeper must not touch.
                try kube.create(.secrets, namespace: name, ["metadata": ["name": "someone-elses"], "data": [:]])
                try kube.create(
                    .serviceAccounts, namespace: name,
                    ["metadata": ["name": "builder"], "imagePullSecrets": [["name": "theirs"]]])
                foreign.add(.secrets, name, "someone-elses")
                foreign.add(.serviceAccounts, name, "builder")
            }
        }
        for index in 0..<max(1, names.count / 100) {
            let name = "bystander-\(index)"
            try kube.create(.namespaces, ["metadata": ["name": .string(name)]])
            try kube.create(.secrets, namespace: name, ["metadata": ["name": "acr-pull"], "data": [:]])
            foreign.add(.secrets, name, "acr-pull")
            foreign.add(.serviceAccounts, name, "default")
        }
        foreign.snapshot(kube)
        return foreign
    }
}

/// Objects pullkeeper must leave alone, with their resourceVersions at the start.
package struct ForeignObjects {
    package var keys: [(resource: ResourceType, namespace: String, name: String)] = []
    package var versions: [String: String] = [:]

    package mutating func add(_ resource: ResourceType, _ namespace: String, _ name: String) {
        keys.append((resource, namespace, name))
    }

    package mutating func snapshot(_ kube: KubernetesSimulator) {
        for key in keys {
            versions["\(key.namespace)/\(key.name)/\(key.resource.plural)"] = Self.version(kube, key)
        }
    }

    /// How many changed or vanished.
    package func modified(in kube: KubernetesSimulator) -> Int {
        keys.filter { key in
            let before = versions["\(key.namespace)/\(key.name)/\(key.resource.plural)"]
            return before == nil || Self.version(kube, key) != before
        }.count
    }

    package static func version(
        _ kube: KubernetesSimulator, _ key: (resource: ResourceType, namespace: String, name: String)
    )
        -> String?
    {
        kube.object(key.resource, namespace: key.namespace, name: key.name)?
            .value(at: ["metadata", "resourceVersion"])?.stringValue
    }
}

/// Samples every managed Secret: counts Secrets that expired, valid ones that were deleted or replaced by something
/// invalid, and collects every password seen (for the leak scan). Only Secrets whose resourceVersion changed are
/// decoded again, so a sample of thousands of Secrets stays cheap next to the controller it watches.
package struct ChaosMonitor {
    package let names: [String]
    package var valid: [String: Bool] = [:]
    package var expired: Set<String> = []
    package var lost = 0
    package var passwords: Set<String> = []
    /// Per namespace: the resourceVersion judged, whether its payload is whole, and its expiry.
    private var judged: [String: (version: String, whole: Bool, expires: Date?)] = [:]

    package init(names: [String]) {
        self.names = names
    }

    /// One sample; true when every namespace has a valid Secret attached to its default service account.
    package mutating func sample(_ kube: KubernetesSimulator, now: Date) -> Bool {
        var present: Set<String> = []
        for secret in kube.objects(.secrets) where secret.value(at: ["metadata", "name"])?.stringValue == "acr-pull" {
            guard let namespace = secret.value(at: ["metadata", "namespace"])?.stringValue else { continue }
            present.insert(namespace)
            let version = secret.value(at: ["metadata", "resourceVersion"])?.stringValue ?? ""
            if judged[namespace]?.version != version {
                let (whole, expires) = judge(secret)
                judged[namespace] = (version, whole, expires)
            }
        }
        var attached: Set<String> = []
        for account in kube.objects(.serviceAccounts)
        where account.value(at: ["metadata", "name"])?.stringValue == "default" {
            let entries = account.value(at: ["imagePullSecrets"])?.arrayValue ?? []
            if entries.contains(where: { $0.value(at: ["name"])?.stringValue == "acr-pull" }),
                let namespace = account.value(at: ["metadata", "namespace"])?.stringValue
            {
                attached.insert(namespace)
            }
        }
        var all = true
        for name in names {
            var state = State.missing
            if present.contains(name), let entry = judged[name] {
                state = !entry.whole ? .invalid : (entry.expires.map { $0 <= now } ?? false) ? .expired : .valid
            }
            if valid[name] == true, state != .valid {
                if state == .expired { expired.insert(name) } else { lost += 1 }
            }
            valid[name] = state == .valid
            if state != .valid || !attached.contains(name) { all = false }
        }
        return all
    }

    package enum State { case valid, expired, invalid, missing }

    /// Whether the payload decodes and matches its content hash, and when it expires.
    package mutating func judge(_ secret: JSONValue) -> (whole: Bool, expires: Date?) {
        let annotations = secret.value(at: ["metadata", "annotations"])
        guard let encoded = secret.value(at: ["data", SecretLayout.dockerConfigJSONKey])?.stringValue,
            let data = Data(base64Encoded: encoded), case .success(let config) = DockerConfig.decode(data),
            annotations?.value(at: [SecretLayout.contentHashAnnotation])?.stringValue == SecretLayout.contentHash(data)
        else { return (false, nil) }
        for entry in config.auths.values { passwords.insert(entry.password) }
        return (
            true, SecretLayout.parseTimestamp(annotations?.value(at: [SecretLayout.expiresAtAnnotation])?.stringValue)
        )
    }
}

/// Counts secret material in log lines, Events and metric labels: every password seen in a Secret, the ready-made
/// client secrets, admin passwords and federated token, and anything shaped like a JWT.
package struct LeakScan {
    package let needles: [String]

    package init(world: SimulatedWorld, observedPasswords: Set<String>) {
        let made = world.readyMade
        // Tokens are JWTs, caught by their common prefix below; other passwords (static ones) one by one.
        var needles = observedPasswords.filter { !$0.hasPrefix("eyJ") } + [made.envClientSecret]
        for path in [made.spSecretFile, made.adminPasswordFile, made.adminPassword2File, made.workloadTokenFile] {
            if let text = try? String(contentsOfFile: path, encoding: .utf8) {
                needles.append(text.trimmingCharacters(in: .whitespacesAndNewlines))
            }
        }
        // `{"` in base64url: the start of every JWT header.
        needles.append("eyJ")
        self.needles = needles.filter { $0.count >= 3 }
    }

    package func count(lines: [String], events: [JSONValue], metrics: String) -> Int {
        let texts = lines + events.map(\.jsonString) + [metrics]
        return texts.reduce(0) { total, text in total + (needles.contains { text.contains($0) } ? 1 : 0) }
    }
}
