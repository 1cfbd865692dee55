/// Which admissionregistration.k8s.io version the MutatingAdmissionPolicy and its binding are rendered in.
public enum AdmissionAPIVersion: String, CaseIterable, Sendable, Hashable {
    /// GA: Kubernetes 1.36 and later.
    case v1
    /// Kubernetes 1.34 and 1.35, where the API server has the beta API and its feature gate turned on.
    case v1beta1

    /// `admissionregistration.k8s.io/<version>`.
    public var apiVersion: String { "admissionregistration.k8s.io/\(rawValue)" }
}

/// The config's default `attach` (PRODUCT.md section 3) as the pod-injection policy needs it: namespaces without a
/// `pullkeeper.io/attach` annotation get their pods' Secret injected unless this is `serviceAccounts`.
public enum DefaultAttachMode: String, CaseIterable, Sendable, Hashable {
    case serviceAccounts, pods, both

    /// Whether pods of a namespace without an attach annotation get the Secret at admission.
    public var injectsIntoPods: Bool { self != .serviceAccounts }
}

/// A namespace label selector as the operator config writes it (`namespaceSelector`), for the CEL that decides
/// whether a namespace opted in by label.
public struct NamespaceOptIn: Sendable, Hashable {
    /// One set-based term: `In`, `NotIn`, `Exists` or `DoesNotExist`.
    public struct Requirement: Sendable, Hashable {
        public var key: String
        public var `operator`: String
        public var values: [String]

        public init(key: String, operator: String, values: [String] = []) {
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
    public var optIn: NamespaceOptIn?
    /// The config's default `attach` mode (`both` unless the config says otherwise).
    public var defaultAttach: DefaultAttachMode

    public init(
        secretName: String = "acr-pull",
        excludeNamespaces: [String] = ["kube-system", "kube-public", "kube-node-lease"],
        optIn: NamespaceOptIn? = nil, defaultAttach: DefaultAttachMode = .both
    ) {
        self.secretName = secretName
        self.excludeNamespaces = excludeNamespaces
        self.optIn = optIn
        self.defaultAttach = defaultAttach
    }
}
