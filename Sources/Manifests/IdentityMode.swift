/// How the operator authenticates to Entra ID in the rendered install, and so what the pod needs mounted.
public enum IdentityMode: String, CaseIterable, Sendable, Hashable {
    /// AKS workload identity: the webhook injects `AZURE_*` variables and a projected federated token.
    case workload
    /// The node's (or pod's) managed identity through IMDS.
    case managed
    /// A service principal whose client secret is mounted from the credentials Secret.
    case servicePrincipal = "service-principal"
    /// A registry username and password(s) mounted from the credentials Secret.
    case `static`

    /// The name of the one identity in the default config.
    public var identityName: String { rawValue }

    /// Whether the pod mounts the credentials Secret (`pullkeeper-credentials`) as files.
    public var mountsCredentials: Bool {
        switch self {
        case .workload, .managed: false
        case .servicePrincipal, .static: true
        }
    }

    /// The keys the credentials Secret must hold in this mode (empty when nothing is mounted).
    public var credentialKeys: [String] {
        switch self {
        case .workload, .managed: []
        case .servicePrincipal: ["client-secret"]
        case .static: ["username", "password", "password2"]
        }
    }
}
