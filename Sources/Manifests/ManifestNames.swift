/// The fixed names and paths of the pod contract that `pullkeeper run` and the manifests agree on.
public enum ManifestNames {
    /// Name of the Deployment, ServiceAccount, ClusterRole, bindings, PDB and NetworkPolicy.
    public static let app = "pullkeeper"
    /// The ConfigMap holding `config.yaml`.
    public static let configMap = "pullkeeper-config"
    /// The key of the operator config in the ConfigMap.
    public static let configKey = "config.yaml"
    /// The Secret users create with the operator's own credential files.
    public static let credentialsSecret = "pullkeeper-credentials"
    /// The leader-election Lease (fixed in `pullkeeper run`).
    public static let lease = "pullkeeper-leader"
    /// The Role (and RoleBinding) for the Lease.
    public static let leaderElectionRole = "pullkeeper-leader-election"
    /// The Service in front of the metrics port.
    public static let metricsService = "pullkeeper-metrics"
    /// The container name.
    public static let container = "pullkeeper"
    /// The binary inside the image.
    public static let binary = "/usr/local/bin/pullkeeper"
    /// Where the ConfigMap is mounted.
    public static let configDirectory = "/etc/pullkeeper/config"
    /// Where the credentials Secret is mounted.
    public static let credentialsDirectory = "/etc/pullkeeper/credentials"
    /// The port serving `/metrics`.
    public static let metricsPort: Int32 = 8080
    /// The port serving `/healthz` and `/readyz`.
    public static let healthPort: Int32 = 8081
    /// The user and group the container runs as (the distroless `nonroot` id; the Dockerfile creates it too).
    public static let runAsUser: Int64 = 65532
    /// Stands in for tenant and client IDs nobody passed: obviously not real, still a valid GUID.
    public static let placeholderGUID = "00000000-0000-0000-0000-000000000000"
    /// The default image repository; the tag is the pullkeeper version.
    public static let imageRepository = "ghcr.io/pullkeeper/pullkeeper"
    /// The ValidatingAdmissionPolicy (and binding) limiting who may set pullkeeper's namespace metadata.
    public static let namespaceMetadataPolicy = "pullkeeper-namespace-metadata"
    /// The ValidatingAdmissionPolicy (and binding) limiting what the operator's ServiceAccount may write.
    public static let operatorWritesPolicy = "pullkeeper-operator-writes"
    /// The MutatingAdmissionPolicy (and binding) adding the pull Secret to pods at admission.
    public static let injectPullSecretPolicy = "pullkeeper-inject-pull-secret"
    /// Groups whose members may set pullkeeper's namespace metadata unless render is told otherwise.
    public static let defaultNamespaceAdminGroups = ["system:masters", "pullkeeper:namespace-admins"]
    /// The prefix of every pullkeeper annotation and label.
    public static let metadataPrefix = "pullkeeper.io/"
    /// The label marking the Secrets pullkeeper owns, and its value (PRODUCT.md section 2).
    public static let managedByLabel = "app.kubernetes.io/managed-by"
    public static let managedByValue = "pullkeeper"
}
