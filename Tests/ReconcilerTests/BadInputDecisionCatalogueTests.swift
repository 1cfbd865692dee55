import Foundation
import PullKeeperConfig
import PullKeeperCore
import Reconciler
import Testing

/// Bad-input catalogue, pure half (issue 9): hostile annotations, corrupt managed Secrets and garbage
/// `imagePullSecrets`, each a named case with the whole `Decision` it must give. The same situations run against the
/// real controller in IntegrationTests/BadInputCatalogueTests.swift.
@Suite struct BadInputDecisionCatalogueTests {
    struct Case: CustomTestStringConvertible, Sendable {
        let name: String
        let input: ReconcileInput
        let expected: Decision
        var testDescription: String { name }
    }

    typealias F = Fixture
    static let reg = F.registry

    // MARK: Expected decisions

    /// The namespace asks for something unservable: warnings on the namespace, nothing written, no retry.
    static func invalid(_ messages: String...) -> Decision {
        Decision(
            .none, events: messages.map { EventNote(.warning, "InvalidAnnotation", $0) }, requeue: .never,
            state: .refused)
    }

    /// Every requested registry refused: one warning each, nothing written.
    static func refused(_ messages: String...) -> Decision {
        Decision(
            .none, events: messages.map { EventNote(.warning, "RegistryRefused", $0) }, requeue: .never,
            state: .refused)
    }

    static func notAllowed(_ server: String) -> String {
        "registry \"\(server)\" is not an allowed login server (allowed: *.azurecr.io, or an entry of the config's "
            + "registries)"
    }

    /// The namespace is served: the first step is fetching credentials for `registries`.
    static func fetch(
        _ registries: [String] = [reg], identity: String = "sp", scope: String? = nil,
        state: NamespaceState = .pending, refused: [String] = [], reason: DecisionReason = .secretMissing
    ) -> Decision {
        Decision(
            .fetchCredentials(
                registries.map { CredentialRequest(identity: identity, registry: $0, scope: scope) }),
            events: refused.map { EventNote(.warning, "RegistryRefused", $0) }, state: state, reason: reason)
    }

    /// Our Secret exists but cannot be trusted: fetch credentials (whatever the cache holds) to rewrite it.
    static let rewrite = fetch(state: .refreshing, reason: .secretCorrupt)

    static func namespace(registries: String? = reg, _ extra: [String: String] = [:]) -> ReconcileInput {
        ReconcileInput(namespace: F.namespace(registries: registries, extra: extra), now: F.now)
    }

    static func annotated(_ key: String, _ value: String) -> ReconcileInput {
        namespace([key: value])
    }

    /// Our Secret with this `.dockerconfigjson` payload (or none), attached to the default service account.
    static func secret(
        payload: Data?, annotations: [String: String] = [:], type: String = SecretLayout.dockerConfigJSONType,
        labels: [String: String]? = nil
    ) -> ReconcileInput {
        var secret = F.managedSecret(type: type)
        secret.data = payload.map { [SecretLayout.dockerConfigJSONKey: $0] } ?? [:]
        secret.annotations.merge(annotations) { $1 }
        if let labels { secret.labels = labels }
        return ReconcileInput(
            namespace: F.namespace(), secrets: [secret], serviceAccounts: [F.account("default", ["acr-pull"])],
            now: F.now)
    }

    static func json(_ text: String) -> Data { Data(text.utf8) }

    static func accounts(_ entries: [String?], registries: String? = reg) -> ReconcileInput {
        ReconcileInput(
            namespace: F.namespace(registries: registries), secrets: [F.managedSecret()],
            serviceAccounts: [F.account("default", entries)], now: F.now)
    }

    static func attach(createList: Bool = false) -> Decision {
        Decision(
            .attach(serviceAccount: "default", secret: "acr-pull", resourceVersion: "7", createList: createList),
            writeEvent: EventNote(
                .normal, "ServiceAccountPatched", "added acr-pull to imagePullSecrets of service account default",
                subject: .serviceAccount("default")),
            state: .refreshing, reason: .attach)
    }

    static func detach(index: Int, state: NamespaceState = .cleaningUp) -> Decision {
        Decision(
            .detach(serviceAccount: "default", secret: "acr-pull", index: index, resourceVersion: "7"), state: state,
            reason: state == .cleaningUp ? .cleanUp : .detach)
    }

    static let thousandRegistries = (0..<1000).map { "r\($0).azurecr.io" }.joined(separator: ",")
    static let registries = SecretLayout.registriesAnnotation
    static let identity = SecretLayout.identityAnnotation
    static let scope = SecretLayout.scopeAnnotation
    static let accountsKey = SecretLayout.serviceAccountsAnnotation
    static let secretName = SecretLayout.secretNameAnnotation

