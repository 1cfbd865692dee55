import Foundation
import PullKeeperCore
import Testing

extension Integration {
    /// Issue 4: `pullkeeper token` and `pullkeeper login` as processes against a `pullkeeper simulate` process.
    @Suite("pullkeeper token and login against pullkeeper simulate", .serialized)
    struct TokenLoginProcessTests {
        static let nullUser = "00000000-0000-0000-0000-000000000000"

        /// The `export NAME='value'` lines of an env file (single-quoted, `'\''` for a quote, as `simulate` writes).
        static func parseEnvFile(_ text: String) -> [String: String] {
            var variables: [String: String] = [:]
            for line in text.split(separator: "\n") where line.hasPrefix("export ") {
                let assignment = line.dropFirst("export ".count)
                guard let equals = assignment.firstIndex(of: "=") else { continue }
                var value = String(assignment[assignment.index(after: equals)...])
                if value.count >= 2 && value.hasPrefix("'") && value.hasSuffix("'") {
                    value = String(value.dropFirst().dropLast()).replacingOccurrences(of: "'\\''", with: "'")
                }
                variables[String(assignment[..<equals])] = value
            }
            return variables
        }

        /// The payload of a JWT (empty when it is not one).
        static func claims(_ jwt: String) -> [String: Any] {
            let parts = jwt.split(separator: ".", omittingEmptySubsequences: false)
            guard parts.count == 3 else { return [:] }
            var text = parts[1].replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
            text += String(repeating: "=", count: (4 - text.count % 4) % 4)
            guard let data = Data(base64Encoded: text) else { return [:] }
            return (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] ?? [:]
        }

        /// Checks `pullkeeper token`'s JSON; returns the claims of its token.
        static func checkTokenJSON(_ output: PullKeeperProcess.Output, registry: String) throws -> [String: Any] {
            #expect(output.exitCode == 0, "\(output.stderr)")
            let object = try #require(
                try JSONSerialization.jsonObject(with: Data(output.stdout.utf8)) as? [String: Any],
                "not a JSON object: \(output.stdout.count) bytes")
            #expect(Set(object.keys) == ["loginServer", "username", "accessToken", "expiresOn"])
            #expect(object["loginServer"] as? String == registry)
            #expect(object["username"] as? String == nullUser)
            let token = try #require(object["accessToken"] as? String)
            let claims = Self.claims(token)
            #expect(claims["aud"] as? String == registry)
            #expect(claims["grant_type"] as? String == "refresh_token")
            let formatter = ISO8601DateFormatter()
            formatter.formatOptions = [.withInternetDateTime]
            let text = try #require(object["expiresOn"] as? String)
            let expiresOn = try #require(formatter.date(from: text), "expiresOn \(text) is not RFC 3339")
            #expect(text.hasSuffix("Z"))
            #expect(expiresOn > Date())
            #expect((claims["exp"] as? NSNumber)?.doubleValue == expiresOn.timeIntervalSince1970)
            return claims
        }

