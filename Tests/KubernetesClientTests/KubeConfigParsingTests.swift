import Foundation
import KubernetesClient
import Testing

@Suite("kubeconfig parsing and merging")
struct KubeConfigParsingTests {
    static let caPEM = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n"
    static var caData: String { Data(caPEM.utf8).base64EncodedString() }

    static let full = """
        apiVersion: v1
        kind: Config
        current-context: dev
        clusters:
        - name: dev
          cluster:
            server: https://127.0.0.1:6443
            certificate-authority: certs/ca.crt
            tls-server-name: kubernetes.default
        - name: prod
          cluster:
            server: https://prod.example.com
            certificate-authority-data: \(caData)
        users:
        - name: alice
          user:
            token: abc
        - name: bob
          user:
            tokenFile: bob.token
        contexts:
        - name: dev
          context:
            cluster: dev
            user: bob
            namespace: team-a
        - name: prod
          context:
            cluster: prod
            user: alice
        """

    @Test func parsesAndResolvesRelativePaths() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let config = try KubeConfig.parse(Self.full, file: "cfg", baseDirectory: dir.path)
        #expect(config.currentContext == "dev")
        #expect(config.clusters["dev"]?.certificateAuthority == dir.path + "/certs/ca.crt")
        #expect(config.clusters["dev"]?.tlsServerName == "kubernetes.default")
        #expect(config.clusters["prod"]?.certificateAuthorityData == Data(Self.caPEM.utf8))
        #expect(config.users["bob"]?.tokenFile == dir.path + "/bob.token")
        #expect(config.contexts["dev"]?.namespace == "team-a")
    }

    @Test func contextsSelectClusterAndUser() async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        try dir.write("certs/ca.crt", Self.caPEM)
        try dir.write("bob.token", "bob-token\n")
        let config = try KubeConfig.parse(Self.full, file: "cfg", baseDirectory: dir.path)
        let dev = try config.clientConfiguration()
        #expect(dev.server == "https://127.0.0.1:6443")
        #expect(dev.certificateAuthorityPEM == Self.caPEM)
        #expect(dev.namespace == "team-a")
        #expect(try await dev.credentials?.credentials(refresh: false).token == "bob-token")
        let prod = try config.clientConfiguration(context: "prod")
        #expect(prod.server == "https://prod.example.com")
        #expect(prod.certificateAuthorityPEM == Self.caPEM)
        #expect(try await prod.credentials?.credentials(refresh: false).token == "abc")
    }

    @Test func mergesLikeKubectl() throws {
        let first = """
            clusters:
            - name: shared
              cluster: {server: "https://first"}
            users:
            - name: u
              user: {token: first}
            contexts:
            - name: a
              context: {cluster: shared, user: u}
            """
        let second = """
            current-context: b
            clusters:
            - name: shared
              cluster: {server: "https://second"}
            - name: only-second
              cluster: {server: "https://only"}
            contexts:
            - name: b
              context: {cluster: only-second, user: u}
            """
        let third = "current-context: a\n"
        let merged = KubeConfig.merging([
            try KubeConfig.parse(first, file: "1", baseDirectory: ""),
            try KubeConfig.parse(second, file: "2", baseDirectory: ""),
            try KubeConfig.parse(third, file: "3", baseDirectory: ""),
        ])
        #expect(merged.currentContext == "b")
        #expect(merged.clusters["shared"]?.server == "https://first")
        #expect(merged.clusters["only-second"]?.server == "https://only")
        #expect(try merged.clientConfiguration().server == "https://only")
        #expect(merged.files == ["1", "2", "3"])
    }

    @Test func loaderOrderAndKubeconfigList() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let one = try dir.write(
            "one.yaml",
            "clusters:\n- name: c\n  cluster: {server: \"https://one\"}\n"
                + "contexts:\n- name: x\n  context: {cluster: c}\n")
        let two = try dir.write("two.yaml", "current-context: x\n")
        let home = try dir.write(
            "home/.kube/config",
            "current-context: h\nclusters:\n- name: c\n  cluster: {server: \"https://home\"}\n"
                + "contexts:\n- name: h\n  context: {cluster: c}\n")
        _ = home
        let env = ["KUBECONFIG": "\(one):\(dir.path)/missing.yaml:\(two)"]
        let loader = KubernetesConfigurationLoader(
            environment: env, inClusterPaths: .init(directory: dir.path + "/none"), homeDirectory: dir.path + "/home")
        let (config, source) = try loader.load()
        #expect(config.server == "https://one")
        #expect(source == .kubeconfig([one, two]))
        let homeLoader = KubernetesConfigurationLoader(environment: [:], homeDirectory: dir.path + "/home")
        #expect(try homeLoader.load().0.server == "https://home")
        #expect(try homeLoader.load(kubeconfig: one, context: "x").0.server == "https://one")
    }

    @Test func inClusterComesBeforeKubeconfig() async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        try dir.write("sa/token", "pod-token")
        try dir.write("sa/ca.crt", Self.caPEM)
        try dir.write("sa/namespace", "acr-system\n")
        let env = ["KUBERNETES_SERVICE_HOST": "fd00::1", "KUBERNETES_SERVICE_PORT": "443"]
        let loader = KubernetesConfigurationLoader(
            environment: env, inClusterPaths: .init(directory: dir.path + "/sa"), homeDirectory: dir.path)
        let (config, source) = try loader.load()
        #expect(source == .inCluster)
        #expect(config.server == "https://[fd00::1]:443")
        #expect(config.namespace == "acr-system")
        #expect(try await config.credentials?.credentials(refresh: false).token == "pod-token")
    }

    @Test func tokenFileIsRereadAfterTheInterval() async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let path = try dir.write("token", "one")
        let provider = TokenFileCredentialProvider(path: path, rereadInterval: .milliseconds(50))
        #expect(try await provider.credentials(refresh: false).token == "one")
        try dir.write("token", "two")
        #expect(try await provider.credentials(refresh: true).token == "two")
        try dir.write("token", "three")
        try await Task.sleep(for: .milliseconds(60))
        #expect(try await provider.credentials(refresh: false).token == "three")
    }
}
