import Foundation

/// A parsed (and possibly merged) kubeconfig. Relative paths are already resolved against the directory of the
/// file that declared them; every entry remembers where it was written, for errors.
public struct KubeConfig: Sendable, Hashable {
    /// Where an entry or field was written.
    public struct Location: Sendable, Hashable {
        public var file: String
        public var line: Int?
        public var column: Int?
        /// The field path, e.g. `clusters[1].cluster`.
        public var path: String

        func error(_ message: String, field: String? = nil) -> KubeConfigError {
            let fullPath = field.map { path.isEmpty ? $0 : "\(path).\($0)" } ?? path
            return KubeConfigError(file: file, line: line, column: column, field: fullPath, message: message)
        }
    }

    /// `clusters[].cluster`.
    public struct Cluster: Sendable, Hashable {
        public var server: String?
        public var certificateAuthority: String?
        public var certificateAuthorityData: Data?
        public var insecureSkipTLSVerify: Bool
        public var tlsServerName: String?
        public var location: Location
        /// Where each field was written, by kubeconfig key.
        public var fieldLocations: [String: Location]
    }

    /// `users[].user`.
    public struct User: Sendable, Hashable {
        public var token: String?
        public var tokenFile: String?
        public var clientCertificate: String?
        public var clientCertificateData: Data?
        public var clientKey: String?
        public var clientKeyData: Data?
        public var exec: ExecConfig?
        public var location: Location
        public var fieldLocations: [String: Location]
    }

    /// `users[].user.exec`: a credential plugin (kubelogin, aws, gke-gcloud-auth-plugin).
    public struct ExecConfig: Sendable, Hashable {
        public var apiVersion: String
        public var command: String
        public var args: [String]
        public var env: [EnvVar]
        public var provideClusterInfo: Bool
        public var interactiveMode: String?
        /// The kubeconfig's directory, for commands given as relative paths.
        public var baseDirectory: String
        public var location: Location

        /// One `env` entry.
        public struct EnvVar: Sendable, Hashable {
            public var name: String
            public var value: String
        }
    }

    /// `contexts[].context`.
    public struct Context: Sendable, Hashable {
        public var cluster: String
        public var user: String?
        public var namespace: String?
        public var location: Location
    }

    public var clusters: [String: Cluster] = [:]
    public var users: [String: User] = [:]
    public var contexts: [String: Context] = [:]
    public var currentContext: String?
    /// The files this config came from, in order.
    public var files: [String] = []

    public init() {}

    /// Merges several kubeconfigs as kubectl does for `$KUBECONFIG`: the first file to define a cluster, user or
    /// context name wins, and `current-context` comes from the first file that sets it.
    public static func merging(_ configs: [KubeConfig]) -> KubeConfig {
        var merged = KubeConfig()
        for config in configs {
            merged.clusters.merge(config.clusters) { first, _ in first }
            merged.users.merge(config.users) { first, _ in first }
            merged.contexts.merge(config.contexts) { first, _ in first }
            if merged.currentContext == nil, let current = config.currentContext, !current.isEmpty {
                merged.currentContext = current
            }
            merged.files += config.files
        }
        return merged
    }
}
