import KubernetesModel
import YAML

extension Manifests {
    /// Every file of the install in apply order, ending with `kustomization.yaml`.
    public static func render(_ options: ManifestOptions) throws -> [ManifestFile] {
        let encoder = YAMLEncoder()
        func file(_ name: String, _ comment: [String], _ object: some Encodable) throws -> ManifestFile {
            ManifestFile(name: name, comment: rendered + comment, document: try encoder.encodeNode(object))
        }
        var files = [
            try file("namespace.yaml", Comments.namespace, namespace(options).typed),
            try file("serviceaccount.yaml", Comments.serviceAccount(options), serviceAccount(options).typed),
            try file("clusterrole.yaml", Comments.clusterRole, operatorClusterRole(options).typed),
            try file("clusterrolebinding.yaml", Comments.binding, operatorClusterRoleBinding(options).typed),
            try file("role.yaml", Comments.role, leaderElectionRole(options).typed),
            try file("rolebinding.yaml", Comments.binding, leaderElectionRoleBinding(options).typed),
            try file("configmap.yaml", Comments.configMap(options), configMap(options).typed),
            try file("deployment.yaml", Comments.deployment(options), deployment(options).typed),
        ]
        if options.metrics {
            files.append(try file("service.yaml", Comments.service, metricsService(options).typed))
        }
        files.append(
            try file("poddisruptionbudget.yaml", Comments.podDisruptionBudget, podDisruptionBudget(options).typed))
        files.append(try file("networkpolicy.yaml", Comments.networkPolicy(options), networkPolicy(options).typed))
        if options.admissionPolicies {
            files += [
                try file(
                    "validatingadmissionpolicy-namespace-metadata.yaml", Comments.namespaceMetadataPolicy(options),
                    namespaceMetadataPolicy(options).typed),
                try file(
                    "validatingadmissionpolicybinding-namespace-metadata.yaml", Comments.denyBinding,
                    namespaceMetadataBinding(options).typed),
                try file(
                    "validatingadmissionpolicy-operator-writes.yaml", Comments.operatorWritesPolicy(options),
                    operatorWritesPolicy(options).typed),
                try file(
                    "validatingadmissionpolicybinding-operator-writes.yaml", Comments.denyBinding,
                    operatorWritesBinding(options).typed),
            ]
        }
        if options.podInjection {
            let version = options.admissionAPI.apiVersion
            files += [
                try file(
                    "mutatingadmissionpolicy.yaml", Comments.injectPullSecretPolicy(options),
                    VersionedTyped(injectPullSecretPolicy(options), apiVersion: version)),
                try file(
                    "mutatingadmissionpolicybinding.yaml", Comments.injectPullSecretBinding(options),
                    VersionedTyped(injectPullSecretBinding(options), apiVersion: version)),
            ]
        }
        let kustomization = Kustomization(resources: files.map(\.name))
        files.append(try file("kustomization.yaml", Comments.kustomization, kustomization))
        return files
    }

    /// All objects as one multi-document stream (for stdout), without the kustomization.
    public static func stream(_ files: [ManifestFile]) throws -> String {
        try files.filter { $0.name != "kustomization.yaml" }.map { try $0.text() }.joined(separator: "---\n")
    }

    private static let rendered = ["Rendered by `pullkeeper render`; re-render rather than edit (see README, Install)."]
}
