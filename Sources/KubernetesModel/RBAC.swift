/// An rbac.authorization.k8s.io/v1 Role.
public struct Role: KubernetesResource {
    public static let apiVersion = "rbac.authorization.k8s.io/v1"
    public static let kind = "Role"
    public static let plural = "roles"
    public static let namespaced = true

    public var metadata: ObjectMeta
    public var rules: [PolicyRule]?

    public init(metadata: ObjectMeta, rules: [PolicyRule]? = nil) {
        self.metadata = metadata
        self.rules = rules
    }
}

/// An rbac.authorization.k8s.io/v1 ClusterRole.
public struct ClusterRole: KubernetesResource {
    public static let apiVersion = "rbac.authorization.k8s.io/v1"
    public static let kind = "ClusterRole"
    public static let plural = "clusterroles"
    public static let namespaced = false

    public var metadata: ObjectMeta
    public var rules: [PolicyRule]?

    public init(metadata: ObjectMeta, rules: [PolicyRule]? = nil) {
        self.metadata = metadata
        self.rules = rules
    }
}

/// An rbac.authorization.k8s.io/v1 RoleBinding.
public struct RoleBinding: KubernetesResource {
    public static let apiVersion = "rbac.authorization.k8s.io/v1"
    public static let kind = "RoleBinding"
    public static let plural = "rolebindings"
    public static let namespaced = true

    public var metadata: ObjectMeta
    public var roleRef: RoleRef
    public var subjects: [Subject]?

    public init(metadata: ObjectMeta, roleRef: RoleRef, subjects: [Subject]? = nil) {
        self.metadata = metadata
        self.roleRef = roleRef
        self.subjects = subjects
    }
}

/// An rbac.authorization.k8s.io/v1 ClusterRoleBinding.
public struct ClusterRoleBinding: KubernetesResource {
    public static let apiVersion = "rbac.authorization.k8s.io/v1"
    public static let kind = "ClusterRoleBinding"
    public static let plural = "clusterrolebindings"
    public static let namespaced = false

    public var metadata: ObjectMeta
    public var roleRef: RoleRef
    public var subjects: [Subject]?

    public init(metadata: ObjectMeta, roleRef: RoleRef, subjects: [Subject]? = nil) {
        self.metadata = metadata
        self.roleRef = roleRef
        self.subjects = subjects
    }
}

/// What a role allows: verbs on resources of API groups.
public struct PolicyRule: Codable, Hashable, Sendable {
    public var apiGroups: [String]?
    public var resources: [String]?
    public var resourceNames: [String]?
    public var verbs: [String]
    public var nonResourceURLs: [String]?

    public init(
        apiGroups: [String]? = nil, resources: [String]? = nil, resourceNames: [String]? = nil, verbs: [String],
        nonResourceURLs: [String]? = nil
    ) {
        self.apiGroups = apiGroups
        self.resources = resources
        self.resourceNames = resourceNames
        self.verbs = verbs
        self.nonResourceURLs = nonResourceURLs
    }
}

/// The role a binding grants.
public struct RoleRef: Codable, Hashable, Sendable {
    public var apiGroup: String
    public var kind: String
    public var name: String

    public init(apiGroup: String, kind: String, name: String) {
        self.apiGroup = apiGroup
        self.kind = kind
        self.name = name
    }
}

/// Who a binding grants the role to.
public struct Subject: Codable, Hashable, Sendable {
    public var kind: String
    public var name: String
    public var namespace: String?
    public var apiGroup: String?

    public init(kind: String, name: String, namespace: String? = nil, apiGroup: String? = nil) {
        self.kind = kind
        self.name = name
        self.namespace = namespace
        self.apiGroup = apiGroup
    }
}
