import Foundation
import PullKeeperCore

/// Configuration of a pod talking to its own cluster: `KUBERNETES_SERVICE_HOST/PORT` and the mounted
/// service-account files (token re-read every minute, CA, namespace).
public enum InClusterConfiguration {
    /// Where the service-account files are; injectable for tests.
    public struct Paths: Sendable, Hashable {
        public var token: String
        public var certificateAuthority: String
        public var namespace: String

        public init(directory: String) {
            token = directory + "/token"
            certificateAuthority = directory + "/ca.crt"
            namespace = directory + "/namespace"
        }

        /// `/var/run/secrets/kubernetes.io/serviceaccount`.
        public static let standard = Paths(directory: "/var/run/secrets/kubernetes.io/serviceaccount")
    }

    /// True when the environment and token file say we run in a pod.
    public static func isAvailable(environment: [String: String], paths: Paths = .standard) -> Bool {
        guard let host = environment["KUBERNETES_SERVICE_HOST"], !host.isEmpty,
            let port = environment["KUBERNETES_SERVICE_PORT"], !port.isEmpty
        else { return false }
        return FileManager.default.fileExists(atPath: paths.token)
    }

    /// The configuration for the in-cluster API server.
    public static func load(
        environment: [String: String], paths: Paths = .standard, tokenRereadInterval: Duration = .seconds(60)
    ) throws -> KubernetesClientConfiguration {
        guard let host = environment["KUBERNETES_SERVICE_HOST"], !host.isEmpty,
            let port = environment["KUBERNETES_SERVICE_PORT"], !port.isEmpty
        else {
            throw KubernetesError(
                kind: .configuration, operation: "load in-cluster configuration",
                message: "KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT must be set")
        }
        // An IPv6 literal needs brackets in a URL (Go's net.JoinHostPort).
        let hostPart = host.contains(":") && !host.hasPrefix("[") ? "[\(host)]" : host
        let ca: String
        do {
            ca = try String(contentsOfFile: paths.certificateAuthority, encoding: .utf8)
        } catch {
            throw KubernetesError(
                kind: .configuration, operation: "load in-cluster configuration",
                message: "cannot read \(paths.certificateAuthority)")
        }
        let tokenProvider = TokenFileCredentialProvider(path: paths.token, rereadInterval: tokenRereadInterval)
        // Fail now rather than on the first request when the token is missing.
        _ = try TokenFileCredentialProvider<ContinuousClock>.read(paths.token)
        let namespace = (try? String(contentsOfFile: paths.namespace, encoding: .utf8))?
            .trimmingCharacters(in: .whitespacesAndNewlines)
        return KubernetesClientConfiguration(
            server: "https://\(hostPart):\(port)", certificateAuthorityPEM: ca, credentials: tokenProvider,
            namespace: namespace?.isEmpty == false ? namespace : nil)
    }
}