        @Test(
            "token (default identity and --identity env), login and audit work end to end; simulate ends 0 on SIGTERM"
        )
        func tokenAndLogin() async throws {
            try #require(
                FileManager.default.isExecutableFile(atPath: RunProcessTests.binary),
                "build first: \(RunProcessTests.binary)")
            let directory = NSTemporaryDirectory() + "pullkeeper-token-login-\(UUID().uuidString.prefix(8))"
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(atPath: directory) }

            let envFile = directory + "/sim.env"
            let simulateLog = URL(fileURLWithPath: directory + "/simulate.log")
            _ = FileManager.default.createFile(atPath: simulateLog.path, contents: nil)
            let simulate = Process()
            simulate.executableURL = URL(fileURLWithPath: RunProcessTests.binary)
            simulate.arguments = [
                "simulate", "--state-dir", directory + "/state", "--env-out", envFile, "--kubeconfig-out",
                directory + "/kubeconfig",
            ]
            simulate.environment = ["PATH": "/usr/bin:/bin", "HOME": directory]
            let logHandle = try FileHandle(forWritingTo: simulateLog)
            simulate.standardOutput = logHandle
            simulate.standardError = logHandle
            simulate.standardInput = FileHandle.nullDevice
            try simulate.run()
            // Whatever happens below, the simulator does not outlive the test.
            defer {
                if simulate.isRunning {
                    kill(simulate.processIdentifier, SIGKILL)
                    simulate.waitUntilExit()
                }
            }
            let log = { (try? String(contentsOf: simulateLog, encoding: .utf8)) ?? "" }
            let started = await eventually(timeout: .seconds(60), every: .milliseconds(50)) {
                FileManager.default.fileExists(atPath: envFile) || !simulate.isRunning
            }
            try #require(started && simulate.isRunning, "pullkeeper simulate did not write \(envFile): \(log())")
            let variables = Self.parseEnvFile(try String(contentsOfFile: envFile, encoding: .utf8))
            let registry = try #require(variables["PULLKEEPER_SIM_REGISTRY"])
            let config = try #require(variables["PULLKEEPER_SIM_CONFIG"])

            // The default identity (sp-secret).
            let plain = try await PullKeeperProcess.run(
                ["token", "--registry", registry, "--config", config], in: directory)
            let plainClaims = try Self.checkTokenJSON(plain, registry: registry)
            #expect(plainClaims["appid"] as? String == variables["PULLKEEPER_SIM_CLIENT_ID_SP_SECRET"])

            // The env identity, from the AZURE_* variables of the env file in the child's environment.
            let azure = variables.filter { $0.key.hasPrefix("AZURE_") }
            #expect(
                Set(azure.keys) == [
                    "AZURE_TENANT_ID", "AZURE_CLIENT_ID", "AZURE_CLIENT_SECRET", "AZURE_AUTHORITY_HOST",
                ])
            let viaEnv = try await PullKeeperProcess.run(
                ["token", "--registry", registry, "--config", config, "--identity", "env"], in: directory,
                environment: azure)
            let envClaims = try Self.checkTokenJSON(viaEnv, registry: registry)
            #expect(envClaims["appid"] as? String == variables["AZURE_CLIENT_ID"])
            #expect(envClaims["appid"] as? String != plainClaims["appid"] as? String)
            // Without them the env identity cannot work, and the message says what is missing.
            let withoutEnv = try await PullKeeperProcess.run(
                ["token", "--registry", registry, "--config", config, "--identity", "env"], in: directory)
            #expect(withoutEnv.exitCode == 2)
            #expect(withoutEnv.stderr.contains("AZURE_TENANT_ID and AZURE_CLIENT_ID not set"), "\(withoutEnv.stderr)")
            #expect(withoutEnv.stdout.isEmpty)

            // login merges into an existing docker config.
            let dockerConfig = directory + "/docker/config.json"
            try FileManager.default.createDirectory(atPath: directory + "/docker", withIntermediateDirectories: true)
            let otherEntry = ["auth": "b3RoZXI6cGFzc3dvcmQ=", "email": "ops@example.com"]
            let existing: [String: Any] = [
                "auths": ["other.example.io": otherEntry], "HttpHeaders": ["User-Agent": "tests"],
                "detachKeys": "ctrl-e,e", "psFormat": "table {{.ID}}",
            ]
            try JSONSerialization.data(withJSONObject: existing).write(to: URL(fileURLWithPath: dockerConfig))
            let login = try await PullKeeperProcess.run(
                ["login", "--registry", registry, "--config", config, "--docker-config", dockerConfig], in: directory)
            #expect(login.exitCode == 0, "\(login.stderr)")
            #expect(login.stdout.hasPrefix("Login for \(registry) written to \(dockerConfig)"), "\(login.stdout)")
            let written = try #require(
                try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: dockerConfig)))
                    as? [String: Any])
            #expect(Set(written.keys) == ["auths", "HttpHeaders", "detachKeys", "psFormat"])
            #expect(written["HttpHeaders"] as? [String: String] == ["User-Agent": "tests"])
            #expect(written["detachKeys"] as? String == "ctrl-e,e")
            #expect(written["psFormat"] as? String == "table {{.ID}}")
            let auths = try #require(written["auths"] as? [String: Any])
            #expect(Set(auths.keys) == ["other.example.io", registry])
            #expect(auths["other.example.io"] as? [String: String] == otherEntry)
            let entry = try #require(auths[registry] as? [String: Any])
            let username = try #require(entry["username"] as? String)
            let password = try #require(entry["password"] as? String)
            #expect(username == Self.nullUser)
            #expect(Self.claims(password)["aud"] as? String == registry)
            #expect(entry["auth"] as? String == Data("\(username):\(password)".utf8).base64EncodedString())
            let mode = try FileManager.default.attributesOfItem(atPath: dockerConfig)[.posixPermissions] as? Int
            #expect(mode == 0o600)

            try await Self.audit(config: config, registry: registry, azure: azure, in: directory)

            simulate.terminate()  // SIGTERM
            let exited = await eventually(timeout: .seconds(15), every: .milliseconds(50)) { !simulate.isRunning }
            if !exited { kill(simulate.processIdentifier, SIGKILL) }
            simulate.waitUntilExit()
            try? logHandle.close()
            #expect(exited, "\(log())")
            #expect(simulate.terminationReason == .exit)
            #expect(simulate.terminationStatus == 0, "\(log())")
        }

        /// Issue 14 §3: `pullkeeper audit` against the simulator's ready-made roles: sp-secret has AcrPull, env
        /// AcrPush, the admin account everything; no identity has a role on the denied registry.
        static func audit(config: String, registry: String, azure: [String: String], in directory: String) async throws
        {
            let pull = try await PullKeeperProcess.run(
                ["audit", "--config", config, "--identity", "sp-secret", "--registry", registry, "--output", "json"],
                in: directory)
            #expect(pull.exitCode == 0, "\(pull.all)")
            let items = try #require(
                try JSONSerialization.jsonObject(with: Data(pull.stdout.utf8)) as? [[String: Any]], "\(pull.stdout)")
            #expect(items.count == 1)
            #expect(items.first?["identity"] as? String == "sp-secret")
            #expect(items.first?["granted"] as? [String] == ["pull"])
            #expect(items.first?["excess"] as? [String] == [])

            let push = try await PullKeeperProcess.run(
                ["audit", "--config", config, "--identity", "env", "--registry", registry], in: directory,
                environment: azure)
            #expect(push.exitCode == 1, "\(push.all)")
            #expect(push.stdout.contains("pull,push "), "\(push.stdout)")
            #expect(push.stdout.contains("MORE THAN PULL: can push"), "\(push.stdout)")

            let admin = try await PullKeeperProcess.run(
                ["audit", "--config", config, "--identity", "admin", "--registry", registry], in: directory)
            #expect(admin.exitCode == 1, "\(admin.all)")
            #expect(admin.stdout.contains("pull,push,delete"), "\(admin.stdout)")
            #expect(admin.stdout.contains("MORE THAN PULL: can push and delete"), "\(admin.stdout)")
            #expect(admin.stdout.hasPrefix("IDENTITY"), "a header line first")

            // Every pair: the denied registry cannot be asked (no role), and says so without failing the others.
            let all = try await PullKeeperProcess.run(
                ["audit", "--config", config, "--identity", "sp-secret"], in: directory)
            #expect(all.exitCode == 1, "\(all.all)")
            let lines = all.stdout.split(separator: "\n")
            #expect(lines.count == 3, "header, the granted registry, the denied one: \(all.stdout)")
            #expect(lines.contains { $0.contains("ok: pull only") })
            #expect(lines.contains { $0.contains("not audited:") })

            let unknown = try await PullKeeperProcess.run(
                ["audit", "--config", config, "--identity", "nobody"], in: directory)
            #expect(unknown.exitCode == 2)
            #expect(unknown.stderr.contains("identity nobody is not in the config"), "\(unknown.stderr)")
            #expect(unknown.stdout.isEmpty)

            // No secret material in anything audit printed.
            let secrets = azure.filter { $0.key == "AZURE_CLIENT_SECRET" }.map(\.value)
            for output in [pull, push, admin, all, unknown] {
                for secret in secrets { #expect(!output.all.contains(secret)) }
                #expect(!output.all.contains("eyJ"), "no JWT in the output")
            }
        }
    }
}
