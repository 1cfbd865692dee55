/// The simulator's endpoints, for request counters and fault injection.
public enum SimulatorEndpoint: String, Sendable, Hashable, CaseIterable {
    /// `POST /{tenant}/oauth2/v2.0/token`
    case entra
    /// `GET /{tenant}/v2.0/.well-known/openid-configuration`
    case openidConfiguration
    /// `GET /metadata/identity/oauth2/token`
    case imds
    /// `GET /msi/token` (App Service `IDENTITY_ENDPOINT`)
    case appService
    /// `GET /v2/...` (registry challenge and minimal data plane)
    case challenge
    /// `POST /oauth2/exchange`
    case exchange
    /// `GET` and `POST /oauth2/token`
    case token
    /// `POST /_simulator/roles`: test scripts change role assignments of a running simulator.
    case control
}

/// Registry roles of RBAC-mode ACR (protocols.md §3.6).
public enum AcrRole: String, Sendable, Hashable, CaseIterable {
    case acrPull = "AcrPull"
    case acrPush = "AcrPush"
    case owner = "Owner"

    /// Repository actions the role carries.
    public var actions: Set<String> {
        switch self {
        case .acrPull: ["pull"]
        case .acrPush: ["pull", "push"]
        case .owner: ["pull", "push", "delete"]
        }
    }
}

/// Which of an admin account's (or repository token's) two passwords.
public enum PasswordSlot: Sendable, Hashable {
    case password
    case password2
}

/// A canned failure answered instead of the real response.
public struct SimulatedFault: Sendable, Hashable {
    /// HTTP status of the failure.
    public var status: Int
    /// `Retry-After` seconds, if any.
    public var retryAfter: Int?

    public init(status: Int, retryAfter: Int? = nil) {
        self.status = status
        self.retryAfter = retryAfter
    }

    /// 410 Gone: IMDS upgrading.
    public static let gone = SimulatedFault(status: 410)
    /// 404: IMDS updating.
    public static let notFound = SimulatedFault(status: 404)
    /// 500 Internal Server Error.
    public static let serverError = SimulatedFault(status: 500)
    /// 503 Service Unavailable.
    public static let unavailable = SimulatedFault(status: 503)
    /// 429 with `Retry-After`.
    public static func throttled(retryAfter seconds: Int) -> SimulatedFault {
        SimulatedFault(status: 429, retryAfter: seconds)
    }
}

/// A repository-scoped ACR token's permissions: repository name to actions (`"*"` as name: every repository).
public typealias RepositoryPermissions = [String: Set<String>]
