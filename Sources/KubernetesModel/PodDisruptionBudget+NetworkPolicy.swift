/// A policy/v1 PodDisruptionBudget.
public struct PodDisruptionBudget: KubernetesResource {
    public static let apiVersion = "policy/v1"
    public static let kind = "PodDisruptionBudget"
    public static let plural = "poddisruptionbudgets"
    public static let namespaced = true

    public var metadata: ObjectMeta
    public var spec: PodDisruptionBudgetSpec?

    public init(metadata: ObjectMeta, spec: PodDisruptionBudgetSpec? = nil) {
        self.metadata = metadata
        self.spec = spec
    }
}

/// How many pods must stay up.
public struct PodDisruptionBudgetSpec: Codable, Hashable, Sendable {
    public var minAvailable: IntOrString?
    public var maxUnavailable: IntOrString?
    public var selector: LabelSelector?

    public init(minAvailable: IntOrString? = nil, maxUnavailable: IntOrString? = nil, selector: LabelSelector? = nil) {
        self.minAvailable = minAvailable
        self.maxUnavailable = maxUnavailable
        self.selector = selector
    }
}

/// A networking.k8s.io/v1 NetworkPolicy.
public struct NetworkPolicy: KubernetesResource {
    public static let apiVersion = "networking.k8s.io/v1"
    public static let kind = "NetworkPolicy"
    public static let plural = "networkpolicies"
    public static let namespaced = true

    public var metadata: ObjectMeta
    public var spec: NetworkPolicySpec?

    public init(metadata: ObjectMeta, spec: NetworkPolicySpec? = nil) {
        self.metadata = metadata
        self.spec = spec
    }
}

/// Which pods the policy selects and what traffic it allows.
public struct NetworkPolicySpec: Codable, Hashable, Sendable {
    public var podSelector: LabelSelector
    public var policyTypes: [String]?
    public var ingress: [NetworkPolicyIngressRule]?
    public var egress: [NetworkPolicyEgressRule]?

    public init(
        podSelector: LabelSelector, policyTypes: [String]? = nil, ingress: [NetworkPolicyIngressRule]? = nil,
        egress: [NetworkPolicyEgressRule]? = nil
    ) {
        self.podSelector = podSelector
        self.policyTypes = policyTypes
        self.ingress = ingress
        self.egress = egress
    }
}

/// Allowed incoming traffic.
public struct NetworkPolicyIngressRule: Codable, Hashable, Sendable {
    public var from: [NetworkPolicyPeer]?
    public var ports: [NetworkPolicyPort]?

    public init(from: [NetworkPolicyPeer]? = nil, ports: [NetworkPolicyPort]? = nil) {
        self.from = from
        self.ports = ports
    }
}

/// Allowed outgoing traffic.
public struct NetworkPolicyEgressRule: Codable, Hashable, Sendable {
    public var to: [NetworkPolicyPeer]?
    public var ports: [NetworkPolicyPort]?

    public init(to: [NetworkPolicyPeer]? = nil, ports: [NetworkPolicyPort]? = nil) {
        self.to = to
        self.ports = ports
    }
}

/// A peer of a network policy rule.
public struct NetworkPolicyPeer: Codable, Hashable, Sendable {
    public var podSelector: LabelSelector?
    public var namespaceSelector: LabelSelector?
    public var ipBlock: IPBlock?

    public init(podSelector: LabelSelector? = nil, namespaceSelector: LabelSelector? = nil, ipBlock: IPBlock? = nil) {
        self.podSelector = podSelector
        self.namespaceSelector = namespaceSelector
        self.ipBlock = ipBlock
    }
}

/// A CIDR, minus exceptions.
public struct IPBlock: Codable, Hashable, Sendable {
    public var cidr: String
    public var except: [String]?

    public init(cidr: String, except: [String]? = nil) {
        self.cidr = cidr
        self.except = except
    }
}

/// A port (and protocol) of a network policy rule.
public struct NetworkPolicyPort: Codable, Hashable, Sendable {
    public var `protocol`: String?
    public var port: IntOrString?
    public var endPort: Int32?

    public init(protocol: String? = nil, port: IntOrString? = nil, endPort: Int32? = nil) {
        self.`protocol` = `protocol`
        self.port = port
        self.endPort = endPort
    }
}

/// A label selector: exact labels and set-based expressions.
public struct LabelSelector: Codable, Hashable, Sendable {
    public var matchLabels: [String: String]?
    public var matchExpressions: [LabelSelectorRequirement]?

    public init(matchLabels: [String: String]? = nil, matchExpressions: [LabelSelectorRequirement]? = nil) {
        self.matchLabels = matchLabels
        self.matchExpressions = matchExpressions
    }
}

/// One set-based requirement (`In`, `NotIn`, `Exists`, `DoesNotExist`).
public struct LabelSelectorRequirement: Codable, Hashable, Sendable {
    public var key: String
    public var `operator`: String
    public var values: [String]?

    public init(key: String, operator: String, values: [String]? = nil) {
        self.key = key
        self.`operator` = `operator`
        self.values = values
    }
}
