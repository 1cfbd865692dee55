import Foundation
import PullKeeperConfig
import PullKeeperCore
import Reconciler
import Testing

/// The reconciler's decision table: each scenario names a situation and compares the whole `Decision`.
@Suite struct ReconcilerScenarioTests {
    struct Scenario: CustomTestStringConvertible, Sendable {
        let name: String
        let input: ReconcileInput
        let expected: Decision
        var testDescription: String { name }
    }

    typealias F = Fixture
    static let reg = F.registry
    static func warnRefused(_ message: String) -> EventNote { EventNote(.warning, "RegistryRefused", message) }
    static func identityRefused(_ identity: String, _ namespace: String) -> EventNote {
        EventNote(
            .warning, "IdentityRefused",
            "identity \(identity) is not granted to namespace \(namespace); a cluster admin grants it in the pullkeeper "
                + "config (identities[].namespaces)")
    }
    static func registryNotGranted(_ identity: String, _ registry: String) -> EventNote {
        warnRefused(
            "identity \(identity) is not granted registry \(registry); a cluster admin grants it in the pullkeeper "
                + "config (identities[].registries)")
    }
    static let created = EventNote(
        .normal, "SecretCreated",
        "created credentials for \(reg), expires 2026-01-01T03:00:00Z", subject: .secret("acr-pull"))
    static let refreshed = EventNote(
        .normal, "SecretRefreshed",
        "refreshed credentials for \(reg), expires 2026-01-01T03:00:00Z", subject: .secret("acr-pull"))
    static func attachEvent(_ account: String) -> EventNote {
        EventNote(
            .normal, "ServiceAccountPatched", "added acr-pull to imagePullSecrets of service account \(account)",
            subject: .serviceAccount(account))
    }
    /// Written 10 minutes ago, 3 h lifetime, fraction 0.5: the boundary is 80 minutes away.
    static let boundaryIn80Minutes = Requeue.after(.seconds(80 * 60))

