/// A resource the simulator serves, with what discovery needs to describe it.
public struct ResourceType: Sendable, Hashable {
    /// API group, `""` for core.
    public var group: String
    /// API version within the group.
    public var version: String
    /// Plural resource name used in paths and RBAC rules.
    public var plural: String
    /// Singular name for discovery.
    public var singular: String
    /// Object kind.
    public var kind: String
    /// Whether objects live in namespaces.
    public var namespaced: Bool
    /// kubectl short names.
    public var shortNames: [String]
    /// Name of the storage bucket: both Event APIs read and write the same objects.
    var storage: String

    /// `apiVersion` of objects served through this resource.
    public var apiVersion: String { group.isEmpty ? version : "\(group)/\(version)" }
    /// `plural` or `plural.group`, as Kubernetes names a resource in messages.
    var qualifiedPlural: String { group.isEmpty ? plural : "\(plural).\(group)" }

    public static let namespaces = ResourceType(
        group: "", version: "v1", plural: "namespaces", singular: "namespace", kind: "Namespace", namespaced: false,
        shortNames: ["ns"], storage: "namespaces")
    public static let secrets = ResourceType(
        group: "", version: "v1", plural: "secrets", singular: "secret", kind: "Secret", namespaced: true,
        shortNames: [], storage: "secrets")
    public static let serviceAccounts = ResourceType(
        group: "", version: "v1", plural: "serviceaccounts", singular: "serviceaccount", kind: "ServiceAccount",
        namespaced: true, shortNames: ["sa"], storage: "serviceaccounts")
    public static let events = ResourceType(
        group: "", version: "v1", plural: "events", singular: "event", kind: "Event", namespaced: true,
        shortNames: ["ev"], storage: "events")
    public static let eventsV1 = ResourceType(
        group: "events.k8s.io", version: "v1", plural: "events", singular: "event", kind: "Event", namespaced: true,
        shortNames: ["ev"], storage: "events")
    public static let leases = ResourceType(
        group: "coordination.k8s.io", version: "v1", plural: "leases", singular: "lease", kind: "Lease",
        namespaced: true, shortNames: [], storage: "leases")

    /// Pods as stored objects: no kubelet runs them, tests set their status (`KubernetesSimulator.setPodStatus`).
    public static let pods = ResourceType(
        group: "", version: "v1", plural: "pods", singular: "pod", kind: "Pod", namespaced: true,
        shortNames: ["po"], storage: "pods")
    /// Consulted by the `pods/eviction` subresource (ObjectStore+Eviction.swift).
    public static let podDisruptionBudgets = ResourceType(
        group: "policy", version: "v1", plural: "poddisruptionbudgets", singular: "poddisruptionbudget",
        kind: "PodDisruptionBudget", namespaced: true, shortNames: ["pdb"], storage: "poddisruptionbudgets")

    public static let roles = ResourceType(
        group: "rbac.authorization.k8s.io", version: "v1", plural: "roles", singular: "role", kind: "Role",
        namespaced: true, shortNames: [], storage: "roles")
    public static let roleBindings = ResourceType(
        group: "rbac.authorization.k8s.io", version: "v1", plural: "rolebindings", singular: "rolebinding",
        kind: "RoleBinding", namespaced: true, shortNames: [], storage: "rolebindings")
    public static let clusterRoles = ResourceType(
        group: "rbac.authorization.k8s.io", version: "v1", plural: "clusterroles", singular: "clusterrole",
        kind: "ClusterRole", namespaced: false, shortNames: [], storage: "clusterroles")
    public static let clusterRoleBindings = ResourceType(
        group: "rbac.authorization.k8s.io", version: "v1", plural: "clusterrolebindings",
        singular: "clusterrolebinding", kind: "ClusterRoleBinding", namespaced: false, shortNames: [],
        storage: "clusterrolebindings")

    /// Every served resource.
    public static let all: [ResourceType] = [
        .namespaces, .secrets, .serviceAccounts, .events, .eventsV1, .leases, .pods, .podDisruptionBudgets, .roles,
        .roleBindings, .clusterRoles, .clusterRoleBindings,
    ]

    /// Kinds whose `status` a write of the main resource cannot change (only the server, or a test, sets it).
    var keepsStatus: Bool { self == .namespaces || self == .pods || self == .podDisruptionBudgets }

    /// The verbs discovery advertises.
    static let verbs = ["create", "delete", "get", "list", "patch", "update", "watch"]

    /// Looks up the resource at `group/version/plural`.
    static func find(group: String, version: String, plural: String) -> ResourceType? {
        all.first { $0.group == group && $0.version == version && $0.plural == plural }
    }
}
