import KubernetesModel

extension Manifests {
    /// What the controller does cluster-wide, verb by verb; nothing else, no wildcards.
    public static let operatorRules = [
        // Watch which namespaces opt in (annotations, labels) and notice when they terminate.
        PolicyRule(apiGroups: [""], resources: ["namespaces"], verbs: ["get", "list", "watch"]),
        // Own the pull Secrets: create, refresh (update/patch) and remove them when a namespace opts out.
        PolicyRule(
            apiGroups: [""], resources: ["secrets"],
            verbs: ["get", "list", "watch", "create", "update", "patch", "delete"]),
        // Add or remove only its own entry in imagePullSecrets, with a JSON patch (no update, no tokens).
        PolicyRule(apiGroups: [""], resources: ["serviceaccounts"], verbs: ["get", "list", "watch", "patch"]),
        // Report SecretCreated, TokenFailed, ... and count repeats: through events.k8s.io/v1, or core/v1 on servers
        // without it (one rule: the recorder needs one of the two).
        PolicyRule(apiGroups: ["events.k8s.io", ""], resources: ["events"], verbs: ["create", "patch"]),
    ]

    /// Pod repair only (`--repair-pods`): watch Pending pods and evict stuck ones through the Eviction API, so that
    /// PodDisruptionBudgets hold (no `delete` on pods).
    public static let repairPodsRules = [
        PolicyRule(apiGroups: [""], resources: ["pods"], verbs: ["list", "watch"]),
        PolicyRule(apiGroups: [""], resources: ["pods/eviction"], verbs: ["create"]),
    ]

    /// Leader election in the operator's own namespace: create the Lease, then read, renew and watch only that one
    /// (a watch with `fieldSelector=metadata.name=...` is authorised against `resourceNames`).
    public static let leaderElectionRules = [
        // `create` cannot be limited by name (the object does not exist yet when it is authorised).
        PolicyRule(apiGroups: ["coordination.k8s.io"], resources: ["leases"], verbs: ["create"]),
        PolicyRule(
            apiGroups: ["coordination.k8s.io"], resources: ["leases"], resourceNames: [ManifestNames.lease],
            verbs: ["get", "update", "watch"]),
    ]

    /// The ClusterRole with `operatorRules` (and `repairPodsRules` with pod repair).
    public static func operatorClusterRole(_ options: ManifestOptions) -> ClusterRole {
        ClusterRole(
            metadata: metadata(ManifestNames.app, options, namespaced: false),
            rules: operatorRules + (options.repairPods ? repairPodsRules : []))
    }

    /// Grants the ClusterRole to the operator's ServiceAccount.
    public static func operatorClusterRoleBinding(_ options: ManifestOptions) -> ClusterRoleBinding {
        ClusterRoleBinding(
            metadata: metadata(ManifestNames.app, options, namespaced: false),
            roleRef: RoleRef(apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: ManifestNames.app),
            subjects: [serviceAccountSubject(options)])
    }

    /// The Role with `leaderElectionRules`, in the operator's namespace only.
    public static func leaderElectionRole(_ options: ManifestOptions) -> Role {
        Role(metadata: metadata(ManifestNames.leaderElectionRole, options), rules: leaderElectionRules)
    }

    /// Grants the leader-election Role to the operator's ServiceAccount.
    public static func leaderElectionRoleBinding(_ options: ManifestOptions) -> RoleBinding {
        RoleBinding(
            metadata: metadata(ManifestNames.leaderElectionRole, options),
            roleRef: RoleRef(
                apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: ManifestNames.leaderElectionRole),
            subjects: [serviceAccountSubject(options)])
    }

    static func serviceAccountSubject(_ options: ManifestOptions) -> Subject {
        Subject(kind: "ServiceAccount", name: ManifestNames.app, namespace: options.namespace)
    }
}
