import AzureAuth
import AzureSimulator
import Controller
import Foundation
import KubernetesClient
import KubernetesModel
import PullKeeperConfig
import PullKeeperCore
import PullKeeperTesting
import Reconciler
import Synchronization
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// Issue 20: no configuration leaves a namespace without a Secret and without an Event that says why for longer than
/// the documented bound: 40 s (`timeouts.pending` 30 s + one pending requeue of at most 5 s + the 1 s retry wait,
/// rounded up). Real failures where they need real sockets (a `.invalid` name, a closed loopback port, a TLS server
/// whose CA nobody trusts), a token endpoint answering after 30 s on the manual clock; a healthy namespace that
/// shares none of them is served at once.
@Suite("Credential failures are visible within the bound (fast tier)")
struct CredentialFailureVisibilityTests {
    static let bound = Duration.seconds(40)

    struct Cause: Sendable {
        var namespace: String
        var registry: String
        var words: String
    }

    @Test(
        "DNS failure, refused port, unknown CA, a 30 s token endpoint, 5xx and 4xx each give TokenFailed in words in time"
    )
    func everyCauseIsVisible() async throws {
        try await FastWorld.run { world in
            let stranger = try AzureSimulator(configuration: .init(registryListeners: 1))
            try await stranger.start()
            let real = AsyncHTTPTransport(connectTimeout: .seconds(5), timeout: .seconds(10))
            do {
                let port = try Self.closedPort()
                let strangerHost = stranger.registryListenerHosts[0]
                let causes = [
                    Cause(namespace: "typo", registry: "pk-typo.invalid", words: "cannot resolve pk-typo.invalid"),
                    Cause(namespace: "refused", registry: "127.0.0.1:\(port)", words: "connection refused"),
                    Cause(namespace: "stranger", registry: strangerHost, words: "TLS: unknown authority"),
                    Cause(namespace: "slow", registry: "pk-slow.azurecr.io", words: "timed out after 8 s"),
                    Cause(
                        namespace: "gateway", registry: "pk-503.azurecr.io",
                        words: "the token service is unavailable (HTTP 503"),
                    Cause(
                        namespace: "wrong-endpoint", registry: "pk-404.azurecr.io",
                        words: "no /oauth2/exchange endpoint"),
                ]
                let transport = FaultyAzure(
                    inProcess: world.azure, real: real, realHosts: Set(causes.prefix(3).map(\.registry)),
                    slowHost: "pk-slow.azurecr.io", delay: .seconds(30), clock: world.clock.runtimeClock,
                    statusHosts: ["pk-503.azurecr.io": 503, "pk-404.azurecr.io": 404])
                var config = world.config
                for cause in causes {
                    config.registries.append(RegistryEntry(loginServer: cause.registry))
                }
                let index = try #require(config.identities.firstIndex { $0.name == "sp-secret" })
                config.identities[index].registries += causes.map(\.registry)

                let runtime = try world.runtime(config: config, azureTransport: transport)
                let task = world.start(runtime)
                let start = world.clock.now
                try await world.cluster.optIn("healthy")
                for cause in causes { try await world.cluster.optIn(cause.namespace, registries: cause.registry) }

                var seen: [String: Duration] = [:]
                var healthyAt: Duration?
                let end = start.advanced(by: Self.bound)
                while true {
                    await Self.settle(world, runtime, transport)
                    let now = start.duration(to: world.clock.now)
                    if healthyAt == nil, await world.cluster.secret("healthy") != nil { healthyAt = now }
                    for cause in causes where seen[cause.namespace] == nil {
                        let events = await world.cluster.events(cause.namespace)
                        if events.contains(where: { $0.reason == "TokenFailed" && $0.message.contains(cause.words) }) {
                            seen[cause.namespace] = now
                        }
                    }
                    if seen.count == causes.count && healthyAt != nil { break }
                    guard let next = world.clock.nextDeadline, next <= end else { break }
                    world.clock.advance(to: next)
                }
                print(
                    "time to TokenFailed (simulated): \(seen.sorted { $0.key < $1.key }); healthy Secret at \(healthyAt.map { "\($0)" } ?? "never")"
                )
                for cause in causes {
                    let events = await world.cluster.events(cause.namespace)
                    #expect(
                        seen[cause.namespace] != nil,
                        "\(cause.namespace): no TokenFailed with \"\(cause.words)\" within \(Self.bound): \(events)")
                    let secret = await world.cluster.secret(cause.namespace)
                    #expect(secret == nil)
                    #expect(runtime.controller.namespaceStates[cause.namespace] == .failing)
                }
                // `pullkeeper status` (without --config, so only Secrets and Events): each is Failing with its cause.
                let v1 = try await world.admin.listAll(EventV1.self).items
                let core = try await world.admin.listAll(Event.self).items
                let secrets = try await world.admin.listAll(
                    Secret.self,
                    options: ListOptions(labelSelector: "\(SecretLayout.managedByLabel)=\(SecretLayout.managedByValue)")
                ).items
                let rows = StatusTable.rows(
                    secrets: secrets, namespaces: [], config: nil, now: world.clock.date,
                    failures: CredentialFailureNote.from(v1: v1, core: core))
                for cause in causes {
                    let state = rows.first { $0.namespace == cause.namespace }?.state ?? "no row"
                    #expect(state.hasPrefix("Failing: TokenFailed: ") && state.contains(cause.words), "\(state)")
                }
                #expect(rows.first { $0.namespace == "healthy" }?.state == "Valid")
                // The healthy namespace waited for none of them: its Secret came with the first passes.
                #expect(
                    healthyAt != nil && healthyAt! < .seconds(1), "healthy Secret at \(String(describing: healthyAt))")
                let healthyReasons = await world.cluster.eventReasons("healthy")
                #expect(healthyReasons.isDisjoint(with: ["TokenFailed", "CredentialRejected"]))
                #expect(runtime.controller.namespaceStates["healthy"] == .upToDate)
                // The metric: the failed registry requests are counted per registry.
                let metrics = runtime.metrics.render()
                for cause in causes {
                    #expect(
                        metrics.split(separator: "\n").contains {
                            $0.hasPrefix("pullkeeper_token_requests_total") && $0.contains("result=\"error\"")
                                && $0.contains("registry=\"\(cause.registry)\"")
                        }, "no failed token request counted for \(cause.registry)")
                }
                // DNS failures back off like other errors (0.5 s doubling to 60 s): ten more minutes bring about
                // a dozen attempts, not one per pending requeue (120) nor one per pass at full speed.
                let before = transport.attempts(to: "pk-typo.invalid")
                let later = world.clock.now.advanced(by: .seconds(600))
                while let next = world.clock.nextDeadline, next <= later {
                    world.clock.advance(to: next)
                    await Self.settle(world, runtime, transport)
                }
                let attempts = transport.attempts(to: "pk-typo.invalid") - before
                print("pk-typo.invalid: \(attempts) attempts in the next 10 simulated minutes")
                #expect((5...20).contains(attempts), "\(attempts) attempts in 10 minutes")
                try await world.stop(runtime, task)
            } catch {
                try? await real.shutdown()
                await stranger.shutdown()
                throw error
            }
            try? await real.shutdown()
            await stranger.shutdown()
        }
    }

    struct SlowCase: Sendable, CustomTestStringConvertible {
        /// `timeouts.registry` for this run.
        var registryTimeout: Duration
        var words: String
        var testDescription: String { "registry timeout \(registryTimeout): \(words)" }
    }

    /// A failure slower than the pass's 10 s wait is still heard: the pass after it reports it (20 s); a request
    /// that has not ended by `timeouts.pending` (30 s) is reported as such while it keeps running (45 s).
    @Test(
        "a token endpoint slower than the pass wait is reported within the bound",
        arguments: [
            SlowCase(registryTimeout: .seconds(20), words: "timed out after 20 s"),
            SlowCase(registryTimeout: .seconds(45), words: "no credential after 30 s"),
        ])
    func slowerThanTheWait(_ slow: SlowCase) async throws {
        try await FastWorld.run { world in
            let real = AsyncHTTPTransport()
            let transport = FaultyAzure(
                inProcess: world.azure, real: real, realHosts: [], slowHost: "pk-slow.azurecr.io",
                delay: .seconds(50), clock: world.clock.runtimeClock)
            var config = world.config
            config.timeouts.registry = slow.registryTimeout
            config.registries.append(RegistryEntry(loginServer: "pk-slow.azurecr.io"))
            let index = try #require(config.identities.firstIndex { $0.name == "sp-secret" })
            config.identities[index].registries.append("pk-slow.azurecr.io")
            let runtime = try world.runtime(config: config, azureTransport: transport)
            let task = world.start(runtime)
            let start = world.clock.now
            try await world.cluster.optIn("slow", registries: "pk-slow.azurecr.io")
            var heard: Duration?
            let told = await world.advance(runtime, limit: Self.bound) {
                let events = await world.cluster.events("slow")
                let found = events.contains { $0.reason == "TokenFailed" && $0.message.contains(slow.words) }
                if found { heard = start.duration(to: world.clock.now) }
                return found
            }
            print("\(slow.testDescription): TokenFailed after \(heard.map { "\($0)" } ?? "never") (simulated)")
            let events = await world.cluster.events("slow")
            #expect(told, "\(events)")
            #expect(runtime.controller.namespaceStates["slow"] == .failing)
            // Only reported, not waited for: no pass blocks longer than its wait.
            #expect(heard.map { $0 > .seconds(10) } == true)
            try await world.stop(runtime, task)
            try? await real.shutdown()
        }
    }

    /// Settles the world, and also waits (real time) for requests on real sockets, which `settle` does not see.
    static func settle(_ world: FastWorld, _ runtime: ControllerRuntime, _ transport: FaultyAzure) async {
        for _ in 0..<3 {
            await world.settle(runtime)
            while transport.realInFlight > 0 { try? await Task.sleep(for: .milliseconds(2)) }
        }
        await world.settle(runtime)
    }

    /// A loopback port nobody listens on.
    static func closedPort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw PortError() }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { raw in
                bind(fd, raw, length) == 0 && getsockname(fd, raw, &length) == 0
            }
        }
        guard bound else { throw PortError() }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    struct PortError: Error {}
}

