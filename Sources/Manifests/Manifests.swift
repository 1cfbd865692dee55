import KubernetesModel

/// The install manifests of PRODUCT.md §4 `render` as typed values; `render(_:)` turns them into files.
public enum Manifests {
    /// Labels every object carries (the `helm create` set, without Helm's own).
    public static func labels(_ options: ManifestOptions) -> [String: String] {
        selectorLabels.merging(["app.kubernetes.io/version": options.version]) { first, _ in first }
    }

    /// The labels that select the operator's pods; they never change across upgrades (selectors are immutable).
    public static let selectorLabels = [
        "app.kubernetes.io/name": ManifestNames.app,
        "app.kubernetes.io/instance": ManifestNames.app,
    ]

    static func metadata(
        _ name: String, _ options: ManifestOptions, namespaced: Bool = true, annotations: [String: String]? = nil
    ) -> ObjectMeta {
        ObjectMeta(
            name: name, namespace: namespaced ? options.namespace : nil, labels: labels(options),
            annotations: annotations)
    }

    /// The operator's namespace, enforcing the `restricted` Pod Security Standard the pod is built for.
    public static func namespace(_ options: ManifestOptions) -> Namespace {
        var metadata = metadata(options.namespace, options, namespaced: false)
        metadata.labels?["pod-security.kubernetes.io/enforce"] = "restricted"
        metadata.labels?["pod-security.kubernetes.io/warn"] = "restricted"
        return Namespace(metadata: metadata)
    }

    /// The operator's ServiceAccount; in workload mode it names the Entra application the webhook federates with.
    public static func serviceAccount(_ options: ManifestOptions) -> ServiceAccount {
        var annotations: [String: String]?
        if options.identityMode == .workload {
            annotations = ["azure.workload.identity/client-id": options.effectiveClientID]
            if let tenant = options.tenantID { annotations?["azure.workload.identity/tenant-id"] = tenant }
        }
        // Only the operator's pod needs an API token, and it asks for one itself (automountServiceAccountToken).
        return ServiceAccount(
            metadata: metadata(ManifestNames.app, options, annotations: annotations),
            automountServiceAccountToken: false)
    }
}