    // MARK: The catalogue

    static let annotationCases: [Case] = [
        Case(
            name: "registries: empty", input: namespace(registries: ""),
            expected: invalid("pullkeeper.io/registries names no registry")),
        Case(
            name: "registries: only commas", input: namespace(registries: ",,,"),
            expected: invalid("pullkeeper.io/registries names no registry")),
        Case(
            name: "registries: commas, spaces and tabs", input: namespace(registries: " ,\t, ,"),
            expected: invalid("pullkeeper.io/registries names no registry")),
        Case(
            name: "registries: 1,000 registries", input: namespace(registries: thousandRegistries),
            expected: invalid("pullkeeper.io/registries names 1000 registries; at most 32 are allowed")),
        Case(
            name: "registries: one registry repeated 1,000 times",
            input: namespace(registries: Array(repeating: reg, count: 1000).joined(separator: ",")),
            expected: invalid("pullkeeper.io/registries names 1000 registries; at most 32 are allowed")),
        Case(
            name: "registries: spaces around names are trimmed",
            input: namespace(registries: "  \(reg) ,\t\(F.other)  "), expected: fetch([reg, F.other])),
        Case(
            name: "registries: newlines of a YAML block scalar are trimmed",
            input: namespace(registries: "\(reg),\n\(F.other)\n"), expected: fetch([reg, F.other])),
        Case(
            name: "registries: a space inside a name", input: namespace(registries: "contoso .azurecr.io"),
            expected: refused("registry must not contain spaces (\"contoso .azurecr.io\")")),
        Case(
            name: "registries: upper case", input: namespace(registries: "Contoso.azurecr.io"),
            expected: refused("registry must be lower case (\"contoso.azurecr.io\")")),
        Case(
            name: "registries: a port on an ACR name", input: namespace(registries: "contoso.azurecr.io:443"),
            expected: refused(notAllowed("contoso.azurecr.io:443"))),
        Case(
            name: "registries: a port out of range", input: namespace(registries: "contoso.azurecr.io:99999"),
            expected: refused("registry has an invalid port \"99999\"")),
        Case(
            name: "registries: a path", input: namespace(registries: "contoso.azurecr.io/team-a"),
            expected: refused("registry must be a host name without a path (\"contoso.azurecr.io/team-a\")")),
        Case(
            name: "registries: a scheme", input: namespace(registries: "https://contoso.azurecr.io"),
            expected: refused("registry must be a host name without a scheme (\"https://contoso.azurecr.io\")")),
        Case(
            name: "registries: Cyrillic look-alike letter", input: namespace(registries: "c\u{43E}ntoso.azurecr.io"),
            expected: refused(
                "registry must be ASCII (\"c\u{43E}ntoso.azurecr.io\"); write internationalised names in punycode (xn--)"
            )),
        Case(
            name: "registries: ideographic full stop for a dot",
            input: namespace(registries: "contoso\u{3002}azurecr.io"),
            expected: refused(
                "registry must be ASCII (\"contoso\u{3002}azurecr.io\"); write internationalised names in punycode (xn--)"
            )),
        Case(
            name: "registries: punycode name under the ACR suffix is served",
            input: namespace(registries: "xn--cntoso-3ve.azurecr.io"), expected: fetch(["xn--cntoso-3ve.azurecr.io"])),
        Case(
            name: "registries: punycode look-alike of the suffix",
            input: namespace(registries: "contoso.xn--azurcr-yxa.io"),
            expected: refused(notAllowed("contoso.xn--azurcr-yxa.io"))),
        Case(
            name: "registries: look-alike suffix followed by another domain",
            input: namespace(registries: "contoso.azurecr.io.evil.com"),
            expected: refused(notAllowed("contoso.azurecr.io.evil.com"))),
        Case(
            name: "registries: look-alike suffix without the dot", input: namespace(registries: "contosoazurecr.io"),
            expected: refused(notAllowed("contosoazurecr.io"))),
        Case(
            name: "registries: look-alike suffix with a hyphen", input: namespace(registries: "contoso-azurecr.io"),
            expected: refused(notAllowed("contoso-azurecr.io"))),
        Case(
            name: "registries: the bare suffix", input: namespace(registries: "azurecr.io"),
            expected: refused(notAllowed("azurecr.io"))),
        Case(
            name: "registries: a trailing dot", input: namespace(registries: "contoso.azurecr.io."),
            expected: refused("registry has an empty label (\"contoso.azurecr.io.\")")),
        Case(
            name: "registries: one bad next to a good one refuses only the bad one",
            input: namespace(registries: "\(reg), Evil.azurecr.io"),
            expected: fetch(refused: ["registry must be lower case (\"evil.azurecr.io\")"])),
        Case(
            name: "identity: unknown", input: annotated(identity, "nobody"),
            expected: invalid("identity \"nobody\" is not configured")),
        Case(
            name: "identity: upper case of a configured one", input: annotated(identity, "SP"),
            expected: invalid("identity \"SP\" is not configured")),
        Case(
            name: "identity: empty", input: annotated(identity, ""),
            expected: invalid(
                "pullkeeper.io/identity is empty: name an identity of the config, or remove the annotation to use "
                    + "the default")),
        Case(
            name: "identity: spaces around the name are trimmed", input: annotated(identity, " mi\n"),
            expected: fetch(identity: "mi")),
        Case(
            name: "scope: no actions", input: annotated(scope, "repository:team-a/app"),
            expected: invalid(
                "pullkeeper.io/scope: \"repository:team-a/app\" is not a scope like repository:team-a/app:pull")),
        Case(
            name: "scope: unknown action", input: annotated(scope, "repository:team-a/app:fly"),
            expected: invalid(
                "pullkeeper.io/scope: \"repository:team-a/app:fly\" is not a scope like repository:team-a/app:pull")),
        Case(
            name: "scope: unknown type", input: annotated(scope, "repo:team-a/app:pull"),
            expected: invalid(
                "pullkeeper.io/scope: \"repo:team-a/app:pull\" is not a scope like repository:team-a/app:pull")),
        Case(
            name: "scope: upper-case repository", input: annotated(scope, "repository:Team/App:pull"),
            expected: invalid(
                "pullkeeper.io/scope: \"repository:Team/App:pull\" is not a scope like repository:team-a/app:pull")),
        Case(
            name: "scope: empty repository", input: annotated(scope, "repository::pull"),
            expected: invalid(
                "pullkeeper.io/scope: \"repository::pull\" is not a scope like repository:team-a/app:pull")),
        Case(
            name: "scope: one good, one bad", input: annotated(scope, "repository:a:pull repository:b:fly"),
            expected: invalid(
                "pullkeeper.io/scope: \"repository:b:fly\" is not a scope like repository:team-a/app:pull")),
        Case(
            name: "scope: only spaces means no scope", input: annotated(scope, "   "), expected: fetch()),
        Case(
            name: "scope: newline-separated scopes", input: annotated(scope, "repository:a:pull\nrepository:b:pull\n"),
            expected: fetch(scope: "repository:a:pull repository:b:pull")),
        Case(
            name: "service-accounts: upper-case name", input: annotated(accountsKey, "Default"),
            expected: invalid("pullkeeper.io/service-accounts: \"Default\" is not a service account name")),
        Case(
            name: "service-accounts: * mixed with names", input: annotated(accountsKey, "*,default"),
            expected: invalid("pullkeeper.io/service-accounts: \"*\" is not a service account name")),
        Case(
            name: "secret-name: underscore and upper case", input: annotated(secretName, "ACR_Pull"),
            expected: invalid(
                "pullkeeper.io/secret-name must be a DNS-1123 subdomain: lower case letters, digits, '-' and '.' "
                    + "(\"ACR_Pull\")")),
        Case(
            name: "secret-name: empty", input: annotated(secretName, ""),
            expected: invalid("pullkeeper.io/secret-name must not be empty")),
        Case(
            name: "secret-name: 300 characters", input: annotated(secretName, String(repeating: "a", count: 300)),
            expected: invalid("pullkeeper.io/secret-name must be at most 253 characters")),
        Case(
            name: "several bad annotations: every problem is reported",
            input: namespace(registries: ",", [identity: "nobody", scope: "pull"]),
            expected: invalid(
                "pullkeeper.io/registries names no registry", "identity \"nobody\" is not configured",
                "pullkeeper.io/scope: \"pull\" is not a scope like repository:team-a/app:pull")),
    ]

