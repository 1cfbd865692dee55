/// A core/v1 Namespace.
public struct Namespace: KubernetesResource {
    public static let apiVersion = "v1"
    public static let kind = "Namespace"
    public static let plural = "namespaces"
    public static let namespaced = false

    public var metadata: ObjectMeta
    public var spec: Spec?
    public var status: Status?

    public init(metadata: ObjectMeta, spec: Spec? = nil, status: Status? = nil) {
        self.metadata = metadata
        self.spec = spec
        self.status = status
    }

    /// Namespace spec: the finalizers that must run before it is removed.
    public struct Spec: Codable, Hashable, Sendable {
        public var finalizers: [String]?
        public init(finalizers: [String]? = nil) { self.finalizers = finalizers }
    }

    /// Namespace status: `Active` or `Terminating`.
    public struct Status: Codable, Hashable, Sendable {
        public var phase: String?
        public init(phase: String? = nil) { self.phase = phase }
    }

    /// True once deletion started: the namespace refuses new objects.
    public var isTerminating: Bool {
        metadata.deletionTimestamp != nil || status?.phase == "Terminating"
    }
}
