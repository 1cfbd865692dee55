/// The operator configuration of PRODUCT.md §3, after validation.
public struct OperatorConfig: Sendable, Hashable {
    public var cloud: Cloud
    /// Overrides the cloud's Entra ID authority host (required for `custom`; also `AZURE_AUTHORITY_HOST`).
    public var authorityHost: String?
    /// Extra login-server suffixes accepted besides the cloud's own.
    public var registrySuffixes: [String]
    /// Explicit registries, allowed whatever their suffix.
    public var registries: [RegistryEntry]
    /// Extra PEM bundle trusted for every Azure and registry endpoint (besides the system trust).
    public var caFile: String?
    public var tokenAudience: TokenAudience
    public var defaultIdentity: String?
    public var secretName: String
    public var serviceAccounts: [String]
    public var excludeNamespaces: [String]
    public var namespaceSelector: NamespaceSelector?
    /// How the Secret reaches pods: service accounts, admission-time injection into pods, or both.
    public var attach: AttachMode
    /// Evict controller-owned pods stuck in ImagePullBackOff that were admitted before the Secret was attached.
    public var repairPods: Bool
    /// At most this many such evictions per minute, cluster wide.
    public var repairPodsPerMinute: Int
    public var refresh: RefreshPolicy
    /// Try each new credential against its registry before writing it.
    public var selfCheck: Bool
    /// Network timeouts, and how long a credential may stay pending before it is reported as failing.
    public var timeouts: Timeouts
    /// Which Kubernetes Events are recorded (`events.routine`: the Normal Events of routine successful writes).
    public var events: EventPolicy
    public var identities: [IdentityConfig]

    public init(
        cloud: Cloud = .public,
        authorityHost: String? = nil,
        registrySuffixes: [String] = [],
        registries: [RegistryEntry] = [],
        caFile: String? = nil,
        tokenAudience: TokenAudience = .acr,
        defaultIdentity: String? = nil,
        secretName: String = "acr-pull",
        serviceAccounts: [String] = ["default"],
        excludeNamespaces: [String] = ["kube-system", "kube-public", "kube-node-lease"],
        namespaceSelector: NamespaceSelector? = nil,
        attach: AttachMode = .both,
        repairPods: Bool = false,
        repairPodsPerMinute: Int = 10,
        refresh: RefreshPolicy = RefreshPolicy(),
        selfCheck: Bool = true,
        timeouts: Timeouts = Timeouts(),
        events: EventPolicy = EventPolicy(),
        identities: [IdentityConfig] = []
    ) {
        self.cloud = cloud
        self.authorityHost = authorityHost
        self.registrySuffixes = registrySuffixes
        self.registries = registries
        self.caFile = caFile
        self.tokenAudience = tokenAudience
        self.defaultIdentity = defaultIdentity
        self.secretName = secretName
        self.serviceAccounts = serviceAccounts
        self.excludeNamespaces = excludeNamespaces
        self.namespaceSelector = namespaceSelector
        self.attach = attach
        self.repairPods = repairPods
        self.repairPodsPerMinute = repairPodsPerMinute
        self.refresh = refresh
        self.selfCheck = selfCheck
        self.timeouts = timeouts
        self.events = events
        self.identities = identities
    }

    /// The identity with this name, if configured.
    public func identity(named name: String) -> IdentityConfig? {
        identities.first { $0.name == name }
    }
}

/// Azure clouds: each fixes an authority host and the ACR login-server suffix.
public enum Cloud: String, Sendable, Hashable, CaseIterable {
    case `public`, china, usgov, custom

    /// Entra ID authority host, with its trailing slash; nil for `custom` (configured instead).
    public var authorityHost: String? {
        switch self {
        case .public: "https://login.microsoftonline.com/"
        case .china: "https://login.chinacloudapi.cn/"
        case .usgov: "https://login.microsoftonline.us/"
        case .custom: nil
        }
    }

