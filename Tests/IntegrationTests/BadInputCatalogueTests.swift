import Foundation
import Reconciler
import Testing

/// Bad-input catalogue (issue 9): each case is a named test with the Event, log line or exit code it must give,
/// and nothing else may change. Cluster cases share one world and one `--once` run of the real controller
/// (BadInputRun.swift), in the `Integration` suites that run one after the other; transport cases fetch
/// oversized answers from the Azure simulator; command cases (below, light enough to run beside anything) run
/// the built binary. The pure halves live next to the code they exercise: ReconcilerTests'
/// BadInputDecisionCatalogueTests and AzureAuthTests' BadInputBodyCatalogueTests.
extension Integration {
    @Suite("Bad-input catalogue: the real controller and the transport")
    struct BadInputCatalogueTests {
        // MARK: Cluster cases

        static let registries = SecretLayout.registriesAnnotation
        static let identity = SecretLayout.identityAnnotation
        static let scope = SecretLayout.scopeAnnotation
        static let notAllowed = "is not an allowed login server"
        static let ours = #"[{"name":"acr-pull"}]"#

        static func invalid(_ message: String) -> ClusterCase.Outcome {
            .refused(reason: "InvalidAnnotation", message: message)
        }

        static func refused(_ message: String) -> ClusterCase.Outcome {
            .refused(reason: "RegistryRefused", message: message)
        }

        /// A Secret named `acr-pull` with a foreign label and annotation next to ours (unless `managedBy` is nil).
        static func secret(
            type: String = SecretLayout.dockerConfigJSONType, managedBy: String? = SecretLayout.managedByValue,
            annotations: @escaping @Sendable (_ registry: String, _ payload: String) -> [String: String] = { _, _ in [:]
            },
            data: @escaping @Sendable (_ registry: String) -> [String: String]
        ) -> ClusterCase.Seed {
            .secret { registry in
                var labels = ["example.com/team": "a"]
                if let managedBy { labels[SecretLayout.managedByLabel] = managedBy }
                let values = data(registry)
                let payload = values[SecretLayout.dockerConfigJSONKey] ?? ""
                let object: [String: Any] = [
                    "metadata": [
                        "name": "acr-pull", "labels": labels,
                        "annotations": annotations(registry, payload).merging(["example.com/owner": "team-a"]) { $1 },
                    ],
                    "type": type,
                    "data": values.mapValues { Data($0.utf8).base64EncodedString() },
                ]
                return String(decoding: (try? JSONSerialization.data(withJSONObject: object)) ?? Data(), as: UTF8.self)
            }
        }

        static func payload(_ text: String) -> @Sendable (String) -> [String: String] {
            { _ in [SecretLayout.dockerConfigJSONKey: text] }
        }

        /// A payload exactly as pullkeeper writes it for the simulated registry.
        static let validPayload: @Sendable (String) -> [String: String] = { registry in
            let config = DockerConfig(auths: [registry: .init(username: SecretLayout.tokenUsername, password: "forged")]
            )
            return [SecretLayout.dockerConfigJSONKey: String(decoding: config.encoded(), as: UTF8.self)]
        }

        /// Annotations as pullkeeper writes them (`sp-secret`, one hour left), then `changes`.
        static func written(_ changes: [String: String]) -> @Sendable (String, String) -> [String: String] {
            { registry, payload in
                let now = Date()
                return [
                    SecretLayout.inputsHashAnnotation: SecretLayout.inputsHash(
                        identity: "sp-secret", registries: [registry], scope: nil),
                    SecretLayout.contentHashAnnotation: SecretLayout.contentHash(Data(payload.utf8)),
                    SecretLayout.refreshedAtAnnotation: SecretLayout.timestamp(now),
                    SecretLayout.expiresAtAnnotation: SecretLayout.timestamp(now.addingTimeInterval(3600)),
                ].merging(changes) { $1 }
            }
        }