    static let secretCases: [Case] = [
        Case(name: "Secret: .dockerconfigjson key missing", input: secret(payload: nil), expected: rewrite),
        Case(name: "Secret: payload is not JSON", input: secret(payload: json("{not json")), expected: rewrite),
        Case(name: "Secret: payload is a JSON array", input: secret(payload: json("[]")), expected: rewrite),
        Case(name: "Secret: payload has no auths", input: secret(payload: json("{}")), expected: rewrite),
        Case(
            name: "Secret: payload larger than 1 MiB",
            input: secret(payload: json(#"{"auths":{},"pad":""# + String(repeating: "x", count: 1 << 20) + #""}"#)),
            expected: rewrite),
        Case(
            name: "Secret: auths entry is a string", input: secret(payload: json(#"{"auths":{"\#(reg)":"x"}}"#)),
            expected: rewrite),
        Case(
            name: "Secret: entry without a password",
            input: secret(payload: json(#"{"auths":{"\#(reg)":{"username":"u"}}}"#)), expected: rewrite),
        Case(
            name: "Secret: auth is not base64",
            input: secret(payload: json(#"{"auths":{"\#(reg)":{"auth":"%%%"}}}"#)), expected: rewrite),
        Case(
            name: "Secret: auth is base64 without a colon",
            input: secret(
                payload: json(#"{"auths":{"\#(reg)":{"auth":"\#(Data("nocolon".utf8).base64EncodedString())"}}}"#)),
            expected: rewrite),
        Case(
            name: "Secret: auth is base64 of invalid UTF-8",
            input: secret(
                payload: json(
                    #"{"auths":{"\#(reg)":{"auth":"\#(Data([0xC3, 0x28, 0x3A, 0x41]).base64EncodedString())"}}}"#)),
            expected: rewrite),
        Case(
            name: "Secret: the registry under an upper-case key",
            input: secret(payload: F.dockerConfig(["Contoso.azurecr.io": F.token()])),
            expected: fetch(state: .refreshing, reason: .registriesChanged)),
        Case(
            name: "Secret: content hash differs (edited by someone else)",
            input: secret(
                payload: F.dockerConfig([reg: F.token("forged")]),
                annotations: [SecretLayout.contentHashAnnotation: "000000000000"]),
            expected: rewrite),
        Case(
            name: "Secret: expires-at is not a timestamp",
            input: secret(
                payload: F.dockerConfig([reg: F.token()]), annotations: [SecretLayout.expiresAtAnnotation: "tomorrow"]
            ), expected: fetch(state: .refreshing, reason: .noExpiry)),
        Case(
            name: "Secret: inputs-hash is garbage",
            input: secret(
                payload: F.dockerConfig([reg: F.token()]), annotations: [SecretLayout.inputsHashAnnotation: "💥"]),
            expected: fetch(state: .refreshing, reason: .inputsChanged)),
        Case(
            name: "Secret: ours with type Opaque is deleted to be recreated",
            input: secret(payload: json("{not json"), type: "Opaque"),
            expected: Decision(
                .deleteSecret(name: "acr-pull", uid: "uid-acr-pull", resourceVersion: "41"), state: .refreshing,
                reason: .wrongType)),
        Case(
            name: "Secret: ours with type dockercfg is deleted to be recreated",
            input: secret(payload: F.dockerConfig([reg: F.token()]), type: "kubernetes.io/dockercfg"),
            expected: Decision(
                .deleteSecret(name: "acr-pull", uid: "uid-acr-pull", resourceVersion: "41"), state: .refreshing,
                reason: .wrongType)),
        Case(
            name: "Secret: managed-by label in another case is foreign",
            input: secret(payload: json("{}"), labels: [SecretLayout.managedByLabel: "PullKeeper"]),
            expected: Decision(
                .none,
                events: [
                    EventNote(
                        .warning, "SecretConflict",
                        "Secret acr-pull exists and is not managed by pullkeeper; it is left alone",
                        subject: .secret("acr-pull"))
                ], requeue: .after(.seconds(600)), state: .conflict)),
    ]

    static let serviceAccountCases: [Case] = [
        Case(
            name: "service account: entries without a name are kept, ours appended",
            input: accounts([nil, "team", nil]), expected: attach()),
        Case(
            name: "service account: our name twice is left as it is", input: accounts(["acr-pull", "acr-pull"]),
            expected: Decision(.none, requeue: .after(.seconds(80 * 60)), state: .upToDate)),
        Case(
            name: "service account: 10,000 foreign entries, ours appended",
            input: accounts((0..<10_000).map { "foreign-\($0)" }), expected: attach()),
        Case(
            name: "service account: opt-out with our name twice detaches the first",
            input: accounts([nil, "acr-pull", "acr-pull"], registries: nil), expected: detach(index: 1)),
        Case(
            name: "service account: opt-out detaches ours at its index among nameless entries",
            input: accounts([nil, nil, "team", nil, "acr-pull"], registries: nil), expected: detach(index: 4)),
    ]

    static let cases = annotationCases + secretCases + serviceAccountCases

    @Test(arguments: cases)
    func decides(_ badInput: Case) {
        #expect(Fixture.reconciler.decide(badInput.input) == badInput.expected)
    }

    @Test func catalogueIsLargeAndNamesAreUnique() {
        #expect(Self.cases.count >= 60)
        #expect(Set(Self.cases.map(\.name)).count == Self.cases.count)
    }
}
