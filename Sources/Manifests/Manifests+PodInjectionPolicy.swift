import KubernetesModel

extension Manifests {
    /// Adds `{name: <secret>}` to the `imagePullSecrets` of each new Pod in an opted-in namespace whose attach mode
    /// includes pods (PRODUCT.md section 1, attaching), unless an entry of that name is there already.
    ///
    /// `namespaceObject` is empty in match conditions (kube-apiserver 1.36: `no such key: metadata`), and variables
    /// are not declared there, so only what the pod and the request say is a match condition; whether the
    /// namespace opted in and attaches to pods is decided in the mutation, which then patches nothing.
    public static func injectPullSecretPolicy(_ options: ManifestOptions) -> MutatingAdmissionPolicy {
        let config = options.policyConfig
        let annotation = { (name: String) in CEL.string(ManifestNames.metadataPrefix + name) }
        var conditions: [AdmissionMatchCondition] = []
        if !config.excludeNamespaces.isEmpty {
            conditions.append(
                AdmissionMatchCondition(
                    name: "not-in-excluded-namespace",
                    expression: "!(request.namespace in \(CEL.list(config.excludeNamespaces)))"))
        }
        // Static pods' mirrors: the kubelet may not create pods that reference Secrets (NodeRestriction).
        conditions.append(
            AdmissionMatchCondition(
                name: "not-a-mirror-pod",
                expression: """
                    !has(object.metadata.annotations) || !('kubernetes.io/config.mirror' in object.metadata.annotations)
                    """))
        var optedIn = "\(annotation("registries")) in variables.namespaceAnnotations"
        if let selector = config.optIn {
            optedIn += " ||\n  " + CEL.matches(selector, labels: "variables.namespaceLabels")
        }
        let attach = "variables.namespaceAnnotations[\(annotation("attach"))]"
        let attachesToPods =
            config.defaultAttach.injectsIntoPods
            ? "!(\(annotation("attach")) in variables.namespaceAnnotations) ||\n  \(attach) != 'serviceAccounts'"
            : "\(annotation("attach")) in variables.namespaceAnnotations &&\n  \(attach) in ['pods', 'both']"
        let secretAnnotation = "variables.namespaceAnnotations[\(annotation("secret-name"))]"
        let variables = [
            AdmissionVariable(
                name: "namespaceAnnotations",
                expression: "has(namespaceObject.metadata.annotations) ? namespaceObject.metadata.annotations : {}"),
            AdmissionVariable(
                name: "namespaceLabels",
                expression: "has(namespaceObject.metadata.labels) ? namespaceObject.metadata.labels : {}"),
            AdmissionVariable(name: "optedIn", expression: optedIn),
            AdmissionVariable(name: "attachesToPods", expression: attachesToPods),
            AdmissionVariable(
                name: "secretName",
                expression: """
                    \(annotation("secret-name")) in variables.namespaceAnnotations && \(secretAnnotation) != '' ?
                      \(secretAnnotation) : \(CEL.string(config.secretName))
                    """),
            AdmissionVariable(
                name: "alreadyListed",
                expression: """
                    has(object.spec.imagePullSecrets) &&
                      object.spec.imagePullSecrets.exists(s, has(s.name) && s.name == variables.secretName)
                    """),
        ]
        // Two operations when the list is absent, never one whose value is a list of Object{} values: that value
        // makes kube-apiserver 1.36 panic (cel-go ConvertToNative), and a panic fails the request whatever the
        // failurePolicy.
        let patch = """
            !variables.optedIn || !variables.attachesToPods || variables.alreadyListed ? [] :
              (has(object.spec.imagePullSecrets) ? [] :
                [JSONPatch{op: 'add', path: '/spec/imagePullSecrets', value: []}]) +
              [JSONPatch{op: 'add', path: '/spec/imagePullSecrets/-',
                value: Object.spec.imagePullSecrets{name: variables.secretName}}]
            """
        return MutatingAdmissionPolicy(
            metadata: metadata(ManifestNames.injectPullSecretPolicy, options, namespaced: false),
            spec: MutatingAdmissionPolicySpec(
                failurePolicy: "Ignore",
                matchConstraints: MatchResources(resourceRules: [
                    NamedRuleWithOperations(
                        operations: ["CREATE"], apiGroups: [""], apiVersions: ["v1"], resources: ["pods"])
                ]),
                matchConditions: conditions,
                variables: variables,
                mutations: [
                    AdmissionMutation(patchType: "JSONPatch", jsonPatch: AdmissionExpression(expression: patch))
                ],
                reinvocationPolicy: "IfNeeded"))
    }

    /// Turns the pod-injection policy on for every namespace (the policy itself picks the opted-in ones).
    public static func injectPullSecretBinding(_ options: ManifestOptions) -> MutatingAdmissionPolicyBinding {
        MutatingAdmissionPolicyBinding(
            metadata: metadata(ManifestNames.injectPullSecretPolicy, options, namespaced: false),
            spec: MutatingAdmissionPolicyBindingSpec(policyName: ManifestNames.injectPullSecretPolicy))
    }
}
