/// An admissionregistration.k8s.io/v1 MutatingAdmissionPolicy: CEL that changes matching objects at admission
/// (v1 from Kubernetes 1.36; the same schema is served as v1beta1 in 1.34 and 1.35 where that API is enabled).
public struct MutatingAdmissionPolicy: KubernetesResource {
    public static let apiVersion = "admissionregistration.k8s.io/v1"
    public static let kind = "MutatingAdmissionPolicy"
    public static let plural = "mutatingadmissionpolicies"
    public static let namespaced = false

    public var metadata: ObjectMeta
    public var spec: MutatingAdmissionPolicySpec?

    public init(metadata: ObjectMeta, spec: MutatingAdmissionPolicySpec? = nil) {
        self.metadata = metadata
        self.spec = spec
    }
}

/// Which requests a mutating policy sees and how it changes their objects (`paramKind` is not modelled).
public struct MutatingAdmissionPolicySpec: Codable, Hashable, Sendable {
    /// `Fail` or `Ignore` (errors and type-check failures skip the policy).
    public var failurePolicy: String?
    public var matchConstraints: MatchResources?
    public var matchConditions: [AdmissionMatchCondition]?
    public var variables: [AdmissionVariable]?
    public var mutations: [AdmissionMutation]?
    /// `Never` or `IfNeeded` (run again when a later admission plugin changed the object).
    public var reinvocationPolicy: String?

    public init(
        failurePolicy: String? = nil, matchConstraints: MatchResources? = nil,
        matchConditions: [AdmissionMatchCondition]? = nil, variables: [AdmissionVariable]? = nil,
        mutations: [AdmissionMutation]? = nil,
        reinvocationPolicy: String? = nil
    ) {
        self.failurePolicy = failurePolicy
        self.matchConstraints = matchConstraints
        self.matchConditions = matchConditions
        self.variables = variables
        self.mutations = mutations
        self.reinvocationPolicy = reinvocationPolicy
    }
}

/// One change: a JSON patch or an apply configuration, each computed by a CEL expression.
public struct AdmissionMutation: Codable, Hashable, Sendable {
    /// `JSONPatch` or `ApplyConfiguration`.
    public var patchType: String
    public var applyConfiguration: AdmissionExpression?
    public var jsonPatch: AdmissionExpression?

    public init(
        patchType: String, applyConfiguration: AdmissionExpression? = nil, jsonPatch: AdmissionExpression? = nil
    ) {
        self.patchType = patchType
        self.applyConfiguration = applyConfiguration
        self.jsonPatch = jsonPatch
    }
}

/// `{expression: ...}`: the CEL producing a mutation (a list of `JSONPatch{}` values, or an `Object{}`).
public struct AdmissionExpression: Codable, Hashable, Sendable {
    public var expression: String

    public init(expression: String) { self.expression = expression }
}

/// An admissionregistration.k8s.io/v1 MutatingAdmissionPolicyBinding: turns a mutating policy on.
public struct MutatingAdmissionPolicyBinding: KubernetesResource {
    public static let apiVersion = "admissionregistration.k8s.io/v1"
    public static let kind = "MutatingAdmissionPolicyBinding"
    public static let plural = "mutatingadmissionpolicybindings"
    public static let namespaced = false

    public var metadata: ObjectMeta
    public var spec: MutatingAdmissionPolicyBindingSpec?

    public init(metadata: ObjectMeta, spec: MutatingAdmissionPolicyBindingSpec? = nil) {
        self.metadata = metadata
        self.spec = spec
    }
}

/// The mutating policy a binding enables, optionally narrowed.
public struct MutatingAdmissionPolicyBindingSpec: Codable, Hashable, Sendable {
    public var policyName: String
    public var matchResources: MatchResources?

    public init(policyName: String, matchResources: MatchResources? = nil) {
        self.policyName = policyName
        self.matchResources = matchResources
    }
}

/// Encodes a resource with an `apiVersion` chosen at run time (a kind served under several versions, such as the
/// mutating admission policy's v1 and v1beta1) and its `kind`; decodes by ignoring both.
public struct VersionedTyped<Resource: KubernetesResource>: Codable, Hashable, Sendable {
    public var apiVersion: String
    public var object: Resource

    public init(_ object: Resource, apiVersion: String) {
        self.object = object
        self.apiVersion = apiVersion
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: AnyCodingKey.self)
        apiVersion =
            try container.decodeIfPresent(String.self, forKey: AnyCodingKey("apiVersion")) ?? Resource.apiVersion
        object = try Resource(from: decoder)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: AnyCodingKey.self)
        try container.encode(apiVersion, forKey: AnyCodingKey("apiVersion"))
        try container.encode(Resource.kind, forKey: AnyCodingKey("kind"))
        try object.encode(to: encoder)
    }
}