    static let scenarios: [Scenario] = [
        Scenario(
            name: "namespace without annotation: nothing to do",
            input: .init(namespace: F.namespace(registries: nil), serviceAccounts: [F.account()], now: F.now),
            expected: Decision(.none, state: .notManaged)),
        Scenario(
            name: "namespace gone: nothing to do",
            input: .init(namespace: nil, secrets: [F.managedSecret()], now: F.now),
            expected: Decision(.none, state: .notManaged)),
        Scenario(
            name: "terminating namespace: no writes",
            input: .init(namespace: F.namespace(terminating: true), secrets: [], now: F.now),
            expected: Decision(.none, state: .notManaged)),
        Scenario(
            name: "missing Secret: fetch credentials first",
            input: .init(namespace: F.namespace(), serviceAccounts: [F.account()], now: F.now),
            expected: Decision(
                .fetchCredentials([CredentialRequest(identity: "sp", registry: reg)]), state: .pending,
                reason: .secretMissing)),
        Scenario(
            name: "missing Secret with credentials: create",
            input: .init(
                namespace: F.namespace(), serviceAccounts: [F.account()],
                credentials: [reg: .ready(F.token())], now: F.now),
            expected: Decision(
                .createSecret(F.desired([reg: F.token()])), writeEvent: created, state: .pending, reason: .secretMissing
            )),
        Scenario(
            name: "up to date and attached: requeue at the refresh boundary",
            input: .init(
                namespace: F.namespace(), secrets: [F.managedSecret()],
                serviceAccounts: [F.account("default", ["acr-pull"])], now: F.now),
            expected: Decision(.none, requeue: boundaryIn80Minutes, state: .upToDate)),
        Scenario(
            name: "up to date, service account without the list: attach creating it",
            input: .init(
                namespace: F.namespace(), secrets: [F.managedSecret()], serviceAccounts: [F.account()], now: F.now),
            expected: Decision(
                .attach(serviceAccount: "default", secret: "acr-pull", resourceVersion: "7", createList: true),
                writeEvent: attachEvent("default"), state: .refreshing, reason: .attach)),
        Scenario(
            name: "service account with foreign entries: append after them",
            input: .init(
                namespace: F.namespace(), secrets: [F.managedSecret()],
                serviceAccounts: [F.account("default", ["team-creds", nil])], now: F.now),
            expected: Decision(
                .attach(serviceAccount: "default", secret: "acr-pull", resourceVersion: "7", createList: false),
                writeEvent: attachEvent("default"), state: .refreshing, reason: .attach)),
        Scenario(
            name: "past the boundary: fetch a credential newer than the current one",
            input: .init(
                namespace: F.namespace(), secrets: [F.managedSecret(refreshedAgo: 5400)],
                serviceAccounts: [F.account("default", ["acr-pull"])], now: F.now),
            expected: Decision(
                .fetchCredentials([
                    CredentialRequest(
                        identity: "sp", registry: reg,
                        mustExpireAfter: F.now.addingTimeInterval(5400))
                ]),
                state: .refreshing, reason: .refreshDue)),
        Scenario(
            name: "past the boundary with a new credential: update guarded by resourceVersion",
            input: .init(
                namespace: F.namespace(), secrets: [F.managedSecret(refreshedAgo: 5400)],
                serviceAccounts: [F.account("default", ["acr-pull"])],
                credentials: [reg: .ready(F.token())], now: F.now),
            expected: Decision(
                .updateSecret(F.desired([reg: F.token()]), resourceVersion: "41"), writeEvent: refreshed,
                state: .refreshing, reason: .refreshDue)),
        Scenario(
            name: "identity changed: inputs hash forces a new credential",
            input: .init(
                namespace: F.namespace(extra: [SecretLayout.identityAnnotation: "mi"]), secrets: [F.managedSecret()],
                serviceAccounts: [F.account("default", ["acr-pull"])], now: F.now),
            expected: Decision(
                .fetchCredentials([CredentialRequest(identity: "mi", registry: reg)]), state: .refreshing,
                reason: .inputsChanged)),
        Scenario(
            name: "foreign Secret of the same name: conflict, no write",
            input: .init(
                namespace: F.namespace(), secrets: [ObservedSecret(name: "acr-pull", type: "Opaque")],
                serviceAccounts: [F.account()], now: F.now),
            expected: Decision(
                .none,
                events: [
                    EventNote(
                        .warning, "SecretConflict",
                        "Secret acr-pull exists and is not managed by pullkeeper; it is left alone",
                        subject: .secret("acr-pull"))
                ],
                requeue: .after(.seconds(600)), state: .conflict)),
        Scenario(
            name: "registry the identity may not use: refuse only that one",
            input: .init(
                namespace: F.namespace(
                    "ci-app", registries: "\(reg), \(F.other)", extra: [SecretLayout.identityAnnotation: "ci"]),
                now: F.now),
            expected: Decision(
                .fetchCredentials([CredentialRequest(identity: "ci", registry: reg)]),
                events: [registryNotGranted("ci", F.other)], state: .pending, reason: .secretMissing)),
        Scenario(
            name: "look-alike suffix: refused, the real registry still served",
            input: .init(namespace: F.namespace(registries: "contoso.azurecr.io.evil.com,\(reg)"), now: F.now),
            expected: Decision(
                .fetchCredentials([CredentialRequest(identity: "sp", registry: reg)]),
                events: [
                    warnRefused(
                        "registry \"contoso.azurecr.io.evil.com\" is not an allowed login server (allowed: *.azurecr.io, or an entry of the config's registries)"
                    )
                ],
                state: .pending, reason: .secretMissing)),
        Scenario(
            name: "every registry refused: no Secret, warning only",
            input: .init(namespace: F.namespace(registries: "evil.example.com"), now: F.now),
            expected: Decision(
                .none,
                events: [
                    warnRefused(
                        "registry \"evil.example.com\" is not an allowed login server (allowed: *.azurecr.io, or an entry of the config's registries)"
                    )
                ],
                state: .refused)),
        Scenario(
            name: "identity granted to other namespaces: refused, nothing fetched",
            input: .init(namespace: F.namespace(extra: [SecretLayout.identityAnnotation: "ci"]), now: F.now),
            expected: Decision(.none, events: [identityRefused("ci", "team-a")], state: .refused)),
        Scenario(
            name: "all service accounts: attach to the first one missing the entry",
            input: .init(
                namespace: F.namespace(extra: [SecretLayout.serviceAccountsAnnotation: "*"]),
                secrets: [F.managedSecret()],
                serviceAccounts: [F.account("default", ["acr-pull"]), F.account("builder", [], resourceVersion: "9")],
                now: F.now),
            expected: Decision(
                .attach(serviceAccount: "builder", secret: "acr-pull", resourceVersion: "9", createList: true),
                writeEvent: attachEvent("builder"), state: .refreshing, reason: .attach)),
        Scenario(
            name: "service accounts annotation empty: detach our entry only",
            input: .init(
                namespace: F.namespace(extra: [SecretLayout.serviceAccountsAnnotation: ""]),
                secrets: [F.managedSecret()],
                serviceAccounts: [F.account("default", ["keep-me", "acr-pull", "other"])], now: F.now),
            expected: Decision(
                .detach(serviceAccount: "default", secret: "acr-pull", index: 1, resourceVersion: "7"),
                state: .refreshing, reason: .detach)),
        Scenario(
            name: "named service account missing: nothing to attach yet",
            input: .init(
                namespace: F.namespace(extra: [SecretLayout.serviceAccountsAnnotation: "builder"]),
                secrets: [F.managedSecret()], serviceAccounts: [F.account("default")], now: F.now),
            expected: Decision(.none, requeue: boundaryIn80Minutes, state: .upToDate)),
        Scenario(
            name: "token failure with a valid Secret: keep it and back off before expiry",
            input: .init(
                namespace: F.namespace(), secrets: [F.managedSecret(refreshedAgo: 5400)],
                serviceAccounts: [F.account("default", ["acr-pull"])],
                credentials: [reg: .failed(CredentialFailure(message: "ACR answered 503", retryable: true))],
                now: F.now),
            expected: Decision(
                .none,
                events: [
                    EventNote(
                        .warning, "TokenFailed", "registry \(reg): ACR answered 503", subject: .secret("acr-pull"))
                ],
                requeue: .backoff(cap: .seconds(5399)), state: .failing)),
        Scenario(
            name: "token request still in progress: no Event, come back within seconds",
            input: .init(
                namespace: F.namespace(),
                credentials: [
                    reg: .pending
                ],
                now: F.now),
            expected: Decision(.none, requeue: .backoff(cap: .seconds(5)), state: .pending)),
        Scenario(
            name: "token failure without a Secret: back off, nothing written",
            input: .init(
                namespace: F.namespace(),
                credentials: [reg: .failed(CredentialFailure(message: "IMDS answered 410", retryable: true))],
                now: F.now),
            expected: Decision(
                .none,
                events: [
                    EventNote(
                        .warning, "TokenFailed", "registry \(reg): IMDS answered 410", subject: .secret("acr-pull"))
                ],
                requeue: .backoff(cap: nil), state: .failing)),
        Scenario(
            name: "terminal token failure: wait for the resync",
            input: .init(
                namespace: F.namespace(),
                credentials: [
                    reg: .failed(
                        CredentialFailure(
                            message: "identity sp: the client secret is wrong or expired (AADSTS7000215)",
                            retryable: false))
                ],
                now: F.now),
            expected: Decision(
                .none,
                events: [
                    EventNote(
                        .warning, "TokenFailed",
                        "registry \(reg): identity sp: the client secret is wrong or expired (AADSTS7000215)",
                        subject: .secret("acr-pull"))
                ],
                requeue: .after(.seconds(600)), state: .failing)),
        Scenario(
            // Found fuzzing: auth is base64(user:password), so clients (and pullkeeper) would split it elsewhere.
            name: "username with a colon: refused, nothing written",
            input: .init(
                namespace: F.namespace(),
                credentials: [reg: .ready(PullCredential(username: "robot:ci", password: "p", expiresOn: nil))],
                now: F.now),
            expected: Decision(
                .none,
                events: [
                    EventNote(
                        .warning, "CredentialRejected",
                        "registry \(reg): the username contains \":\", which a .dockerconfigjson auth "
                            + "(user:password) cannot hold", subject: .secret("acr-pull"))
                ],
                requeue: .after(.seconds(600)), state: .failing)),
        Scenario(
            name: "corrupt managed Secret (not JSON): rewrite",
            input: .init(
                namespace: F.namespace(), secrets: [F.managedSecret(data: Data("{not json".utf8))], now: F.now),
            expected: Decision(
                .fetchCredentials([
                    CredentialRequest(
                        identity: "sp", registry: reg,
                        mustExpireAfter: nil)
                ]),
                state: .refreshing, reason: .secretCorrupt)),
        Scenario(
            name: "corrupt managed Secret (auth not base64): rewrite",
            input: .init(
                namespace: F.namespace(),
                secrets: [F.managedSecret(data: Data(#"{"auths":{"contoso.azurecr.io":{"auth":"%%%"}}}"#.utf8))],
                now: F.now),
            expected: Decision(
                .fetchCredentials([
                    CredentialRequest(
                        identity: "sp", registry: reg,
                        mustExpireAfter: nil)
                ]),
                state: .refreshing, reason: .secretCorrupt)),
        Scenario(
            name: "managed Secret whose auth disagrees with its password: rewrite",
            input: .init(
                namespace: F.namespace(),
                secrets: [
                    F.managedSecret(
                        data: Data(
                            #"{"auths":{"contoso.azurecr.io":{"username":"u","password":"p","auth":"dTp4"}}}"#.utf8))
                ],
                now: F.now),
            expected: Decision(
                .fetchCredentials([
                    CredentialRequest(
                        identity: "sp", registry: reg,
                        mustExpireAfter: nil)
                ]),
                state: .refreshing, reason: .secretCorrupt)),
        Scenario(
            name: "managed Secret edited by someone else (content hash differs): fetch and rewrite",
            input: .init(
                namespace: F.namespace(),
                secrets: [
                    F.managedSecret(
                        data: F.dockerConfig([reg: F.token("tampered")]), contentHash: SecretLayout.contentHash(Data()))
                ],
                serviceAccounts: [F.account("default", ["acr-pull"])], now: F.now),
            expected: Decision(
                .fetchCredentials([CredentialRequest(identity: "sp", registry: reg, mustExpireAfter: nil)]),
                state: .refreshing, reason: .secretCorrupt)),
        Scenario(
            name: "two registries in one Secret: expiry is the earliest",
            input: .init(
                namespace: F.namespace(registries: "\(reg),\(F.other)"),
                credentials: [reg: .ready(F.token()), F.other: .ready(F.token("second", expiresIn: 3600))],
                now: F.now),
            expected: Decision(
                .createSecret(
                    F.desired(
                        [reg: F.token(), F.other: F.token("second", expiresIn: 3600)],
                        requested: [reg, F.other])),
                writeEvent: EventNote(
                    .normal, "SecretCreated",
                    "created credentials for \(reg), \(F.other), expires 2026-01-01T01:00:00Z",
                    subject: .secret("acr-pull")),
                state: .pending, reason: .secretMissing)),
        Scenario(
            name: "scoped tokens: the scope goes into the request",
            input: .init(
                namespace: F.namespace(extra: [SecretLayout.scopeAnnotation: "repository:team-a/app:pull"]), now: F.now),
            expected: Decision(
                .fetchCredentials([
                    CredentialRequest(identity: "sp", registry: reg, scope: "repository:team-a/app:pull")
                ]),
                state: .pending, reason: .secretMissing)),
        Scenario(
            name: "invalid scope syntax: no Secret",
            input: .init(
                namespace: F.namespace(extra: [SecretLayout.scopeAnnotation: "repository:Team A:pull"]), now: F.now),
            expected: Decision(
                .none,
                events: [
                    EventNote(
                        .warning, "InvalidAnnotation",
                        "pullkeeper.io/scope: \"repository:Team\" is not a scope like repository:team-a/app:pull")
                ], state: .refused)),
        Scenario(
            name: "static identity: credentials are re-read every pass",
            input: .init(
                namespace: F.namespace(extra: [SecretLayout.identityAnnotation: "admin"]),
                secrets: [
                    F.managedSecret(
                        credentials: [reg: PullCredential(username: "contoso", password: "pw1", expiresOn: nil)],
                        identity: "admin")
                ],
                serviceAccounts: [F.account("default", ["acr-pull"])], now: F.now),
            expected: Decision(
                .fetchCredentials([
                    CredentialRequest(
                        identity: "admin", registry: reg,
                        mustExpireAfter: nil)
                ]),
                state: .refreshing, reason: .staticCredentials)),
        Scenario(
            name: "static identity after rotation (password2 now): update",
            input: .init(
                namespace: F.namespace(extra: [SecretLayout.identityAnnotation: "admin"]),
                secrets: [
                    F.managedSecret(
                        credentials: [reg: PullCredential(username: "contoso", password: "pw1", expiresOn: nil)],
                        identity: "admin")
                ],
                serviceAccounts: [F.account("default", ["acr-pull"])],
                credentials: [reg: .ready(PullCredential(username: "contoso", password: "pw2", expiresOn: nil))],
                now: F.now),
            expected: Decision(
                .updateSecret(
                    F.desired(
                        [reg: PullCredential(username: "contoso", password: "pw2", expiresOn: nil)],
                        identity: "admin"), resourceVersion: "41"),
                writeEvent: EventNote(
                    .normal, "SecretRefreshed", "refreshed credentials for \(reg)", subject: .secret("acr-pull")),
                state: .refreshing, reason: .staticCredentials)),
        Scenario(
            name: "opt-out with our entry on a service account: detach it first",
            input: .init(
                namespace: F.namespace(registries: nil), secrets: [F.managedSecret()],
                serviceAccounts: [F.account("default", ["foreign", "acr-pull"])], now: F.now),
            expected: Decision(
                .detach(serviceAccount: "default", secret: "acr-pull", index: 1, resourceVersion: "7"),
                state: .cleaningUp, reason: .cleanUp)),
        Scenario(
            name: "opt-out after detaching: delete our Secret with preconditions",
            input: .init(
                namespace: F.namespace(registries: nil), secrets: [F.managedSecret()],
                serviceAccounts: [F.account("default", ["foreign"])], now: F.now),
            expected: Decision(
                .deleteSecret(name: "acr-pull", uid: "uid-acr-pull", resourceVersion: "41"), state: .cleaningUp,
                reason: .cleanUp)),
        Scenario(
            name: "excluded namespace with the annotation: treated as opted out",
            input: .init(namespace: F.namespace("kube-system"), secrets: [F.managedSecret()], now: F.now),
            expected: Decision(
                .deleteSecret(name: "acr-pull", uid: "uid-acr-pull", resourceVersion: "41"), state: .cleaningUp,
                reason: .cleanUp)),
        Scenario(
            name: "our Secret with the wrong type: delete so it can be recreated",
            input: .init(namespace: F.namespace(), secrets: [F.managedSecret(type: "Opaque")], now: F.now),
            expected: Decision(
                .deleteSecret(name: "acr-pull", uid: "uid-acr-pull", resourceVersion: "41"), state: .refreshing,
                reason: .wrongType)),
        Scenario(
            name: "secret name changed: the old managed Secret is cleaned up once the new one is current",
            input: .init(
                namespace: F.namespace(extra: [SecretLayout.secretNameAnnotation: "registry-creds"]),
                secrets: [F.managedSecret(), F.managedSecret("registry-creds")],
                serviceAccounts: [F.account("default", ["acr-pull", "registry-creds"])], now: F.now),
            expected: Decision(
                .detach(serviceAccount: "default", secret: "acr-pull", index: 0, resourceVersion: "7"),
                state: .cleaningUp, reason: .cleanUp)),
        Scenario(
            name: "unknown identity: InvalidAnnotation, nothing written",
            input: .init(namespace: F.namespace(extra: [SecretLayout.identityAnnotation: "nobody"]), now: F.now),
            expected: Decision(
                .none, events: [EventNote(.warning, "InvalidAnnotation", "identity \"nobody\" is not configured")],
                state: .refused)),
        Scenario(
            name: "registries annotation of only commas: InvalidAnnotation",
            input: .init(namespace: F.namespace(registries: " , ,"), now: F.now),
            expected: Decision(
                .none, events: [EventNote(.warning, "InvalidAnnotation", "pullkeeper.io/registries names no registry")],
                state: .refused)),
        Scenario(
            name: "opted in through the config's label selector",
            input: .init(
                namespace: F.namespace(registries: nil, labels: ["pullkeeper.io/enabled": "true"]), now: F.now),
            expected: Decision(
                .fetchCredentials([CredentialRequest(identity: "sp", registry: reg)]), state: .pending,
                reason: .secretMissing)),
        Scenario(
            name: "credential identical to the one written (cached token): no write",
            input: .init(
                namespace: F.namespace(), secrets: [F.managedSecret(refreshedAgo: 5400)],
                serviceAccounts: [F.account("default", ["acr-pull"])],
                credentials: [
                    reg: .ready(
                        PullCredential(
                            username: SecretLayout.tokenUsername, password: "old-token",
                            expiresOn: F.now.addingTimeInterval(5400)))
                ],
                now: F.now),
            expected: Decision(.none, requeue: .after(.seconds(1)), state: .upToDate)),
        Scenario(
            name: "one of two registries fails: keep its still-valid entry, refresh the other",
            input: .init(
                namespace: F.namespace(registries: "\(reg),\(F.other)"),
                secrets: [F.managedSecret(registries: [reg, F.other], refreshedAgo: 5400)],
                serviceAccounts: [F.account("default", ["acr-pull"])],
                credentials: [
                    reg: .ready(F.token()),
                    F.other: .failed(CredentialFailure(message: "ACR answered 503", retryable: true)),
                ],
                now: F.now),
            expected: Decision(
                .updateSecret(
                    DesiredSecret(
                        name: "acr-pull", labels: [SecretLayout.managedByLabel: SecretLayout.managedByValue],
                        annotations: [
                            SecretLayout.refreshedAtAnnotation: "2026-01-01T00:00:00Z",
                            SecretLayout.inputsHashAnnotation: SecretLayout.inputsHash(
                                identity: "sp", registries: [reg, F.other], scope: nil),
                            SecretLayout.expiresAtAnnotation: "2026-01-01T01:30:00Z",
                            SecretLayout.contentHashAnnotation: SecretLayout.contentHash(twoRegistries),
                        ],
                        dockerConfigJSON: twoRegistries,
                        registries: [reg, F.other], expiresAt: F.now.addingTimeInterval(5400)), resourceVersion: "41"),
                events: [
                    EventNote(
                        .warning, "TokenFailed", "registry \(F.other): ACR answered 503", subject: .secret("acr-pull"))
                ],
                writeEvent: EventNote(
                    .normal, "SecretRefreshed",
                    "refreshed credentials for \(reg), \(F.other), expires 2026-01-01T01:30:00Z",
                    subject: .secret("acr-pull")),
                requeue: .backoff(cap: .seconds(5399)), state: .failing, reason: .refreshDue)),
    ]

    static let twoRegistries = F.dockerConfig([
        reg: F.token(),
        F.other: PullCredential(username: SecretLayout.tokenUsername, password: "old-token", expiresOn: nil),
    ])

    @Test(arguments: scenarios)
    func decides(_ scenario: Scenario) {
        let decision = Fixture.reconciler.decide(scenario.input)
        #expect(decision == scenario.expected)
    }

    @Test func tableHasAtLeastThirtyScenarios() {
        #expect(Self.scenarios.count >= 30)
        #expect(Set(Self.scenarios.map(\.name)).count == Self.scenarios.count)
    }
}

/// `events.routine: false` (issue "Scale"): the same table decides the same, without the routine write's Normal
/// Event; Warnings about the request (a failed registry next to a refreshed one) stay.
extension ReconcilerScenarioTests {
    static let quiet: Reconciler = {
        var config = Fixture.config
        config.events.routine = false
        return Reconciler(config: config)
    }()

    @Test(arguments: scenarios)
    func decidesWithoutRoutineEvents(_ scenario: Scenario) {
        var expected = scenario.expected
        expected.writeEvent = nil
        #expect(Self.quiet.decide(scenario.input) == expected)
    }

    @Test func theTableCoversEveryRoutineEventAndAWarningBesideOne() {
        let reasons = Set(Self.scenarios.compactMap(\.expected.writeEvent?.reason))
        #expect(reasons == ["SecretCreated", "SecretRefreshed", "ServiceAccountPatched"])
        #expect(
            Self.scenarios.contains {
                $0.expected.writeEvent != nil && $0.expected.events.contains { $0.kind == .warning }
            })
    }
}