    /// Login-server suffix of the cloud's registries; nil for `custom`.
    public var registrySuffix: String? {
        switch self {
        case .public: "azurecr.io"
        case .china: "azurecr.cn"
        case .usgov: "azurecr.us"
        case .custom: nil
        }
    }

    /// Resource Manager audience, for `tokenAudience: arm`.
    public var armAudience: String {
        switch self {
        case .public, .custom: "https://management.azure.com/"
        case .china: "https://management.chinacloudapi.cn/"
        case .usgov: "https://management.usgovcloudapi.net/"
        }
    }
}

/// Which audience the Entra token is requested for before the ACR exchange.
public enum TokenAudience: String, Sendable, Hashable, CaseIterable {
    /// `https://containerregistry.azure.net`, accepted in every cloud and policy.
    case acr
    /// The cloud's Resource Manager audience (only while the registry allows authentication-as-arm).
    case arm

    public static let acrResource = "https://containerregistry.azure.net"
}

/// An explicitly configured registry (private DNS, proxies, the simulator).
public struct RegistryEntry: Sendable, Hashable {
    /// The host[:port] clients pull from; the Secret's `auths` key.
    public var loginServer: String
    /// Where `/oauth2/exchange` and `/oauth2/token` live; default `https://<loginServer>`.
    public var authEndpoint: String?
    /// Extra CA bundle for that endpoint.
    public var caFile: String?

    public init(loginServer: String, authEndpoint: String? = nil, caFile: String? = nil) {
        self.loginServer = loginServer
        self.authEndpoint = authEndpoint
        self.caFile = caFile
    }
}

/// `matchLabels` / `matchExpressions` as Kubernetes label selectors have them.
public struct LabelSelector: Sendable, Hashable {
    public struct Requirement: Sendable, Hashable {
        public enum Operator: String, Sendable, Hashable {
            case `in` = "In", notIn = "NotIn", exists = "Exists", doesNotExist = "DoesNotExist"
        }
        public var key: String
        public var `operator`: Operator
        public var values: [String]

        public init(key: String, operator: Operator, values: [String] = []) {
            self.key = key
            self.operator = `operator`
            self.values = values
        }
    }

    public var matchLabels: [String: String]
    public var matchExpressions: [Requirement]

    public init(matchLabels: [String: String] = [:], matchExpressions: [Requirement] = []) {
        self.matchLabels = matchLabels
        self.matchExpressions = matchExpressions
    }

    /// Whether a set of labels satisfies every term (an empty selector matches everything).
    public func matches(_ labels: [String: String]) -> Bool {
        for (key, value) in matchLabels where labels[key] != value { return false }
        for requirement in matchExpressions {
            let value = labels[requirement.key]
            switch requirement.operator {
            case .in: guard let value, requirement.values.contains(value) else { return false }
            case .notIn: if let value, requirement.values.contains(value) { return false }
            case .exists: if value == nil { return false }
            case .doesNotExist: if value != nil { return false }
            }
        }
        return true
    }
}

/// Opts namespaces in by label, no annotation needed.
public struct NamespaceSelector: Sendable, Hashable {
    public var selector: LabelSelector
    public var registries: [String]
    public var identity: String?

    public init(selector: LabelSelector, registries: [String], identity: String? = nil) {
        self.selector = selector
        self.registries = registries
        self.identity = identity
    }
}

/// When to refresh: once `fraction` of a token's lifetime has passed, spread by `jitter`; full relist every `resync`.
public struct RefreshPolicy: Sendable, Hashable {
    public var fraction: Double
    public var jitter: Double
    public var resync: Duration

    public init(fraction: Double = 0.5, jitter: Double = 0.1, resync: Duration = .seconds(600)) {
        self.fraction = fraction
        self.jitter = jitter
        self.resync = resync
    }
}

