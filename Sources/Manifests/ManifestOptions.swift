/// What `pullkeeper render` varies: where the operator runs, which image, how it authenticates, how many replicas.
public struct ManifestOptions: Sendable, Hashable {
    /// The operator's namespace (and the Lease's).
    public var namespace: String
    /// The container image.
    public var image: String
    /// The pullkeeper version, for the `app.kubernetes.io/version` label.
    public var version: String
    public var identityMode: IdentityMode
    /// The operator config text for the ConfigMap; nil renders the default config of `identityMode`.
    public var configText: String?
    public var replicas: Int
    /// Whether to render the metrics Service and allow ingress to the metrics port.
    public var metrics: Bool
    /// Tenant for the service principal (default: a placeholder) and, when set, the workload-identity annotation.
    public var tenantID: String?
    /// Client ID of the workload identity or service principal (default: a placeholder), or a user-assigned
    /// managed identity (default: system-assigned).
    public var clientID: String?
    /// The namespaces (names and glob patterns) the default config's identity serves (tenancy: deny by default).
    public var grantedNamespaces: [String]
    /// The registries the default config's identity serves.
    public var grantedRegistries: [String]
    /// Pod repair (issue 15 §3): `repairPods: true` in the default config, and the RBAC it needs (pods list/watch,
    /// pods/eviction create), which the operator has only then.
    public var repairPods: Bool

    /// Placeholders, like the GUIDs: they grant nothing real until replaced (`--namespaces`, `--registries`).
    public static let placeholderNamespace = "replace-with-your-namespaces"
    public static let placeholderRegistry = "myregistry.azurecr.io"

    /// Whether to render the two ValidatingAdmissionPolicies (who may set pullkeeper's namespace metadata; what
    /// the operator may write) and their bindings.
    public var admissionPolicies: Bool
    /// Whether to render the MutatingAdmissionPolicy that adds the pull Secret to pods, and its binding.
    public var podInjection: Bool
    /// The API version of the MutatingAdmissionPolicy and its binding.
    public var admissionAPI: AdmissionAPIVersion
    /// Groups whose members may set pullkeeper's namespace metadata.
    public var namespaceAdminGroups: [String]
    /// Users who may set pullkeeper's namespace metadata.
    public var namespaceAdminUsers: [String]
    /// What the admission policies take from the operator config.
    public var policyConfig: PolicyConfig

    public init(
        namespace: String = "pullkeeper", image: String? = nil, version: String,
        identityMode: IdentityMode = .workload, configText: String? = nil, replicas: Int = 2, metrics: Bool = true,
        tenantID: String? = nil, clientID: String? = nil, grantedNamespaces: [String]? = nil,
        grantedRegistries: [String]? = nil,
        admissionPolicies: Bool = true, podInjection: Bool = true,
        admissionAPI: AdmissionAPIVersion = .v1,
        namespaceAdminGroups: [String] = ManifestNames.defaultNamespaceAdminGroups, namespaceAdminUsers: [String] = [],
        policyConfig: PolicyConfig = PolicyConfig(), repairPods: Bool = false
    ) {
        self.repairPods = repairPods
        self.grantedNamespaces = grantedNamespaces ?? [Self.placeholderNamespace]
        self.grantedRegistries = grantedRegistries ?? [Self.placeholderRegistry]
        self.namespace = namespace
        self.image = image ?? Self.defaultImage(version: version)
        self.version = version
        self.identityMode = identityMode
        self.configText = configText
        self.replicas = replicas
        self.metrics = metrics
        self.tenantID = tenantID
        self.clientID = clientID
        self.admissionPolicies = admissionPolicies
        self.podInjection = podInjection
        self.admissionAPI = admissionAPI
        self.namespaceAdminGroups = namespaceAdminGroups
        self.namespaceAdminUsers = namespaceAdminUsers
        self.policyConfig = policyConfig
    }

    /// `ghcr.io/pullkeeper/pullkeeper:<version>`.
    public static func defaultImage(version: String) -> String {
        "\(ManifestNames.imageRepository):\(version)"
    }

    /// Every reason these options cannot produce valid manifests, each naming the option; empty when fine.
    public var problems: [String] {
        var problems: [String] = []
        if let problem = Self.labelProblem(namespace) { problems.append("--namespace \(problem)") }
        if image.isEmpty || image.contains(where: \.isWhitespace) {
            problems.append("--image must be a non-empty image reference without spaces, found \"\(image)\"")
        }
        if replicas < 1 || replicas > 10 {
            problems.append("--replicas must be between 1 and 10 (one leader, the rest stand by), found \(replicas)")
        }
        if let tenantID, !Self.isTenant(tenantID) {
            problems.append("--tenant-id must be a tenant GUID or domain, found \"\(tenantID)\"")
        }
        if let clientID, clientID.isEmpty || !clientID.allSatisfy(Self.isIDCharacter) {
            problems.append("--client-id must be a client GUID (letters, digits and '-'), found \"\(clientID)\"")
        }
        if grantedNamespaces.isEmpty { problems.append("--namespaces must name at least one namespace or pattern") }
        if grantedRegistries.isEmpty { problems.append("--registries must name at least one registry") }
        for (flag, names) in [
            ("--namespace-admin-group", namespaceAdminGroups), ("--namespace-admin-user", namespaceAdminUsers),
        ] {
            for name in names
            where name.isEmpty || name.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) {
                problems.append("\(flag) must be a non-empty name without control characters, found \"\(name)\"")
            }
        }
        if admissionPolicies && namespaceAdminGroups.isEmpty && namespaceAdminUsers.isEmpty {
            problems.append(
                "--namespace-admin-group or --namespace-admin-user: name at least one, or nobody could opt a namespace in"
            )
        }
        return problems
    }

    /// The tenant written into a service-principal config.
    var effectiveTenantID: String { tenantID ?? ManifestNames.placeholderGUID }

    /// The client ID written into a service-principal config or the workload-identity annotation.
    var effectiveClientID: String { clientID ?? ManifestNames.placeholderGUID }

    private static func labelProblem(_ name: String) -> String? {
        let allowed = name.allSatisfy { $0.isASCII && ($0.isLowercase || $0.isNumber || $0 == "-") }
        guard !name.isEmpty, name.count <= 63, allowed, name.first != "-", name.last != "-" else {
            return "must be a DNS label (lower-case letters, digits and '-', at most 63), found \"\(name)\""
        }
        return nil
    }

    private static func isTenant(_ text: String) -> Bool {
        !text.isEmpty && text.allSatisfy { isIDCharacter($0) || $0 == "." }
    }

    private static func isIDCharacter(_ character: Character) -> Bool {
        character.isASCII && (character.isLetter || character.isNumber || character == "-")
    }
}
