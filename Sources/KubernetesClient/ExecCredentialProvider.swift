import Foundation
import KubernetesModel
import PullKeeperCore

/// Credentials from a kubeconfig `exec` plugin (kubelogin, aws, gke-gcloud-auth-plugin): runs the command,
/// parses its `ExecCredential`, caches it until `expirationTimestamp`, and runs it again after a 401.
public final class ExecCredentialProvider: KubernetesCredentialProvider {
    /// The ExecCredential versions understood.
    public static let supportedAPIVersions: Set<String> = [
        "client.authentication.k8s.io/v1", "client.authentication.k8s.io/v1beta1",
    ]

    let config: KubeConfig.ExecConfig
    let execInfo: String
    let timeout: Duration
    let now: @Sendable () -> Date
    private let cache = ExecCredentialCache()

    public init(
        config: KubeConfig.ExecConfig, server: String, certificateAuthorityData: Data? = nil,
        insecureSkipTLSVerify: Bool = false, timeout: Duration = .seconds(60),
        now: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.config = config
        self.timeout = timeout
        self.now = now
        var spec: [String: JSONValue] = ["interactive": false]
        if config.provideClusterInfo {
            var cluster: [String: JSONValue] = ["server": .string(server)]
            if let certificateAuthorityData {
                cluster["certificate-authority-data"] = .string(certificateAuthorityData.base64EncodedString())
            }
            if insecureSkipTLSVerify { cluster["insecure-skip-tls-verify"] = true }
            spec["cluster"] = .object(cluster)
        }
        let info: JSONValue = [
            "apiVersion": .string(config.apiVersion), "kind": "ExecCredential", "spec": .object(spec),
        ]
        execInfo = (try? JSONEncoder().encode(info)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
    }

    public func credentials(refresh: Bool) async throws -> KubernetesCredentials {
        try await cache.credentials(refresh: refresh, now: now()) { try await self.runPlugin() }
    }

    /// Runs the plugin once and parses its output.
    func runPlugin() async throws -> (KubernetesCredentials, Date?) {
        var environment = ProcessInfo.processInfo.environment
        for variable in config.env { environment[variable.name] = variable.value }
        environment["KUBERNETES_EXEC_INFO"] = execInfo
        let command =
            config.command.contains("/")
            ? KubeConfigReader.resolve(config.command, against: config.baseDirectory) : config.command
        let result = try await ProcessRunner.run(
            command: command, arguments: config.args, environment: environment, timeout: timeout)
        guard result.status == 0 else {
            let reason =
                result.timedOut
                ? "was stopped after \(timeout) without an answer" : "exited with status \(result.status)"
            throw failure(reason + (result.lastErrorLine.map { ": \($0)" } ?? " and wrote nothing to stderr"))
        }
        return try parse(result.stdout)
    }

    /// Where and why decoding failed, never a value (the output carries a token).
    static func describe(_ error: DecodingError) -> String {
        func path(_ context: DecodingError.Context) -> String {
            let keys = context.codingPath.map(\.stringValue).joined(separator: ".")
            return keys.isEmpty ? "at the top level" : "at \(keys)"
        }
        switch error {
        case .typeMismatch(let type, let context): return "\(path(context)): expected \(type)"
        case .valueNotFound(let type, let context): return "\(path(context)): expected \(type), found null"
        case .keyNotFound(let key, let context): return "\(path(context)): \(key.stringValue) is missing"
        case .dataCorrupted(let context): return context.codingPath.isEmpty ? "not JSON" : "\(path(context)): invalid"
        @unknown default: return "cannot be decoded"
        }
    }

    private func failure(_ message: String) -> KubernetesError {
        KubernetesError(
            kind: .configuration, operation: "exec credential plugin", message: "\(config.command): \(message)")
    }

    private struct Output: Decodable {
        var apiVersion: String?
        var kind: String?
        var status: StatusField?

        struct StatusField: Decodable {
            var token: String?
            var clientCertificateData: String?
            var clientKeyData: String?
            var expirationTimestamp: String?
        }
    }

    func parse(_ stdout: Data) throws -> (KubernetesCredentials, Date?) {
        // The output holds the credential: errors describe its shape, never echo it.
        let output: Output
        do {
            output = try JSONDecoder().decode(Output.self, from: stdout)
        } catch let error as DecodingError {
            throw failure("output is not an ExecCredential JSON object (\(Self.describe(error)))")
        }
        guard output.kind == "ExecCredential" else { throw failure("output kind is not ExecCredential") }
        guard output.apiVersion == config.apiVersion else {
            throw failure("output apiVersion \(output.apiVersion ?? "(none)") does not match \(config.apiVersion)")
        }
        guard let status = output.status else { throw failure("output has no status") }
        var expiry: Date?
        if let text = status.expirationTimestamp {
            guard let date = RFC3339.parse(text) else { throw failure("status.expirationTimestamp is not RFC 3339") }
            expiry = date
        }
        let hasCert = status.clientCertificateData?.isEmpty == false
        let hasKey = status.clientKeyData?.isEmpty == false
        guard hasCert == hasKey else {
            throw failure("status.clientCertificateData and status.clientKeyData must be given together")
        }
        let token = status.token?.isEmpty == false ? status.token : nil
        guard token != nil || hasCert else {
            throw failure("status has neither token nor clientCertificateData")
        }
        let credentials = KubernetesCredentials(
            token: token, clientCertificatePEM: hasCert ? status.clientCertificateData : nil,
            clientKeyPEM: hasKey ? status.clientKeyData : nil)
        return (credentials, expiry)
    }
}

/// Caches one credential until it expires and lets concurrent callers share a single plugin run.
actor ExecCredentialCache {
    private var cached: (credentials: KubernetesCredentials, expiry: Date?)?
    private var running: Task<(KubernetesCredentials, Date?), any Error>?
    private(set) var runs = 0

    func credentials(
        refresh: Bool, now: Date, run: @escaping @Sendable () async throws -> (KubernetesCredentials, Date?)
    ) async throws -> KubernetesCredentials {
        if !refresh, let cached, cached.expiry.map({ $0 > now }) ?? true {
            return cached.credentials
        }
        if let running { return try await running.value.0 }
        runs += 1
        let task = Task { try await run() }
        running = task
        defer { running = nil }
        let result = try await task.value
        cached = (result.0, result.1)
        return result.0
    }
}