/// `timeouts`: explicit limits for every call to Entra ID, IMDS and registries, each below the pass's wait for a
/// credential (10 s), and the bound on how long a credential may be "pending" without a Warning Event.
public struct Timeouts: Sendable, Hashable {
    /// DNS, TCP and TLS set-up of a connection to any Azure or registry endpoint.
    public var connect: Duration
    /// One Entra ID token request.
    public var entra: Duration
    /// One managed-identity (IMDS, App Service) request.
    public var imds: Duration
    /// One registry request (`/oauth2/exchange`, `/oauth2/token`, the self-check's `/v2/`).
    public var registry: Duration
    /// A credential not obtained after this is reported as failing (TokenFailed), while it is still tried.
    public var pending: Duration

    /// The largest value each may take: a failure must be visible within a minute.
    public static let maximum = Duration.seconds(60)
    /// How long a reconcile pass waits for a credential that is not cached (`RegistryCredentialSource`).
    public static let passWait = Duration.seconds(10)

    public init(
        connect: Duration = .seconds(5), entra: Duration = .seconds(8), imds: Duration = .seconds(8),
        registry: Duration = .seconds(8), pending: Duration = .seconds(30)
    ) {
        self.connect = connect
        self.entra = entra
        self.imds = imds
        self.registry = registry
        self.pending = pending
    }
}

/// `events`: which Kubernetes Events pullkeeper records (PRODUCT.md §5).
public struct EventPolicy: Sendable, Hashable {
    /// The Normal Events announcing a routine successful write: `SecretCreated`, `SecretRefreshed`,
    /// `ServiceAccountPatched` (the reconciler's `Decision.writeEvent`). Off, those writes leave no Event (one API
    /// write fewer each: a quarter of an initial sync's writes); their log line, metrics and `pullkeeper status`
    /// stay. Warning Events and every other Normal Event (`PodRestarted`) are recorded whatever this says.
    public var routine: Bool

    public init(routine: Bool = true) {
        self.routine = routine
    }
}

/// How the managed Secret reaches the pods of an opted-in namespace (PRODUCT.md §1).
public enum AttachMode: String, Sendable, Hashable, CaseIterable {
    /// Added to the namespace's service accounts (JSON patch, foreign entries kept).
    case serviceAccounts
    /// Added to each pod at admission by the shipped MutatingAdmissionPolicy; service accounts are never touched.
    case pods
    /// Both.
    case both

    /// Whether service accounts get the Secret.
    public var patchesServiceAccounts: Bool { self != .pods }
}

/// One named identity and what it may serve: deny by default (PRODUCT.md §3, tenancy).
public struct IdentityConfig: Sendable, Hashable {
    public var name: String
    public var credential: CredentialConfig
    /// Who may use it: namespace names and glob patterns, matched against the namespace's name (which the API
    /// server fixes), never against labels (which tenants may set). Empty serves no namespace.
    public var namespaces: [NamespacePattern]
    /// The registries it may be used for (explicit; empty serves none).
    public var registries: [String]
    /// Repository actions a namespace's `pullkeeper.io/scope` may request through it.
    public var actions: Set<String>

    public init(
        name: String, credential: CredentialConfig, namespaces: [NamespacePattern] = [], registries: [String] = [],
        actions: Set<String> = ["pull"]
    ) {
        self.name = name
        self.credential = credential
        self.namespaces = namespaces
        self.registries = registries
        self.actions = actions
    }

    /// Actions a scope may name (the registry token protocol's, plus ACR's metadata and content ones).
    public static let knownActions: Set<String> = [
        "pull", "push", "delete", "*", "metadata_read", "metadata_write", "content_read",
    ]
}

/// A namespace name or a glob pattern (`*` any run of characters, `?` one), matched against the whole name.
public struct NamespacePattern: Sendable, Hashable, ExpressibleByStringLiteral, CustomStringConvertible {
    public var pattern: String

    public init(_ pattern: String) { self.pattern = pattern }
    public init(stringLiteral value: String) { self.init(value) }

    public var description: String { pattern }

    /// True for `*` alone: every namespace.
    public var isEverything: Bool { pattern == "*" }