/// The in-process Azure, except: `realHosts` go over real sockets (real DNS, TCP and TLS failures), `slowHost`
/// answers only after `delay` on the manual clock, and `statusHosts` answer every request with their status (a
/// gateway in trouble, a wrong endpoint).
final class FaultyAzure: HTTPTransport {
    let inProcess: InProcessAzure
    let real: AsyncHTTPTransport
    let realHosts: Set<String>
    let slowHost: String
    let delay: Duration
    let clock: RuntimeClock
    let statusHosts: [String: Int]
    private let inFlight = Mutex(0)

    init(
        inProcess: InProcessAzure, real: AsyncHTTPTransport, realHosts: Set<String>, slowHost: String,
        delay: Duration, clock: RuntimeClock, statusHosts: [String: Int] = [:]
    ) {
        self.statusHosts = statusHosts
        self.inProcess = inProcess
        self.real = real
        self.realHosts = realHosts
        self.slowHost = slowHost
        self.delay = delay
        self.clock = clock
    }

    var realInFlight: Int { inFlight.withLock { $0 } }

    /// Requests sent to `host` so far.
    func attempts(to host: String) -> Int { sent.withLock { $0[host, default: 0] } }
    private let sent = Mutex<[String: Int]>([:])

    func send(_ request: HTTPRequestData) async throws -> HTTPResponseData {
        let host = request.hostForMessages
        sent.withLock { $0[host, default: 0] += 1 }
        if realHosts.contains(host) {
            inFlight.withLock { $0 += 1 }
            defer { inFlight.withLock { $0 -= 1 } }
            return try await real.send(request)
        }
        if let status = statusHosts[host] {
            return HTTPResponseData(status: status, body: Array(#"{"errors":[{"code":"UNKNOWN"}]}"#.utf8))
        }
        if host == slowHost { try await clock.sleep(for: delay) }
        return try await inProcess.send(request)
    }
}

@Suite("pullkeeper status: Failing from the controller's credential failures")
struct StatusFailingTests {
    static let now = Date(timeIntervalSince1970: 1_800_000_000)

    static func secret(_ namespace: String, refreshedAgo: TimeInterval) -> Secret {
        var secret = Secret(metadata: ObjectMeta(name: "acr-pull", namespace: namespace))
        secret.metadata.annotations = [
            SecretLayout.refreshedAtAnnotation: SecretLayout.timestamp(now.addingTimeInterval(-refreshedAgo)),
            SecretLayout.expiresAtAnnotation: SecretLayout.timestamp(now.addingTimeInterval(3600)),
        ]
        secret.type = SecretLayout.dockerConfigJSONType
        let config = DockerConfig(auths: ["r.azurecr.io": .init(username: "u", password: "p")])
        secret.data = [SecretLayout.dockerConfigJSONKey: config.encoded()]
        return secret
    }

    static func note(_ namespace: String, ago: TimeInterval, reason: String = "TokenFailed") -> CredentialFailureNote {
        CredentialFailureNote(
            namespace: namespace, secret: "acr-pull", reason: reason, message: "cannot resolve r.azurecr.io",
            at: now.addingTimeInterval(-ago))
    }

    @Test(
        "a failure newer than the last refresh (or with no Secret) is Failing; older or stale ones are not",
        arguments: [
            (
                refreshedAgo: TimeInterval?.some(600), failureAgo: 60.0,
                expected: "Failing: TokenFailed: cannot resolve r.azurecr.io"
            ),
            (refreshedAgo: 60, failureAgo: 600, expected: "Valid"),
            (refreshedAgo: 7200, failureAgo: 3600, expected: "Valid"),
            (refreshedAgo: nil, failureAgo: 60, expected: "Failing: TokenFailed: cannot resolve r.azurecr.io"),
            (refreshedAgo: nil, failureAgo: 3600, expected: "no row"),
        ])
    func failing(refreshedAgo: TimeInterval?, failureAgo: TimeInterval, expected: String) {
        let secrets = refreshedAgo.map { [Self.secret("team", refreshedAgo: $0)] } ?? []
        let rows = StatusTable.rows(
            secrets: secrets, namespaces: [], config: nil, now: Self.now,
            failures: [Self.note("team", ago: failureAgo), Self.note("other", ago: 10_000)])
        #expect(rows.first { $0.namespace == "team" }?.state ?? "no row" == expected)
        #expect(!rows.contains { $0.namespace == "other" })
    }
}
