/// One RBAC rule, as in a Role or ClusterRole (`rbac.authorization.k8s.io/v1` PolicyRule).
public struct PolicyRule: Sendable, Hashable {
    /// API groups (`""` for core, `"*"` for all).
    public var apiGroups: [String]
    /// Resources, with subresources as `serviceaccounts/token`; `"*"` for all, `"x/*"` for every subresource of x.
    public var resources: [String]
    /// Verbs (`get`, `list`, `watch`, `create`, `update`, `patch`, `delete`, or `"*"`).
    public var verbs: [String]
    /// When not empty, only these object names.
    public var resourceNames: [String]
    /// When set, the rule only holds in these namespaces (a RoleBinding); `nil` holds everywhere (ClusterRoleBinding).
    public var namespaces: [String]?

    /// A rule; omit `namespaces` for a cluster-wide grant.
    public init(
        apiGroups: [String], resources: [String], verbs: [String], resourceNames: [String] = [],
        namespaces: [String]? = nil
    ) {
        self.apiGroups = apiGroups
        self.resources = resources
        self.verbs = verbs
        self.resourceNames = resourceNames
        self.namespaces = namespaces
    }

    /// Everything everywhere (`cluster-admin`).
    public static let clusterAdmin = PolicyRule(apiGroups: ["*"], resources: ["*"], verbs: ["*"])

    /// The same rules bound in one namespace only (a Role with a RoleBinding).
    public func inNamespace(_ namespace: String) -> PolicyRule {
        var copy = self
        copy.namespaces = [namespace]
        return copy
    }

    func allows(_ request: RequestAttributes) -> Bool {
        guard verbs.contains("*") || verbs.contains(request.verb) else { return false }
        guard apiGroups.contains("*") || apiGroups.contains(request.group) else { return false }
        let resource = request.subresource.map { "\(request.resource)/\($0)" } ?? request.resource
        let resourceMatches = resources.contains { rule in
            rule == "*" || rule == resource
                || (request.subresource != nil && rule == "\(request.resource)/*")
                || (rule.hasPrefix("*/") && request.subresource.map { rule == "*/\($0)" } == true)
        }
        guard resourceMatches else { return false }
        if !resourceNames.isEmpty {
            guard let name = request.name, resourceNames.contains(name) else { return false }
        }
        if let namespaces {
            guard let namespace = request.namespace, namespaces.contains(namespace) else { return false }
        }
        return true
    }
}

/// What RBAC decides on: the attributes of one request.
struct RequestAttributes: Sendable, Hashable {
    var verb: String
    var group: String
    var resource: String
    var subresource: String?
    var namespace: String?
    var name: String?

    init(
        verb: String, group: String, resource: String, subresource: String? = nil, namespace: String? = nil,
        name: String? = nil
    ) {
        self.verb = verb
        self.group = group
        self.resource = resource
        self.subresource = subresource
        self.namespace = namespace
        self.name = name
    }
}

/// An authenticated user and the rules bound to it.
public struct SimulatorUser: Sendable, Hashable {
    /// User name (`system:serviceaccount:ns:name` for service accounts).
    public var name: String
    /// Groups; `system:masters` may do everything.
    public var groups: [String]
    /// The rules bound to this user.
    public var rules: [PolicyRule]

    /// A user with its groups and rules.
    public init(name: String, groups: [String] = [], rules: [PolicyRule] = []) {
        self.name = name
        self.groups = groups
        self.rules = rules
    }
}