    /// Whether the pattern has wildcards.
    public var isGlob: Bool { pattern.contains("*") || pattern.contains("?") }

    /// Whole-name glob match, without regular expressions (names are ASCII: DNS labels).
    public func matches(_ name: String) -> Bool {
        let p = Array(pattern.utf8)
        let n = Array(name.utf8)
        var (pi, ni) = (0, 0)
        var star: Int? = nil
        var resume = 0
        while ni < n.count {
            if pi < p.count, p[pi] == UInt8(ascii: "?") || p[pi] == n[ni] {
                pi += 1
                ni += 1
            } else if pi < p.count, p[pi] == UInt8(ascii: "*") {
                star = pi
                resume = ni
                pi += 1
            } else if let s = star {
                pi = s + 1
                resume += 1
                ni = resume
            } else {
                return false
            }
        }
        while pi < p.count, p[pi] == UInt8(ascii: "*") { pi += 1 }
        return pi == p.count
    }
}

/// How an identity authenticates.
public enum CredentialConfig: Sendable, Hashable {
    /// Entra ID service principal with a client secret file or a PEM certificate (key + cert) file.
    case servicePrincipal(ServicePrincipal)
    /// Managed identity through IMDS (or App Service's `IDENTITY_ENDPOINT` when set).
    case managedIdentity(ManagedIdentity)
    /// Workload identity: a federated token file as client assertion.
    case workloadIdentity(WorkloadIdentity)
    /// The Azure SDK environment variables (`AZURE_TENANT_ID`, `AZURE_CLIENT_ID`, ...).
    case environment
    /// A username and password(s) used as they are: admin account, SP app ID + password, repository token.
    case `static`(StaticCredential)

    public struct ServicePrincipal: Sendable, Hashable {
        public var tenantID: String
        public var clientID: String
        public var clientSecretFile: String?
        public var certificateFile: String?
        /// Sign the client assertion with RS256 + `x5t` instead of PS256 + `x5t#S256`.
        public var legacyRS256: Bool
        /// Add the certificate chain as `x5c` to the assertion header.
        public var sendCertificateChain: Bool

        public init(
            tenantID: String, clientID: String, clientSecretFile: String? = nil, certificateFile: String? = nil,
            legacyRS256: Bool = false, sendCertificateChain: Bool = false
        ) {
            self.tenantID = tenantID
            self.clientID = clientID
            self.clientSecretFile = clientSecretFile
            self.certificateFile = certificateFile
            self.legacyRS256 = legacyRS256
            self.sendCertificateChain = sendCertificateChain
        }
    }

    public struct ManagedIdentity: Sendable, Hashable {
        public enum Selector: Sendable, Hashable {
            case systemAssigned
            case clientID(String)
            case objectID(String)
            case resourceID(String)
        }

        public var selector: Selector
        /// IMDS base URL; default `http://169.254.169.254`.
        public var endpoint: String?

        public init(selector: Selector = .systemAssigned, endpoint: String? = nil) {
            self.selector = selector
            self.endpoint = endpoint
        }
    }

    public struct WorkloadIdentity: Sendable, Hashable {
        public var tenantID: String
        public var clientID: String
        public var tokenFile: String

        public init(tenantID: String, clientID: String, tokenFile: String) {
            self.tenantID = tenantID
            self.clientID = clientID
            self.tokenFile = tokenFile
        }
    }

    public struct StaticCredential: Sendable, Hashable {
        /// Literal username (not secret), or read from `usernameFile`.
        public var username: String?
        public var usernameFile: String?
        public var passwordFile: String
        /// Second password to fall back to when the first is rejected (ACR admin accounts and tokens have two).
        public var password2File: String?

        public init(
            username: String? = nil, usernameFile: String? = nil, passwordFile: String, password2File: String? = nil
        ) {
            self.username = username
            self.usernameFile = usernameFile
            self.passwordFile = passwordFile
            self.password2File = password2File
        }
    }
}