        static let tenThousand = (0..<10_000).map { #"{"name":"foreign-\#($0)"}"# }.joined(separator: ",")

        static let clusterCases: [ClusterCase] = [
            ClusterCase(
                name: "registries: empty", namespace: "reg-empty", registries: "",
                outcome: invalid("pullkeeper.io/registries names no registry")),
            ClusterCase(
                name: "registries: only commas", namespace: "reg-commas", registries: ", ,,",
                outcome: invalid("pullkeeper.io/registries names no registry")),
            ClusterCase(
                name: "registries: 1,000 registries", namespace: "reg-thousand",
                registries: (0..<1000).map { "r\($0).azurecr.io" }.joined(separator: ","),
                outcome: invalid("pullkeeper.io/registries names 1000 registries; at most 32 are allowed")),
            ClusterCase(
                name: "registries: a space inside a name", namespace: "reg-space", registries: "contoso .azurecr.io",
                outcome: refused("registry must not contain spaces (\"contoso .azurecr.io\")")),
            ClusterCase(
                name: "registries: upper case", namespace: "reg-upper", registries: "Contoso.azurecr.io",
                outcome: refused("registry must be lower case (\"contoso.azurecr.io\")")),
            ClusterCase(
                name: "registries: a port on an ACR name", namespace: "reg-port", registries: "contoso.azurecr.io:443",
                outcome: refused("registry \"contoso.azurecr.io:443\" \(notAllowed)")),
            ClusterCase(
                name: "registries: a path", namespace: "reg-path", registries: "$REGISTRY/team-a",
                outcome: refused("must be a host name without a path")),
            ClusterCase(
                name: "registries: a scheme", namespace: "reg-scheme", registries: "https://$REGISTRY",
                outcome: refused("must be a host name without a scheme")),
            ClusterCase(
                name: "registries: Cyrillic look-alike letter", namespace: "reg-cyrillic",
                registries: "c\u{43E}ntoso.azurecr.io",
                outcome: refused(
                    "must be ASCII (\"c\u{43E}ntoso.azurecr.io\"); write internationalised names in punycode")),
            ClusterCase(
                name: "registries: punycode look-alike of the suffix", namespace: "reg-punycode",
                registries: "contoso.xn--azurcr-yxa.io", outcome: refused("\"contoso.xn--azurcr-yxa.io\" \(notAllowed)")
            ),
            ClusterCase(
                name: "registries: look-alike suffix followed by another domain", namespace: "reg-lookalike",
                registries: "contoso.azurecr.io.evil.com",
                outcome: refused("\"contoso.azurecr.io.evil.com\" \(notAllowed)")
            ),
            ClusterCase(
                name: "registries: look-alike suffix without the dot", namespace: "reg-nodot",
                registries: "contosoazurecr.io", outcome: refused("\"contosoazurecr.io\" \(notAllowed)")),
            ClusterCase(
                name: "registries: 2,000 Cyrillic letters (the Event note stays within 1 KiB)",
                namespace: "reg-long-unicode", registries: String(repeating: "\u{444}", count: 2000),
                outcome: refused("must be ASCII")),
            ClusterCase(
                name: "registries: trailing newline of a YAML block scalar is trimmed", namespace: "reg-newline",
                registries: "$REGISTRY\n", outcome: .served(pullSecrets: ours)),
            ClusterCase(
                name: "identity: unknown", namespace: "id-unknown", annotations: [identity: "nobody"],
                outcome: invalid("identity \"nobody\" is not configured")),
            ClusterCase(
                name: "identity: empty", namespace: "id-empty", annotations: [identity: ""],
                outcome: invalid("pullkeeper.io/identity is empty")),
            ClusterCase(
                name: "identity: not allowed for this namespace", namespace: "id-restricted",
                annotations: [identity: "ci-only"],
                outcome: .refused(
                    reason: "IdentityRefused",
                    message:
                        "identity ci-only is not granted to namespace id-restricted; a cluster admin grants it in the "
                        + "pullkeeper config (identities[].namespaces)")),
            ClusterCase(
                name: "scope: invalid syntax", namespace: "scope-syntax",
                annotations: [scope: "repository:Team A:pull"],
                outcome: invalid(
                    "pullkeeper.io/scope: \"repository:Team\" is not a scope like repository:team-a/app:pull")),
            ClusterCase(
                name: "scope: unknown action", namespace: "scope-action",
                annotations: [scope: "repository:team-a/app:fly"],
                outcome: invalid("\"repository:team-a/app:fly\" is not a scope")),
            ClusterCase(
                name: "service-accounts: upper-case name", namespace: "sa-annotation",
                annotations: [SecretLayout.serviceAccountsAnnotation: "Default"],
                outcome: invalid("pullkeeper.io/service-accounts: \"Default\" is not a service account name")),
            ClusterCase(
                name: "secret-name: not a DNS name", namespace: "secret-name",
                annotations: [SecretLayout.secretNameAnnotation: "ACR_Pull"],
                outcome: invalid("pullkeeper.io/secret-name must be a DNS-1123 subdomain")),

            ClusterCase(
                name: "Secret: ours of type Opaque whose payload is not JSON is recreated", namespace: "sec-opaque",
                seed: secret(type: "Opaque", data: payload("{not json")), outcome: .repaired(event: "SecretCreated")),
            ClusterCase(
                name: "Secret: ours of type Opaque without the .dockerconfigjson key is recreated",
                namespace: "sec-nokey",
                seed: secret(type: "Opaque", data: { _ in ["token": "x"] }), outcome: .repaired(event: "SecretCreated")),
            ClusterCase(
                name: "Secret: ours of type dockercfg is recreated", namespace: "sec-dockercfg",
                seed: secret(type: "kubernetes.io/dockercfg", data: { _ in [".dockercfg": "{}"] }),
                outcome: .repaired(event: "SecretCreated")),
            ClusterCase(
                name: "Secret: payload without auths is rewritten", namespace: "sec-noauths",
                seed: secret(data: payload("{}")), outcome: .repaired(event: "SecretRefreshed")),
            ClusterCase(
                name: "Secret: auth that is not base64 is rewritten", namespace: "sec-base64",
                seed: secret(data: payload(#"{"auths":{"contoso.azurecr.io":{"auth":"%%%"}}}"#)),
                outcome: .repaired(event: "SecretRefreshed")),
            ClusterCase(
                name: "Secret: entry without a password is rewritten", namespace: "sec-nopassword",
                seed: secret(data: payload(#"{"auths":{"contoso.azurecr.io":{"username":"u"}}}"#)),
                outcome: .repaired(event: "SecretRefreshed")),
            ClusterCase(
                name: "Secret: payload edited by someone else (content hash differs) is rewritten",
                namespace: "sec-edited",
                seed: secret(
                    annotations: written([SecretLayout.contentHashAnnotation: "000000000000"]), data: validPayload),
                outcome: .repaired(event: "SecretRefreshed")),
            ClusterCase(
                name: "Secret: expires-at that is not a timestamp is rewritten", namespace: "sec-expiry",
                seed: secret(annotations: written([SecretLayout.expiresAtAnnotation: "tomorrow"]), data: validPayload),
                outcome: .repaired(event: "SecretRefreshed")),
            ClusterCase(
                name: "Secret: foreign Secret of our name is never touched", namespace: "sec-foreign",
                seed: secret(type: "Opaque", managedBy: nil, data: payload("{not json")), outcome: .conflict),
            ClusterCase(
                name: "Secret: managed-by label in another case is foreign", namespace: "sec-label-case",
                seed: secret(managedBy: "PullKeeper", data: payload("{}")), outcome: .conflict),

            ClusterCase(
                name: "service account: entries without a name are kept", namespace: "sa-nameless",
                seed: .pullSecrets(#"[{},{"name":"team"},{}]"#),
                outcome: .served(pullSecrets: #"[{},{"name":"team"},{},{"name":"acr-pull"}]"#)),
            ClusterCase(
                name: "service account: null entries are kept", namespace: "sa-null",
                seed: .pullSecrets(#"[null,{"name":"team"}]"#),
                outcome: .served(pullSecrets: #"[null,{"name":"team"},{"name":"acr-pull"}]"#)),
            ClusterCase(
                name: "service account: numbers, strings and numeric names are kept", namespace: "sa-numbers",
                seed: .pullSecrets(#"[42,"acr-pull",{"name":7}]"#),
                outcome: .served(pullSecrets: #"[42,"acr-pull",{"name":7},{"name":"acr-pull"}]"#)),
            ClusterCase(
                name: "service account: our name twice is left as it is", namespace: "sa-duplicates",
                seed: .pullSecrets(#"[{"name":"acr-pull"},{"name":"acr-pull"}]"#),
                outcome: .served(pullSecrets: #"[{"name":"acr-pull"},{"name":"acr-pull"}]"#)),
            ClusterCase(
                name: "service account: 10,000 entries, ours appended", namespace: "sa-huge",
                seed: .pullSecrets("[\(tenThousand)]"),
                outcome: .served(pullSecrets: "[\(tenThousand),{\"name\":\"acr-pull\"}]")),

            ClusterCase(
                name: "identity: wrong client secret", namespace: "tok-wrong-secret",
                annotations: [identity: "wrong-secret"],
                outcome: .tokenFailed(
                    identity: "wrong-secret",
                    message: "identity wrong-secret: the client secret is wrong or expired (AADSTS7000215)")),
            ClusterCase(
                name: "identity: client secret file missing", namespace: "tok-missing-file",
                annotations: [identity: "missing-file"],
                outcome: .tokenFailed(identity: "missing-file", message: "cannot read the client secret file")),
            ClusterCase(
                name: "identity: client secret file empty", namespace: "tok-empty-file",
                annotations: [identity: "empty-file"],
                outcome: .tokenFailed(identity: "empty-file", message: "is empty")),
        ]

        @Test(arguments: clusterCases)
        func cluster(_ badInput: ClusterCase) async throws {
            let run = try await BadInputRun.shared.value
            #expect(run.completed, "the --once run did not end by itself")
            let namespace = badInput.namespace
            let secretKey = "secrets/\(namespace)/acr-pull"
            let state = run.states[namespace]
            let events = run.events[namespace] ?? []

            // The bystander is served whatever its neighbour asks for.
            #expect(run.dockerConfigs[badInput.bystander].map { Array($0.auths.keys) } == [run.registry])
            #expect(run.states[badInput.bystander] == .upToDate)
            // Nothing else changed in the two namespaces.
            let prefixes = [namespace, badInput.bystander].flatMap { ["secrets/\($0)/", "serviceaccounts/\($0)/"] }
            let keys = Set(run.before.keys).union(run.after.keys).filter { key in
                prefixes.contains { key.hasPrefix($0) }
            }
            for key in keys.sorted() where !badInput.mayChange.contains(key) {
                #expect(run.before[key] == run.after[key], "\(key) changed")
            }

            // events.k8s.io/v1 refuses a note over 1024 bytes: a longer one would mean no Event at all.
            for event in events {
                #expect(event.message.utf8.count <= 1024, "\(event.reason): \(event.message.utf8.count) bytes")
            }

            switch badInput.outcome {
            case .refused(let reason, let message):
                #expect(state == .refused)
                #expect(run.after[secretKey] == nil)
                #expect(
                    events.contains {
                        $0.kind == "Namespace" && $0.type == "Warning" && $0.reason == reason
                            && $0.message.contains(message)
                    }, "\(events)")
            case .conflict:
                #expect(state == .conflict)
                #expect(run.after[secretKey] != nil && run.after[secretKey] == run.before[secretKey])
                #expect(events.contains { $0.kind == "Secret" && $0.reason == "SecretConflict" }, "\(events)")
            case .repaired(let event):
                #expect(state == .upToDate)
                #expect(
                    SimulatorObjects.string(in: run.after[secretKey], at: ["type"]) == SecretLayout.dockerConfigJSONType
                )
                #expect(run.dockerConfigs[namespace].map { Array($0.auths.keys) } == [run.registry])
                #expect(run.dockerConfigs[namespace]?.auths[run.registry]?.password != "forged")
                #expect(events.contains { $0.kind == "Secret" && $0.reason == event }, "\(events)")
                if event == "SecretRefreshed" {
                    let owner = ["metadata", "annotations", "example.com/owner"]
                    #expect(SimulatorObjects.string(in: run.after[secretKey], at: owner) == "team-a")
                }
            case .tokenFailed(let identity, let message):
                #expect(state == .failing)
                #expect(run.after[secretKey] == nil)
                #expect(
                    events.contains {
                        $0.kind == "Secret" && $0.type == "Warning" && $0.reason == "TokenFailed"
                            && $0.message.contains(message)
                    }, "\(events)")
                #expect(
                    run.log.contains {
                        $0.contains(": token request failed ") && $0.contains(" identity.name=\(identity)")
                            && $0.contains(" error.code=")
                    }, "\(run.logText)")
            case .served(let pullSecrets):
                #expect(state == .upToDate)
                #expect(run.dockerConfigs[namespace].map { Array($0.auths.keys) } == [run.registry])
                let account = run.after["serviceaccounts/\(namespace)/default"]
                #expect(
                    SimulatorObjects.json(in: account, at: ["imagePullSecrets"])
                        == SimulatorObjects.normalized(pullSecrets)
                )
            }
        }

        @Test("nothing outside the cases' namespaces changed")
        func everythingElseIsUntouched() async throws {
            let run = try await BadInputRun.shared.value
            let namespaces = Self.clusterCases.flatMap { [$0.namespace, $0.bystander] }
            let outside = Set(run.before.keys).union(run.after.keys).filter { key in
                !namespaces.contains { key.hasPrefix("secrets/\($0)/") || key.hasPrefix("serviceaccounts/\($0)/") }
            }
            // The default namespace's service account, at least.
            #expect(!outside.isEmpty)
            for key in outside.sorted() {
                #expect(run.before[key] == run.after[key], "\(key) changed")
            }
        }

        @Test("the controller's log names what failed and holds no secret, password or token")
        func logHoldsNoSecret() async throws {
            let run = try await BadInputRun.shared.value
            #expect(run.log.contains { $0.contains(": caches synced") })
            #expect(run.secretValues.count > 10)
            for value in run.secretValues {
                #expect(!run.logText.contains(value), "a secret value of \(value.count) characters was logged")
            }
        }

        // MARK: Oversized Azure answers through the real transport

        static let transportCases: [TransportCase] = [
            TransportCase(name: "Entra ID answer larger than the transport accepts", endpoint: .entra),
            TransportCase(name: "IMDS answer larger than the transport accepts", endpoint: .imds),
            TransportCase(name: "ACR exchange answer larger than the transport accepts", endpoint: .exchange),
        ]

        @Test(arguments: transportCases)
        func oversizedAnswer(_ badInput: TransportCase) async throws {
            let run = try await BadInputRun.shared.value
            let outcome = try #require(run.transportOutcomes[badInput.name])
            guard case .failure(let error) = outcome else {
                Issue.record("expected responseTooLarge, got \(outcome)")
                return
            }
            #expect(error.code == .responseTooLarge)
            #expect(error.description.contains("is larger than 256 bytes"), "\(error)")
            for value in run.secretValues { #expect(!error.description.contains(value)) }
        }

        // MARK: The catalogue itself

        @Test func catalogueHasAtLeastFortyNamedCases() {
            let names =
                Self.clusterCases.map(\.name) + Self.transportCases.map(\.name)
                + BadInputCommandCatalogueTests.commandCases.map(\.name)
            #expect(names.count >= 40)
            #expect(Set(names).count == names.count)
            #expect(Set(Self.clusterCases.map(\.namespace)).count == Self.clusterCases.count)
            #expect(Self.clusterCases.allSatisfy { $0.bystander.count <= 63 })
        }
    }
}

/// The catalogue's command lines: `pullkeeper` must fail cleanly, with PRODUCT.md §4's exit code and a message
/// naming the file, position and field.
@Suite("Bad-input catalogue: the pullkeeper command line")
struct BadInputCommandCatalogueTests {
    // MARK: Command lines

    static let kubeconfigBase =
        "apiVersion: v1\nclusters:\n- name: c\n  cluster:\n    server: https://127.0.0.1:1\n"
        + "users:\n- name: u\n  user:\n    token: t\n"
        + "contexts:\n- name: x\n  context:\n    cluster: c\n    user: u\ncurrent-context: x\n"

    static let commandCases: [CommandCase] = [
        CommandCase(
            name: "check: YAML syntax error gives LINE:COLUMN, exit 1", arguments: ["check", "--config", "$FILE"],
            file: "cloud: public\nrefresh:\n\tfraction: 0.5\n", exitCode: 1,
            output: ["$FILE:3:1: while scanning"]),
        CommandCase(
            name: "check: wrong type gives LINE:COLUMN and the field, exit 1",
            arguments: ["check", "--config", "$FILE"], file: "serviceAccounts: {default: true}\n", exitCode: 1,
            output: ["$FILE:1:18: serviceAccounts: must be a list of strings, found a mapping"]),
        CommandCase(
            name: "check: unknown key with a suggestion, exit 1", arguments: ["check", "--config", "$FILE"],
            file: "secretNmae: acr-pull\n", exitCode: 1,
            output: ["$FILE:1:1: unknown key \"secretNmae\" (did you mean \"secretName\"?)"]),
        CommandCase(
            name: "check: every problem of the file at once, exit 1", arguments: ["check", "--config", "$FILE"],
            file: "cloud: mars\nrefresh:\n  fraction: 7\n", exitCode: 1,
            output: ["$FILE:1:8: cloud:", "$FILE:3:13: refresh.fraction:"]),
        CommandCase(
            name: "check: missing file, exit 2", arguments: ["check", "--config", "/nonexistent/pullkeeper.yaml"],
            exitCode: 2, output: ["/nonexistent/pullkeeper.yaml: no such file"]),
        CommandCase(
            name: "check: no --config is a usage error, exit 2", arguments: ["check"], exitCode: 2,
            output: ["--config"]),
        CommandCase(
            name: "run --config with a YAML error, exit 2 naming file and position",
            arguments: ["run", "--once", "--config", "$FILE"], file: "identities:\n  - name: a\n   b: c\n",
            exitCode: 2, output: ["pullkeeper: $FILE:3:"]),
        CommandCase(
            name: "run --config with an invalid field, exit 2 naming it",
            arguments: ["run", "--once", "--config", "$FILE"], file: "refresh:\n  jitter: lots\n", exitCode: 2,
            output: ["$FILE:2:11: refresh.jitter:"]),
        CommandCase(
            name: "run --config of a missing file, exit 2",
            arguments: ["run", "--once", "--config", "/nonexistent/c.yaml"],
            exitCode: 2, output: ["/nonexistent/c.yaml: no such file"]),
        CommandCase(
            name: "run --kubeconfig with a YAML error, exit 2 naming file and position",
            arguments: ["run", "--once", "--kubeconfig", "$FILE"], file: "clusters:\n- name: \"c\n  cluster: {}\n",
            exitCode: 2, output: ["$FILE:4:1:", "quoted scalar"]),
        CommandCase(
            name: "run --kubeconfig without a server, exit 2 naming the field",
            arguments: ["run", "--once", "--kubeconfig", "$FILE"],
            file: "clusters:\n- name: c\n  cluster:\n    tls-server-name: a\n"
                + "contexts:\n- name: x\n  context: {cluster: c}\ncurrent-context: x\n",
            exitCode: 2, output: ["$FILE:4:5: clusters[0].cluster.server: server is required"]),
        CommandCase(
            name: "run --kubeconfig of a missing file, exit 2",
            arguments: ["run", "--once", "--kubeconfig", "/nonexistent/kubeconfig"], exitCode: 2,
            output: ["/nonexistent/kubeconfig: cannot read"]),
        CommandCase(
            name: "run --context that the kubeconfig lacks, exit 2",
            arguments: ["run", "--once", "--kubeconfig", "$FILE", "--context", "nope"], file: kubeconfigBase,
            exitCode: 2, output: ["context \"nope\" not found"]),
        CommandCase(
            name: "run: unknown option is a usage error, exit 2", arguments: ["run", "--bogus"], exitCode: 2,
            output: ["Unknown option '--bogus'"]),
        CommandCase(
            name: "run: --workers 0 is a usage error, exit 2", arguments: ["run", "--workers", "0"], exitCode: 2,
            output: ["--workers must be positive"]),
        CommandCase(
            name: "run: --lease-duration inf is a usage error, exit 2 (it trapped converting to a Duration)",
            arguments: ["run", "--lease-duration", "inf"], exitCode: 2,
            output: ["--lease-duration must be a number of seconds from 0 to 31536000, not inf"]),
        CommandCase(
            name: "simulate: --token-lifetime 1e300 is a usage error, exit 2",
            arguments: ["simulate", "--token-lifetime", "1e300"], exitCode: 2,
            output: ["--token-lifetime must be a number of seconds from 0 to 31536000"]),
        CommandCase(
            name: "run: --metrics-address that is not an address, exit 2",
            arguments: ["run", "--metrics-address", "nonsense"], exitCode: 2,
            output: ["\"nonsense\" is not an address like 0.0.0.0:8080 or :8080"]),
        CommandCase(
            name: "run: --log-format xml is a usage error, exit 2", arguments: ["run", "--log-format", "xml"],
            exitCode: 2, output: ["'xml' is invalid for '--log-format"]),
        CommandCase(
            name: "unknown subcommand is a usage error, exit 2", arguments: ["frobnicate"], exitCode: 2,
            output: ["frobnicate"]),
        CommandCase(
            name: "run --help still exits 0", arguments: ["run", "--help"], exitCode: 0, output: ["USAGE:"]),
    ]

    @Test(arguments: commandCases)
    func command(_ badInput: CommandCase) async throws {
        let directory = NSTemporaryDirectory() + "pullkeeper-bad-input-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let file = directory + "/input.yaml"
        if let text = badInput.file { try Data(text.utf8).write(to: URL(fileURLWithPath: file)) }
        let arguments = badInput.arguments.map { $0.replacingOccurrences(of: "$FILE", with: file) }
        let output = try await PullKeeperProcess.run(arguments, in: directory)
        #expect(output.exitCode == badInput.exitCode, "\(output.all)")
        for part in badInput.output.map({ $0.replacingOccurrences(of: "$FILE", with: file) }) {
            #expect(output.all.contains(part), "\(output.all)")
        }
        #expect(!output.all.contains("Fatal error"))
    }
}
