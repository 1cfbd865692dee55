import Foundation
import KubernetesClient
import KubernetesModel
import KubernetesSimulator
import PullKeeperCore
import SimulatorPKI
import Testing

/// Kubeconfigs loaded as pullkeeper loads them (`$KUBECONFIG`, `--context`), each followed by real requests to the
/// simulator: every credential kind must authenticate, and the wrong ones must be refused.
@Suite("kubeconfig against the simulator")
struct KubeConfigSimulatorTests {
    /// Loads the client configuration from a `$KUBECONFIG` list, never from the machine's own files.
    static func load(
        _ kubeconfig: String, context: String? = nil, in dir: TemporaryDirectory
    ) throws -> KubernetesClientConfiguration {
        let loader = KubernetesConfigurationLoader(
            environment: ["KUBECONFIG": kubeconfig], inClusterPaths: .init(directory: dir.path + "/no-sa"),
            homeDirectory: dir.path)
        var (configuration, _) = try loader.load(context: context)
        SimulatedCluster.tune(&configuration)
        return configuration
    }

    /// A one-cluster, one-user, one-context kubeconfig; the field lists are written under `cluster:` and `user:`.
    static func yaml(cluster: [String], user: [String], namespace: String = "default") -> String {
        func block(_ key: String, _ fields: [String]) -> String {
            fields.isEmpty ? "  \(key): {}" : "  \(key):\n" + fields.map { "    " + $0 }.joined(separator: "\n")
        }
        return """
            apiVersion: v1
            kind: Config
            clusters:
            - name: sim
            \(block("cluster", cluster))
            users:
            - name: me
            \(block("user", user))
            contexts:
            - name: sim
              context: {cluster: sim, user: me, namespace: \(namespace)}
            current-context: sim

            """
    }

    static func base64(_ text: String) -> String { Data(text.utf8).base64EncodedString() }

    /// Server and CA data of a simulator, as kubeconfig cluster fields.
    static func clusterFields(_ simulator: KubernetesSimulator) -> [String] {
        ["server: \"\(simulator.baseURL)\"", "certificate-authority-data: \(base64(simulator.caCertificatePEM))"]
    }

    /// Lists namespaces with `configuration` and returns the user the simulator saw.
    static func listNamespaces(
        _ configuration: KubernetesClientConfiguration, on simulator: KubernetesSimulator
    ) async throws -> String? {
        try await SimulatedCluster.withClient(configuration) { client in
            let names = try await client.list(Namespace.self).items.compactMap(\.metadata.name)
            #expect(names.contains("default"))
        }
        return simulator.auditLog().last?.user
    }

    // MARK: Credentials

    @Test("token: the simulator's own kubeconfig authenticates as admin; an unknown token is 401")
    func token() async throws {
        try await SimulatedCluster.with { cluster in
            let dir = try TemporaryDirectory()
            defer { dir.remove() }
            let path = try dir.write("config", cluster.simulator.kubeconfig())
            let configuration = try Self.load(path, in: dir)
            #expect(configuration.namespace == "default")
            #expect(!configuration.description.contains(cluster.simulator.adminToken))
            #expect(try await Self.listNamespaces(configuration, on: cluster.simulator) == "admin")

            let wrong = try dir.write("wrong", cluster.simulator.kubeconfig(token: "not-the-token"))
            try await SimulatedCluster.withClient(try Self.load(wrong, in: dir)) { client in
                let error = await kubernetesError("list with an unknown token") {
                    _ = try await client.list(Namespace.self)
                }
                #expect(error?.isUnauthorized == true)
            }
        }
    }

    @Test("tokenFile: read relative to the kubeconfig, re-read after a 401 when the token rotated")
    func tokenFile() async throws {
        try await SimulatedCluster.with { cluster in
            let rules = [PolicyRule(apiGroups: [""], resources: ["namespaces"], verbs: ["get", "list"])]
            cluster.simulator.addUser(name: "operator", token: "op-token-1", rules: rules)
            let dir = try TemporaryDirectory()
            defer { dir.remove() }
            try dir.write("secrets/token", "op-token-1\n")
            let path = try dir.write(
                "config", Self.yaml(cluster: Self.clusterFields(cluster.simulator), user: ["tokenFile: secrets/token"]))
            try await SimulatedCluster.withClient(try Self.load(path, in: dir)) { client in
                _ = try await client.list(Namespace.self)
                #expect(cluster.simulator.auditLog().last?.user == "operator")

                // The kubelet rotates projected tokens: the old one stops working, the file has the new one.
                cluster.simulator.revoke(token: "op-token-1")
                cluster.simulator.addUser(name: "operator", token: "op-token-2", rules: rules)
                try dir.write("secrets/token", "op-token-2\n")
                _ = try await client.get(Namespace.self, name: "default")
            }
            #expect(cluster.simulator.requestCount(verb: "get", resource: "namespaces", code: 401) == 1)
            #expect(cluster.simulator.requestCount(verb: "get", resource: "namespaces", code: 200) == 1)
            #expect(cluster.simulator.auditLog().last?.user == "operator")
        }
    }

