import Foundation
import KubernetesClient
import Testing

@Suite("exec credential plugins")
struct ExecCredentialTests {
    /// A plugin that counts its runs, echoes its arguments, env and KUBERNETES_EXEC_INFO into files,
    /// and prints a token with the run number.
    static func plugin(in dir: TemporaryDirectory, expiry: String, apiVersion: String) throws -> String {
        try dir.write(
            "bin/plugin.sh",
            """
            #!/bin/sh
            n=$(cat "$(dirname "$0")/count" 2>/dev/null || echo 0)
            n=$((n + 1))
            echo "$n" > "$(dirname "$0")/count"
            echo "$@" > "$(dirname "$0")/args"
            echo "$PLUGIN_ENV" > "$(dirname "$0")/env"
            echo "$KUBERNETES_EXEC_INFO" > "$(dirname "$0")/info"
            printf '{"apiVersion":"%s","kind":"ExecCredential","status":{"token":"tok-%s","expirationTimestamp":"%s"}}' \
              "\(apiVersion)" "$n" "\(expiry)"
            """, executable: true)
    }

    static func kubeconfig(apiVersion: String, mode: String = "IfAvailable") -> String {
        """
        current-context: x
        clusters:
        - name: c
          cluster: {server: "https://127.0.0.1:1"}
        contexts:
        - name: x
          context: {cluster: c, user: u}
        users:
        - name: u
          user:
            exec:
              apiVersion: \(apiVersion)
              command: bin/plugin.sh
              args: [get-token, --server-id, abc]
              env:
              - name: PLUGIN_ENV
                value: from-kubeconfig
              interactiveMode: \(mode)
              provideClusterInfo: true
        """
    }

    @Test(arguments: ["client.authentication.k8s.io/v1", "client.authentication.k8s.io/v1beta1"])
    func runsOnceAndCachesUntilExpiry(apiVersion: String) async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        try Self.plugin(in: dir, expiry: "2999-01-01T00:00:00Z", apiVersion: apiVersion)
        let path = try dir.write("config", Self.kubeconfig(apiVersion: apiVersion))
        let configuration = try KubeConfig.load(file: path).clientConfiguration()
        let provider = try #require(configuration.credentials)
        #expect(try await provider.credentials(refresh: false).token == "tok-1")
        #expect(try await provider.credentials(refresh: false).token == "tok-1")
        // A 401 makes the client ask again with refresh.
        #expect(try await provider.credentials(refresh: true).token == "tok-2")
        let args = try String(contentsOfFile: dir.path + "/bin/args", encoding: .utf8)
        #expect(args == "get-token --server-id abc\n")
        #expect(try String(contentsOfFile: dir.path + "/bin/env", encoding: .utf8) == "from-kubeconfig\n")
        let info = try String(contentsOfFile: dir.path + "/bin/info", encoding: .utf8)
        #expect(info.contains("\"apiVersion\":\"\(apiVersion.replacingOccurrences(of: "/", with: "\\/"))\""))
        #expect(info.contains("https:\\/\\/127.0.0.1:1"))
        #expect(info.contains("\"interactive\":false"))
    }

    @Test func expiredCredentialIsFetchedAgain() async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let apiVersion = "client.authentication.k8s.io/v1"
        try Self.plugin(in: dir, expiry: "2000-01-01T00:00:00Z", apiVersion: apiVersion)
        let path = try dir.write("config", Self.kubeconfig(apiVersion: apiVersion))
        let provider = try #require(try KubeConfig.load(file: path).clientConfiguration().credentials)
        #expect(try await provider.credentials(refresh: false).token == "tok-1")
        #expect(try await provider.credentials(refresh: false).token == "tok-2")
    }

    @Test func failingPluginIsAConfigurationErrorWithoutOutput() async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        try dir.write("bin/plugin.sh", "#!/bin/sh\necho '{\"secret\":\"s3cr3t\"}'\nexit 3\n", executable: true)
        let path = try dir.write("config", Self.kubeconfig(apiVersion: "client.authentication.k8s.io/v1"))
        let provider = try #require(try KubeConfig.load(file: path).clientConfiguration().credentials)
        await #expect {
            _ = try await provider.credentials(refresh: false)
        } throws: { error in
            let text = "\(error)"
            return text.contains("exited with status 3") && !text.contains("s3cr3t")
        }
    }

    @Test func wrongOutputApiVersionIsRejected() async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        try Self.plugin(in: dir, expiry: "2999-01-01T00:00:00Z", apiVersion: "client.authentication.k8s.io/v1beta1")
        let path = try dir.write("config", Self.kubeconfig(apiVersion: "client.authentication.k8s.io/v1"))
        let provider = try #require(try KubeConfig.load(file: path).clientConfiguration().credentials)
        await #expect {
            _ = try await provider.credentials(refresh: false)
        } throws: { error in
            "\(error)".contains("does not match")
        }
    }
}
