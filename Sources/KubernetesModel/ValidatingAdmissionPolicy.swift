/// An admissionregistration.k8s.io/v1 ValidatingAdmissionPolicy: CEL checks the API server runs on matching
/// requests (served as v1 since Kubernetes 1.30).
public struct ValidatingAdmissionPolicy: KubernetesResource {
    public static let apiVersion = "admissionregistration.k8s.io/v1"
    public static let kind = "ValidatingAdmissionPolicy"
    public static let plural = "validatingadmissionpolicies"
    public static let namespaced = false

    public var metadata: ObjectMeta
    public var spec: ValidatingAdmissionPolicySpec?

    public init(metadata: ObjectMeta, spec: ValidatingAdmissionPolicySpec? = nil) {
        self.metadata = metadata
        self.spec = spec
    }
}

/// Which requests a validating policy sees and what it checks. Parameters (`paramKind`) and audit annotations are
/// not modelled: pullkeeper's policies bake their inputs in at render time.
public struct ValidatingAdmissionPolicySpec: Codable, Hashable, Sendable {
    /// `Fail` (reject the request when the policy cannot be evaluated) or `Ignore`.
    public var failurePolicy: String?
    public var matchConstraints: MatchResources?
    /// Further CEL filters; every one must be true for the validations to run.
    public var matchConditions: [AdmissionMatchCondition]?
    /// Named CEL values that validations and messages read as `variables.<name>`.
    public var variables: [AdmissionVariable]?
    public var validations: [AdmissionValidation]?

    public init(
        failurePolicy: String? = nil, matchConstraints: MatchResources? = nil,
        matchConditions: [AdmissionMatchCondition]? = nil, variables: [AdmissionVariable]? = nil,
        validations: [AdmissionValidation]? = nil
    ) {
        self.failurePolicy = failurePolicy
        self.matchConstraints = matchConstraints
        self.matchConditions = matchConditions
        self.variables = variables
        self.validations = validations
    }
}

/// An admissionregistration.k8s.io/v1 ValidatingAdmissionPolicyBinding: turns a policy on, and says what a failed
/// validation does (`Deny`, `Warn`, `Audit`).
public struct ValidatingAdmissionPolicyBinding: KubernetesResource {
    public static let apiVersion = "admissionregistration.k8s.io/v1"
    public static let kind = "ValidatingAdmissionPolicyBinding"
    public static let plural = "validatingadmissionpolicybindings"
    public static let namespaced = false

    public var metadata: ObjectMeta
    public var spec: ValidatingAdmissionPolicyBindingSpec?

    public init(metadata: ObjectMeta, spec: ValidatingAdmissionPolicyBindingSpec? = nil) {
        self.metadata = metadata
        self.spec = spec
    }
}

/// The policy a validating binding enables, optionally narrowed, and the actions taken when it fails.
public struct ValidatingAdmissionPolicyBindingSpec: Codable, Hashable, Sendable {
    public var policyName: String
    public var matchResources: MatchResources?
    public var validationActions: [String]?

    public init(policyName: String, matchResources: MatchResources? = nil, validationActions: [String]? = nil) {
        self.policyName = policyName
        self.matchResources = matchResources
        self.validationActions = validationActions
    }
}

/// Which requests an admission policy (or binding) applies to.
public struct MatchResources: Codable, Hashable, Sendable {
    public var namespaceSelector: LabelSelector?
    public var objectSelector: LabelSelector?
    public var resourceRules: [NamedRuleWithOperations]?
    public var excludeResourceRules: [NamedRuleWithOperations]?
    /// `Equivalent` (default: also requests through other versions of the same resource) or `Exact`.
    public var matchPolicy: String?

    public init(
        namespaceSelector: LabelSelector? = nil, objectSelector: LabelSelector? = nil,
        resourceRules: [NamedRuleWithOperations]? = nil, excludeResourceRules: [NamedRuleWithOperations]? = nil,
        matchPolicy: String? = nil
    ) {
        self.namespaceSelector = namespaceSelector
        self.objectSelector = objectSelector
        self.resourceRules = resourceRules
        self.excludeResourceRules = excludeResourceRules
        self.matchPolicy = matchPolicy
    }
}

/// Operations on resources of API groups and versions (a resource without `/sub` matches no subresource).
public struct NamedRuleWithOperations: Codable, Hashable, Sendable {
    public var resourceNames: [String]?
    public var operations: [String]?
    public var apiGroups: [String]?
    public var apiVersions: [String]?
    public var resources: [String]?
    /// `Cluster`, `Namespaced` or `*`.
    public var scope: String?

    public init(
        resourceNames: [String]? = nil, operations: [String]? = nil, apiGroups: [String]? = nil,
        apiVersions: [String]? = nil, resources: [String]? = nil, scope: String? = nil
    ) {
        self.resourceNames = resourceNames
        self.operations = operations
        self.apiGroups = apiGroups
        self.apiVersions = apiVersions
        self.resources = resources
        self.scope = scope
    }
}

/// A named CEL condition that must be true for a policy to apply to a request.
public struct AdmissionMatchCondition: Codable, Hashable, Sendable {
    public var name: String
    public var expression: String

    public init(name: String, expression: String) {
        self.name = name
        self.expression = expression
    }
}

/// A named CEL value, evaluated lazily, read by later variables, validations and mutations.
public struct AdmissionVariable: Codable, Hashable, Sendable {
    public var name: String
    public var expression: String

    public init(name: String, expression: String) {
        self.name = name
        self.expression = expression
    }
}

/// One CEL check: the request passes when `expression` is true; otherwise `messageExpression` (or `message`)
/// says why, with `reason` as the HTTP status reason (`Forbidden`, `Invalid`, ...).
public struct AdmissionValidation: Codable, Hashable, Sendable {
    public var expression: String
    public var message: String?
    public var reason: String?
    public var messageExpression: String?

    public init(expression: String, message: String? = nil, reason: String? = nil, messageExpression: String? = nil) {
        self.expression = expression
        self.message = message
        self.reason = reason
        self.messageExpression = messageExpression
    }
}