    @Test("client certificate (data and files): mTLS authenticates as the certificate's CN")
    func clientCertificate() async throws {
        try await SimulatedCluster.with { cluster in
            let dir = try TemporaryDirectory()
            defer { dir.remove() }
            let issued = try cluster.simulator.issueClientCertificate(user: "cert-admin", groups: ["system:masters"])
            let inline = try dir.write(
                "inline",
                Self.yaml(
                    cluster: Self.clusterFields(cluster.simulator),
                    user: [
                        "client-certificate-data: \(Self.base64(issued.certificatePEM))",
                        "client-key-data: \(Self.base64(issued.privateKeyPEM))",
                    ]))
            #expect(
                try await Self.listNamespaces(try Self.load(inline, in: dir), on: cluster.simulator) == "cert-admin")

            try dir.write("pki/admin.crt", issued.certificatePEM)
            try dir.write("pki/admin.key", issued.privateKeyPEM)
            let files = try dir.write(
                "files",
                Self.yaml(
                    cluster: Self.clusterFields(cluster.simulator),
                    user: ["client-certificate: pki/admin.crt", "client-key: pki/admin.key"]))
            #expect(try await Self.listNamespaces(try Self.load(files, in: dir), on: cluster.simulator) == "cert-admin")
        }
    }

    @Test("a client certificate from another CA, or none at all, is refused")
    func clientCertificateRefused() async throws {
        try await SimulatedCluster.with { cluster in
            let dir = try TemporaryDirectory()
            defer { dir.remove() }
            let rogue = try SimulatorPKI.makeCA(commonName: "rogue CA").issue(
                commonName: "cert-admin", organizations: ["system:masters"], dnsNames: [], ipAddresses: [],
                usage: .client)
            let foreign = try dir.write(
                "foreign",
                Self.yaml(
                    cluster: Self.clusterFields(cluster.simulator),
                    user: [
                        "client-certificate-data: \(Self.base64(rogue.certificatePEM))",
                        "client-key-data: \(Self.base64(rogue.privateKeyPEM))",
                    ]))
            try await SimulatedCluster.withClient(try Self.load(foreign, in: dir)) { client in
                let error = await kubernetesError("list with a certificate of another CA") {
                    _ = try await client.list(Namespace.self)
                }
                // The TLS handshake fails: the server verifies presented certificates against its CA.
                #expect(error?.kind == .transport, "\(String(describing: error))")
            }
            #expect(!cluster.simulator.auditLog().contains { $0.user == "cert-admin" })

            let anonymous = try dir.write(
                "anonymous", Self.yaml(cluster: Self.clusterFields(cluster.simulator), user: []))
            try await SimulatedCluster.withClient(try Self.load(anonymous, in: dir)) { client in
                let error = await kubernetesError("list without credentials") {
                    _ = try await client.list(Namespace.self)
                }
                #expect(error?.isUnauthorized == true)
            }
            #expect(cluster.simulator.requestCount(verb: "list", resource: "namespaces", code: 401) == 1)
        }
    }

    // MARK: Trust

    @Test("CA data and CA file both verify the server; a CA file of another CA, or the system roots, do not")
    func certificateAuthority() async throws {
        try await SimulatedCluster.with { cluster in
            let dir = try TemporaryDirectory()
            defer { dir.remove() }
            let simulator = cluster.simulator
            let token = "token: \(simulator.adminToken)"
            let server = "server: \"\(simulator.baseURL)\""

            let data = try dir.write("data", Self.yaml(cluster: Self.clusterFields(simulator), user: [token]))
            #expect(try await Self.listNamespaces(try Self.load(data, in: dir), on: simulator) == "admin")

            try dir.write("certs/ca.crt", simulator.caCertificatePEM)
            let file = try dir.write(
                "file", Self.yaml(cluster: [server, "certificate-authority: certs/ca.crt"], user: [token]))
            #expect(try await Self.listNamespaces(try Self.load(file, in: dir), on: simulator) == "admin")

            let insecure = try dir.write(
                "insecure", Self.yaml(cluster: [server, "insecure-skip-tls-verify: true"], user: [token]))
            #expect(try await Self.listNamespaces(try Self.load(insecure, in: dir), on: simulator) == "admin")

            let requestsSoFar = simulator.auditLog().count
            try dir.write("certs/other.crt", try SimulatorPKI.makeCA(commonName: "other CA").caCertificatePEM)
            let other = try dir.write(
                "other", Self.yaml(cluster: [server, "certificate-authority: certs/other.crt"], user: [token]))
            let system = try dir.write("system", Self.yaml(cluster: [server], user: [token]))
            for path in [other, system] {
                try await SimulatedCluster.withClient(try Self.load(path, in: dir)) { client in
                    let error = await kubernetesError("list with an untrusted server certificate (\(path))") {
                        _ = try await client.list(Namespace.self)
                    }
                    #expect(error?.kind == .transport, "\(String(describing: error))")
                }
            }
            // Verification failed on our side: the token was never sent.
            #expect(simulator.auditLog().count == requestsSoFar)
        }
    }

    // MARK: Contexts and merging

    @Test("--context picks the cluster, the user and the namespace")
    func contexts() async throws {
        try await SimulatedCluster.with { one in
            try await SimulatedCluster.with { two in
                two.simulator.addUser(
                    name: "reader", token: "reader-token",
                    rules: [PolicyRule(apiGroups: [""], resources: ["namespaces"], verbs: ["get", "list"])])
                let dir = try TemporaryDirectory()
                defer { dir.remove() }
                let path = try dir.write(
                    "config",
                    """
                    apiVersion: v1
                    kind: Config
                    clusters:
                    - name: one
                      cluster:
                        server: "\(one.simulator.baseURL)"
                        certificate-authority-data: \(Self.base64(one.simulator.caCertificatePEM))
                    - name: two
                      cluster:
                        server: "\(two.simulator.baseURL)"
                        certificate-authority-data: \(Self.base64(two.simulator.caCertificatePEM))
                    users:
                    - {name: admin-one, user: {token: \(one.simulator.adminToken)}}
                    - {name: admin-two, user: {token: \(two.simulator.adminToken)}}
                    - {name: reader, user: {token: reader-token}}
                    contexts:
                    - {name: ctx-one, context: {cluster: one, user: admin-one, namespace: team-a}}
                    - {name: ctx-two, context: {cluster: two, user: admin-two}}
                    - {name: ctx-reader, context: {cluster: two, user: reader, namespace: team-b}}
                    current-context: ctx-one

                    """)
                let current = try Self.load(path, in: dir)
                #expect(current.namespace == "team-a")
                #expect(try await Self.listNamespaces(current, on: one.simulator) == "admin")
                #expect(one.simulator.auditLog().count == 1)
                #expect(two.simulator.auditLog().isEmpty)

                #expect(
                    try await Self.listNamespaces(try Self.load(path, context: "ctx-two", in: dir), on: two.simulator)
                        == "admin")
                #expect(one.simulator.auditLog().count == 1)

                let reader = try Self.load(path, context: "ctx-reader", in: dir)
                #expect(reader.namespace == "team-b")
                #expect(try await Self.listNamespaces(reader, on: two.simulator) == "reader")
                try await SimulatedCluster.withClient(reader) { client in
                    let denied = await kubernetesError("the reader lists secrets") {
                        _ = try await client.list(Secret.self, namespace: "default")
                    }
                    #expect(denied?.isForbidden == true)
                }

                #expect {
                    try Self.load(path, context: "ctx-nope", in: dir)
                } throws: { error in
                    "\(error)"
                        == "\(path): contexts: context \"ctx-nope\" not found (known: ctx-one, ctx-reader, ctx-two)"
                }
            }
        }
    }

    @Test("$KUBECONFIG lists merge as kubectl does: first file wins per name, missing files are skipped")
    func mergedKubeconfigs() async throws {
        try await SimulatedCluster.with { cluster in
            let simulator = cluster.simulator
            simulator.addUser(
                name: "reader", token: "reader-token",
                rules: [PolicyRule(apiGroups: [""], resources: ["namespaces"], verbs: ["get", "list"])])
            let dir = try TemporaryDirectory()
            defer { dir.remove() }
            let first = try dir.write(
                "first/config",
                """
                clusters:
                - name: sim
                  cluster:
                    server: "\(simulator.baseURL)"
                    certificate-authority-data: \(Self.base64(simulator.caCertificatePEM))
                users:
                - {name: shared, user: {token: \(simulator.adminToken)}}
                contexts:
                - {name: first, context: {cluster: sim, user: shared}}
                current-context: first

                """)
            // Every name here that the first file also defines loses; the rest is merged in.
            let second = try dir.write(
                "second/config",
                """
                clusters:
                - name: sim
                  cluster: {server: "https://127.0.0.1:1", insecure-skip-tls-verify: true}
                users:
                - {name: shared, user: {token: not-a-token}}
                - {name: extra, user: {tokenFile: token}}
                contexts:
                - {name: first, context: {cluster: nowhere, user: nobody}}
                - {name: second, context: {cluster: sim, user: extra, namespace: from-second}}
                current-context: second

                """)
            try dir.write("second/token", "reader-token")
            let list = [first, dir.path + "/missing/config", second].joined(separator: ":")

            let merged = try Self.load(list, in: dir)
            #expect(try await Self.listNamespaces(merged, on: simulator) == "admin")

            // A context from the second file, its cluster from the first, its tokenFile relative to the second.
            let mixed = try Self.load(list, context: "second", in: dir)
            #expect(mixed.namespace == "from-second")
            #expect(try await Self.listNamespaces(mixed, on: simulator) == "reader")

            // The other order: the second file's current-context, cluster and user win.
            let reversed = try Self.load([second, first].joined(separator: ":"), in: dir)
            #expect(reversed.server == "https://127.0.0.1:1")
            try await SimulatedCluster.withClient(reversed) { client in
                let error = await kubernetesError("list against the second file's cluster") {
                    _ = try await client.list(Namespace.self)
                }
                // Connection refused, reported as such (not as a timeout) once the retries are used up.
                #expect(error?.kind == .transport, "\(String(describing: error))")
            }

            // current-context comes from the first file that sets one.
            let noCurrent = try dir.write(
                "third/config", "contexts:\n- {name: third, context: {cluster: sim, user: shared}}\n")
            let fromLater = try Self.load([noCurrent, second, first].joined(separator: ":"), in: dir)
            #expect(fromLater.namespace == "from-second")
        }
    }

    // MARK: Exec plugins

    /// Writes `bin/plugin.sh`: counts its runs in `bin/count`, saves KUBERNETES_EXEC_INFO, and prints an
    /// ExecCredential whose token and expiry come from the kubeconfig's `env` (`$TOKEN_1` on the first run when set).
    static func writePlugin(in dir: TemporaryDirectory) throws {
        try dir.write(
            "bin/plugin.sh",
            """
            #!/bin/sh
            here=$(dirname "$0")
            n=$(cat "$here/count" 2>/dev/null || echo 0)
            n=$((n + 1))
            echo "$n" > "$here/count"
            echo "$KUBERNETES_EXEC_INFO" > "$here/info"
            token=$PLUGIN_TOKEN
            if [ "$n" = 1 ] && [ -n "$TOKEN_1" ]; then token=$TOKEN_1; fi
            # The expiry year moves on with every run (2031, 2032, ...) so cached and fresh credentials differ.
            printf '{"apiVersion":"%s","kind":"ExecCredential","status":{"token":"%s","expirationTimestamp":"%s"}}' \\
              "$PLUGIN_API_VERSION" "$token" "$((2030 + n))-01-01T00:00:00Z"
            """, executable: true)
    }

    static func execYAML(
        _ simulator: KubernetesSimulator, apiVersion: String, firstToken: String = ""
    ) -> String {
        yaml(
            cluster: clusterFields(simulator),
            user: [
                "exec:",
                "  apiVersion: \(apiVersion)",
                "  command: bin/plugin.sh",
                "  args: [get-token]",
                "  interactiveMode: Never",
                "  provideClusterInfo: true",
                "  env:",
                "  - {name: PLUGIN_API_VERSION, value: \(apiVersion)}",
                "  - {name: PLUGIN_TOKEN, value: \(simulator.adminToken)}",
                "  - {name: TOKEN_1, value: \"\(firstToken)\"}",
            ])
    }

    static func runs(_ dir: TemporaryDirectory) throws -> Int {
        Int(
            try String(contentsOfFile: dir.path + "/bin/count", encoding: .utf8).trimmingCharacters(
                in: .whitespacesAndNewlines)) ?? 0
    }

    @Test(
        "exec plugin: run once, its credential cached for every request until it expires",
        arguments: ["client.authentication.k8s.io/v1", "client.authentication.k8s.io/v1beta1"])
    func execPluginRunsOnce(apiVersion: String) async throws {
        try await SimulatedCluster.with { cluster in
            let dir = try TemporaryDirectory()
            defer { dir.remove() }
            try Self.writePlugin(in: dir)
            let path = try dir.write("config", Self.execYAML(cluster.simulator, apiVersion: apiVersion))
            try await SimulatedCluster.withClient(try Self.load(path, in: dir)) { client in
                _ = try await client.list(Namespace.self)
                _ = try await client.get(Namespace.self, name: "default")
                _ = try await client.list(Secret.self, namespace: "default")
            }
            #expect(try Self.runs(dir) == 1)
            #expect(cluster.simulator.auditLog().map(\.code) == [200, 200, 200])
            #expect(cluster.simulator.auditLog().allSatisfy { $0.user == "admin" })
            let info = try String(contentsOfFile: dir.path + "/bin/info", encoding: .utf8)
            #expect(info.contains(cluster.simulator.baseURL.replacingOccurrences(of: "/", with: "\\/")))
        }
    }

    @Test("exec plugin: an expired credential makes the next request run the plugin again")
    func execPluginRerunsAfterExpiry() async throws {
        try await SimulatedCluster.with { cluster in
            let dir = try TemporaryDirectory()
            defer { dir.remove() }
            try Self.writePlugin(in: dir)
            let apiVersion = "client.authentication.k8s.io/v1"
            let path = try dir.write("config", Self.execYAML(cluster.simulator, apiVersion: apiVersion))
            let kubeconfig = try KubeConfig.load(file: path)
            let exec = try #require(kubeconfig.users["me"]?.exec)
            var configuration = try kubeconfig.clientConfiguration()
            SimulatedCluster.tune(&configuration)
            // A clock the test moves: the first credential expires at 2031-01-01, the second at 2032-01-01.
            let now = Locked(try #require(RFC3339.parse("2030-06-01T00:00:00Z")))
            configuration.credentials = ExecCredentialProvider(
                config: exec, server: cluster.simulator.baseURL, now: { now.value })
            try await SimulatedCluster.withClient(configuration) { client in
                _ = try await client.list(Namespace.self)
                _ = try await client.list(Namespace.self)
                #expect(try Self.runs(dir) == 1)
                now.withLock { $0 = RFC3339.parse("2031-01-01T00:00:01Z") ?? $0 }
                _ = try await client.list(Namespace.self)
                #expect(try Self.runs(dir) == 2)
                _ = try await client.list(Namespace.self)
                #expect(try Self.runs(dir) == 2)
            }
            #expect(cluster.simulator.requestCount(verb: "list", resource: "namespaces", code: 200) == 4)
        }
    }

    @Test("exec plugin: a 401 runs the plugin again and the request succeeds with the fresh credential")
    func execPluginRerunsAfterUnauthorized() async throws {
        try await SimulatedCluster.with { cluster in
            let dir = try TemporaryDirectory()
            defer { dir.remove() }
            try Self.writePlugin(in: dir)
            let path = try dir.write(
                "config",
                Self.execYAML(cluster.simulator, apiVersion: "client.authentication.k8s.io/v1", firstToken: "revoked"))
            try await SimulatedCluster.withClient(try Self.load(path, in: dir)) { client in
                _ = try await client.list(Namespace.self)
            }
            #expect(try Self.runs(dir) == 2)
            #expect(cluster.simulator.auditLog().map(\.code) == [401, 200])
        }
    }

    @Test("exec plugin returning a client certificate: the request uses it for mTLS")
    func execPluginClientCertificate() async throws {
        try await SimulatedCluster.with { cluster in
            let dir = try TemporaryDirectory()
            defer { dir.remove() }
            let issued = try cluster.simulator.issueClientCertificate(user: "exec-cert", groups: ["system:masters"])
            let credential: [String: Any] = [
                "apiVersion": "client.authentication.k8s.io/v1", "kind": "ExecCredential",
                "status": ["clientCertificateData": issued.certificatePEM, "clientKeyData": issued.privateKeyPEM],
            ]
            let json = try JSONSerialization.data(withJSONObject: credential)
            try dir.write("bin/credential.json", String(decoding: json, as: UTF8.self))
            try dir.write("bin/plugin.sh", "#!/bin/sh\ncat \"$(dirname \"$0\")/credential.json\"\n", executable: true)
            let path = try dir.write(
                "config",
                Self.yaml(
                    cluster: Self.clusterFields(cluster.simulator),
                    user: [
                        "exec: {apiVersion: client.authentication.k8s.io/v1, command: bin/plugin.sh,"
                            + " interactiveMode: Never}"
                    ]))
            #expect(try await Self.listNamespaces(try Self.load(path, in: dir), on: cluster.simulator) == "exec-cert")
        }
    }
}
