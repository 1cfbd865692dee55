import KubernetesModel

extension Manifests {
    /// The operator's own ServiceAccount may write only what the controller writes: its managed dockerconfigjson
    /// Secrets, and nothing but `imagePullSecrets` of ServiceAccounts. A stolen token cannot overwrite, adopt or
    /// delete another Secret, nor use its `serviceaccounts patch` right for anything else.
    public static func operatorWritesPolicy(_ options: ManifestOptions) -> ValidatingAdmissionPolicy {
        let label = CEL.string(ManifestNames.managedByLabel)
        let value = CEL.string(ManifestNames.managedByValue)
        let managed = "\(ManifestNames.managedByLabel)=\(ManifestNames.managedByValue)"
        let variables = [
            AdmissionVariable(name: "isSecret", expression: "request.resource.resource == 'secrets'"),
            // DELETE has no object; its oldObject is what would be deleted.
            AdmissionVariable(
                name: "managedAfter",
                expression: """
                    object != null && has(object.type) && object.type == 'kubernetes.io/dockerconfigjson' &&
                      has(object.metadata.labels) && \(label) in object.metadata.labels &&
                      object.metadata.labels[\(label)] == \(value)
                    """),
            AdmissionVariable(
                name: "managedBefore",
                expression: """
                    oldObject != null && has(oldObject.metadata.labels) && \(label) in oldObject.metadata.labels &&
                      oldObject.metadata.labels[\(label)] == \(value)
                    """),
            // Fields a JSON patch of imagePullSecrets leaves alone; resourceVersion, managedFields and generation
            // change on every write and are not compared. Absent and empty read the same.
            AdmissionVariable(
                name: "serviceAccountChanges",
                expression: "variables.isSecret ? [] :\n"
                    + [
                        unchanged("object.metadata.labels", "oldObject.metadata.labels", empty: "{}"),
                        unchanged("object.metadata.annotations", "oldObject.metadata.annotations", empty: "{}"),
                        unchanged("object.metadata.finalizers", "oldObject.metadata.finalizers", empty: "[]"),
                        unchanged("object.metadata.ownerReferences", "oldObject.metadata.ownerReferences", empty: "[]"),
                        unchanged("object.secrets", "oldObject.secrets", empty: "[]"),
                        """
                          (has(object.automountServiceAccountToken) == has(oldObject.automountServiceAccountToken) &&
                              (!has(object.automountServiceAccountToken) ||
                                object.automountServiceAccountToken == oldObject.automountServiceAccountToken) ?
                            [] : ['automountServiceAccountToken'])
                        """,
                    ].joined(separator: " +\n")),
        ]
        return ValidatingAdmissionPolicy(
            metadata: metadata(ManifestNames.operatorWritesPolicy, options, namespaced: false),
            spec: ValidatingAdmissionPolicySpec(
                failurePolicy: "Fail",
                matchConstraints: MatchResources(resourceRules: [
                    NamedRuleWithOperations(
                        operations: ["CREATE", "UPDATE", "DELETE"], apiGroups: [""], apiVersions: ["v1"],
                        resources: ["secrets"]),
                    // A PATCH is an UPDATE at admission.
                    NamedRuleWithOperations(
                        operations: ["UPDATE"], apiGroups: [""], apiVersions: ["v1"], resources: ["serviceaccounts"]),
                ]),
                matchConditions: [
                    AdmissionMatchCondition(
                        name: "operator",
                        expression: "request.userInfo.username == \(CEL.string(operatorUsername(options)))")
                ],
                variables: variables,
                validations: [
                    AdmissionValidation(
                        expression: "!variables.isSecret || request.operation == 'DELETE' || variables.managedAfter",
                        reason: "Forbidden",
                        messageExpression: """
                            'pullkeeper may only create or update Secrets of type kubernetes.io/dockerconfigjson labelled \
                            \(managed); ' + request.namespace + '/' + request.name + ' would not be one'
                            """),
                    AdmissionValidation(
                        expression: "!variables.isSecret || request.operation == 'CREATE' || variables.managedBefore",
                        reason: "Forbidden",
                        messageExpression: """
                            'pullkeeper may only update or delete Secrets that already carry \(managed); ' + \
                            request.namespace + '/' + request.name + ' does not'
                            """),
                    AdmissionValidation(
                        expression: "size(variables.serviceAccountChanges) == 0",
                        reason: "Forbidden",
                        messageExpression: """
                            'pullkeeper may change only imagePullSecrets of ServiceAccounts; this request to ' + \
                            request.namespace + '/' + request.name + ' also changes ' + \
                            variables.serviceAccountChanges.join(', ')
                            """),
                ]))
    }

    /// Denies what the operator-writes policy refuses.
    public static func operatorWritesBinding(_ options: ManifestOptions) -> ValidatingAdmissionPolicyBinding {
        ValidatingAdmissionPolicyBinding(
            metadata: metadata(ManifestNames.operatorWritesPolicy, options, namespaced: false),
            spec: ValidatingAdmissionPolicyBindingSpec(
                policyName: ManifestNames.operatorWritesPolicy, validationActions: ["Deny"]))
    }

    /// `system:serviceaccount:<namespace>:pullkeeper`: who the operator is to the API server.
    public static func operatorUsername(_ options: ManifestOptions) -> String {
        "system:serviceaccount:\(options.namespace):\(ManifestNames.app)"
    }

    /// `(<new> == <old> ? [] : ['<field>'])`, reading an absent field as `empty`.
    private static func unchanged(_ new: String, _ old: String, empty: String) -> String {
        let field = new.replacingOccurrences(of: "object.", with: "")
        return """
              ((has(\(new)) ? \(new) : \(empty)) == (has(\(old)) ? \(old) : \(empty)) ?
                [] : ['\(field)'])
            """
    }
}
