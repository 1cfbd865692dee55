import PullKeeperConfig

/// Which admissionregistration.k8s.io version the MutatingAdmissionPolicy and its binding are rendered in.
public enum AdmissionAPIVersion: String, CaseIterable, Sendable, Hashable {
    /// GA: Kubernetes 1.36 and later.
    case v1
    /// Kubernetes 1.34 and 1.35, where the API server has the beta API and its feature gate turned on.
    case v1beta1

    /// `admissionregistration.k8s.io/<version>`.
    public var apiVersion: String { "admissionregistration.k8s.io/\(rawValue)" }
}

extension AttachMode {
    /// Whether pods of a namespace without an attach annotation get the Secret at admission, when this is the
    /// config's default (PRODUCT.md section 3).
    public var injectsIntoPods: Bool { self != .serviceAccounts }
}

extension PullKeeperConfig.LabelSelector {
    /// Every label key the selector reads, sorted, without repeats: changing any of them can opt a namespace in
    /// or out, so the namespace-metadata policy protects them all.
    public var keys: [String] {
        Array(Set(matchLabels.keys).union(matchExpressions.map(\.key))).sorted()
    }
}

/// What the admission policies take from the operator config (`render --config`); the defaults are the config's.
public struct PolicyConfig: Sendable, Hashable {
    /// The config's `secretName`: the Secret injected into pods unless `pullkeeper.io/secret-name` says otherwise.
    public var secretName: String
    /// The config's `excludeNamespaces`: never opted in, so their pods are left alone.
    public var excludeNamespaces: [String]
    /// The config's `namespaceSelector` (labels that opt a namespace in without the annotation), if any.
    public var optIn: PullKeeperConfig.LabelSelector?
    /// The config's default `attach` mode (`both` unless the config says otherwise).
    public var defaultAttach: AttachMode

    public init(
        secretName: String = "acr-pull",
        excludeNamespaces: [String] = ["kube-system", "kube-public", "kube-node-lease"],
        optIn: PullKeeperConfig.LabelSelector? = nil, defaultAttach: AttachMode = .both
    ) {
        self.secretName = secretName
        self.excludeNamespaces = excludeNamespaces
        self.optIn = optIn
        self.defaultAttach = defaultAttach
    }
}
