/// The RBAC objects stored through the API (`rbac.authorization.k8s.io/v1`), read as kube-apiserver's RBAC
/// authorizer reads them: a ClusterRoleBinding grants its ClusterRole everywhere, a RoleBinding grants its Role (or
/// a ClusterRole) in the binding's namespace. Subjects are users, groups and service accounts.
extension ObjectStore {
    /// Whether a stored binding for `user` (or one of its groups) has a rule that allows `request`.
    func rbacAllows(_ user: SimulatorUser, _ request: RequestAttributes) -> Bool {
        state.withLock { state in
            for binding in (state.buckets[ResourceType.clusterRoleBindings.storage] ?? [:]).values
            where Self.binds(binding, user, bindingNamespace: nil) {
                if Self.rules(of: binding, bindingNamespace: nil, state: state).contains(where: { $0.allows(request) })
                {
                    return true
                }
            }
            guard let namespace = request.namespace else { return false }
            for (key, binding) in state.buckets[ResourceType.roleBindings.storage] ?? [:]
            where key.namespace == namespace && Self.binds(binding, user, bindingNamespace: namespace) {
                let rules = Self.rules(of: binding, bindingNamespace: namespace, state: state)
                if rules.contains(where: { $0.inNamespace(namespace).allows(request) }) { return true }
            }
            return false
        }
    }

    /// Whether one of the binding's subjects is the user, one of its groups, or its service account.
    static func binds(_ binding: JSONValue, _ user: SimulatorUser, bindingNamespace: String?) -> Bool {
        let groups = Set(user.groups + ["system:authenticated"])
        for subject in binding["subjects"]?.arrayValue ?? [] {
            let name = subject["name"]?.stringValue ?? ""
            switch subject["kind"]?.stringValue {
            case "User":
                if name == user.name { return true }
            case "Group":
                if groups.contains(name) { return true }
            case "ServiceAccount":
                let namespace = subject["namespace"]?.stringValue ?? bindingNamespace ?? ""
                if user.name == "system:serviceaccount:\(namespace):\(name)" { return true }
            default:
                continue
            }
        }
        return false
    }

    /// The rules of the role a binding refers to (none when it does not exist).
    static func rules(of binding: JSONValue, bindingNamespace: String?, state: StoreState) -> [PolicyRule] {
        let name = binding.value(at: ["roleRef", "name"])?.stringValue ?? ""
        let role: JSONValue?
        switch binding.value(at: ["roleRef", "kind"])?.stringValue {
        case "ClusterRole":
            role = state.buckets[ResourceType.clusterRoles.storage]?[ObjectKey(namespace: "", name: name)]
        case "Role":
            guard let bindingNamespace else { return [] }
            role = state.buckets[ResourceType.roles.storage]?[ObjectKey(namespace: bindingNamespace, name: name)]
        default:
            role = nil
        }
        return (role?["rules"]?.arrayValue ?? []).map { rule in
            func strings(_ field: String) -> [String] { (rule[field]?.arrayValue ?? []).compactMap(\.stringValue) }
            return PolicyRule(
                apiGroups: strings("apiGroups"), resources: strings("resources"), verbs: strings("verbs"),
                resourceNames: strings("resourceNames"))
        }
    }
}
