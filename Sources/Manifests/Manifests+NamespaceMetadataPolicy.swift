import KubernetesModel

extension Manifests {
    /// Only configured groups and users may add, change or remove `pullkeeper.io/` annotations and labels, or the
    /// config's opt-in label keys, on namespaces (PRODUCT.md section 1, tenancy). Anything else on a namespace,
    /// its subresources and its deletion are not matched.
    public static func namespaceMetadataPolicy(_ options: ManifestOptions) -> ValidatingAdmissionPolicy {
        let prefix = CEL.string(ManifestNames.metadataPrefix)
        let users = CEL.list(options.namespaceAdminUsers)
        let groups = CEL.list(options.namespaceAdminGroups)
        let labelKeys = options.policyConfig.optIn?.keys ?? []
        let variables = [
            AdmissionVariable(
                name: "namespaceAdmin",
                expression: """
                    request.userInfo.username in \(users) ||
                      (has(request.userInfo.groups) && request.userInfo.groups.exists(g, g in \(groups)))
                    """),
            AdmissionVariable(name: "optInLabelKeys", expression: CEL.list(labelKeys)),
            AdmissionVariable(name: "newAnnotations", expression: current("annotations")),
            AdmissionVariable(name: "oldAnnotations", expression: previous("annotations")),
            AdmissionVariable(name: "newLabels", expression: current("labels")),
            AdmissionVariable(name: "oldLabels", expression: previous("labels")),
            // Key by key, both ways: added or changed keys of the new map, removed keys of the old one. Map order
            // never matters, and an absent map reads as an empty one.
            AdmissionVariable(
                name: "changed",
                expression: """
                    variables.newAnnotations.filter(k, k.startsWith(\(prefix)) &&
                        !(k in variables.oldAnnotations && variables.oldAnnotations[k] == variables.newAnnotations[k]))
                      .map(k, 'annotation ' + k) +
                    variables.oldAnnotations.filter(k, k.startsWith(\(prefix)) && !(k in variables.newAnnotations))
                      .map(k, 'annotation ' + k) +
                    variables.newLabels.filter(k, (k.startsWith(\(prefix)) || k in variables.optInLabelKeys) &&
                        !(k in variables.oldLabels && variables.oldLabels[k] == variables.newLabels[k]))
                      .map(k, 'label ' + k) +
                    variables.oldLabels.filter(k, (k.startsWith(\(prefix)) || k in variables.optInLabelKeys) &&
                        !(k in variables.newLabels))
                      .map(k, 'label ' + k)
                    """),
        ]
        var what = "\(ManifestNames.metadataPrefix) namespace metadata"
        if !labelKeys.isEmpty {
            what += " or the opt-in label\(labelKeys.count == 1 ? "" : "s") \(labelKeys.joined(separator: ", "))"
        }
        let message = CEL.string("only \(namespaceAdmins(options)) may set \(what) (user ")
        return ValidatingAdmissionPolicy(
            metadata: metadata(ManifestNames.namespaceMetadataPolicy, options, namespaced: false),
            spec: ValidatingAdmissionPolicySpec(
                failurePolicy: "Fail",
                matchConstraints: MatchResources(resourceRules: [
                    // `namespaces` alone: namespaces/status and namespaces/finalize stay out, and so does DELETE.
                    NamedRuleWithOperations(
                        operations: ["CREATE", "UPDATE"], apiGroups: [""], apiVersions: ["v1"],
                        resources: ["namespaces"])
                ]),
                variables: variables,
                validations: [
                    AdmissionValidation(
                        expression: "variables.namespaceAdmin || size(variables.changed) == 0",
                        reason: "Forbidden",
                        messageExpression: """
                            \(message) + request.userInfo.username +
                              ' is not; the request changes ' + variables.changed.join(', ') + '); ask a cluster admin'
                            """)
                ]))
    }

    /// Denies what the namespace-metadata policy refuses.
    public static func namespaceMetadataBinding(_ options: ManifestOptions) -> ValidatingAdmissionPolicyBinding {
        ValidatingAdmissionPolicyBinding(
            metadata: metadata(ManifestNames.namespaceMetadataPolicy, options, namespaced: false),
            spec: ValidatingAdmissionPolicyBindingSpec(
                policyName: ManifestNames.namespaceMetadataPolicy, validationActions: ["Deny"]))
    }

    /// `members of G1, G2 and the users U1`, `members of G1`, or `the users U1, U2`.
    static func namespaceAdmins(_ options: ManifestOptions) -> String {
        let groups = options.namespaceAdminGroups.joined(separator: ", ")
        let users = options.namespaceAdminUsers.joined(separator: ", ")
        if options.namespaceAdminUsers.isEmpty { return "members of \(groups)" }
        if options.namespaceAdminGroups.isEmpty { return "the users \(users)" }
        return "members of \(groups) and the users \(users)"
    }

    /// `object.metadata.<field>`, or `{}` when the object has none.
    private static func current(_ field: String) -> String {
        "has(object.metadata.\(field)) ? object.metadata.\(field) : {}"
    }

    /// `oldObject.metadata.<field>`, or `{}` on CREATE (no old object) or when it had none.
    private static func previous(_ field: String) -> String {
        "(oldObject != null && has(oldObject.metadata.\(field))) ? oldObject.metadata.\(field) : {}"
    }
}
