/// The comments written above each rendered document: why each object looks the way it does.
enum Comments {
    static let namespace = [
        "The operator's namespace. The pod is built for the `restricted` Pod Security Standard, so it is enforced here."
    ]

    static func serviceAccount(_ options: ManifestOptions) -> [String] {
        var lines = [
            "The operator's identity in the cluster. Token automount is off here and on in the operator's pod only."
        ]
        if options.identityMode == .workload {
            lines += [
                "Workload identity: the annotation names the Entra application (client ID) whose federated credential",
                "trusts system:serviceaccount:\(options.namespace):\(ManifestNames.app).",
            ]
            if options.clientID == nil { lines.append(placeholderWarning("--client-id")) }
        }
        return lines
    }

    static let clusterRole = [
        "Least privilege, no wildcards: exactly the calls the controller makes.",
        "  namespaces       get list watch                          which namespaces opt in, and when they go away",
        "  secrets          get list watch create update patch delete  the managed pull Secrets in opted-in namespaces",
        "  serviceaccounts  get list watch patch                    its own imagePullSecrets entry, by JSON patch",
        "  events           create patch (events.k8s.io, and core)  deduplicated Events; core/v1 where events.k8s.io is missing",
        "Secrets are cluster-wide because any namespace may opt in; pullkeeper only changes Secrets carrying its",
        "app.kubernetes.io/managed-by label. Deliberately absent: serviceaccounts update and serviceaccounts/token",
        "(it never replaces a ServiceAccount and never mints tokens), and leases (role.yaml, own namespace only).",
    ]

    static let role = [
        "Leader election, only in the operator's namespace: create the Lease, then get and update it by name; a",
        "standby watches it by name (fieldSelector metadata.name) to take it at once when the leader releases it.",
        "`create` cannot be limited to a name: the object does not exist yet when the request is authorised.",
    ]

    static let binding = ["Grants the role above to the operator's ServiceAccount, nothing else."]

    static func configMap(_ options: ManifestOptions) -> [String] {
        var lines = [
            "The operator config (PRODUCT.md section 3), mounted read-only at \(ManifestNames.configDirectory).",
            "Check a changed config with `pullkeeper check --config FILE`; render your own with --config FILE.",
        ]
        guard options.configText == nil else { return lines }
        switch options.identityMode {
        case .workload:
            lines.append(
                "The `environment` identity reads the AZURE_* variables the workload-identity webhook injects.")
        case .managed:
            lines.append("System-assigned managed identity; render with --client-id for a user-assigned one.")
        case .servicePrincipal:
            lines.append(
                "The client secret is the file client-secret of the Secret \(ManifestNames.credentialsSecret).")
            if options.tenantID == nil || options.clientID == nil {
                lines.append(placeholderWarning("--tenant-id and --client-id"))
            }
        case .static:
            lines.append(
                "username, password and password2 (optional) come from the Secret \(ManifestNames.credentialsSecret).")
        }
        return lines
    }

    static func deployment(_ options: ManifestOptions) -> [String] {
        var lines = [
            "Non-root, read-only root filesystem, all capabilities dropped, RuntimeDefault seccomp, no privilege",
            "escalation. Replicas elect a leader through the Lease \(ManifestNames.lease); a standby takes over",
            "within the lease duration (15 s).",
        ]
        if options.identityMode.mountsCredentials {
            let files = options.identityMode.credentialKeys.map { "--from-file=\($0)=./\($0)" }.joined(separator: " ")
            lines += [
                "Credentials are files of the Secret \(ManifestNames.credentialsSecret), which you create (it is not",
                "rendered here), mode 0440 (defaultMode 288): readable by the pod's fsGroup only. pullkeeper",
                "re-reads them on every use, so rotating them needs no restart:",
                "  kubectl -n \(options.namespace) create secret generic \(ManifestNames.credentialsSecret) \(files)",
            ]
        }
        return lines
    }

    static let service = ["Prometheus metrics (/metrics) of every replica."]

    static let podDisruptionBudget = [
        "At most one replica down at a time during voluntary disruptions (node drains); never blocks with one replica."
    ]

    static func networkPolicy(_ options: ManifestOptions) -> [String] {
        var lines = [
            "Ingress: only the metrics (\(ManifestNames.metricsPort)) and health (\(ManifestNames.healthPort)) ports.",
            "Egress cannot be narrowed to addresses: Entra ID, the registries and their token endpoints are outside",
            "the cluster behind shared, changing addresses, and the API server's address differs per cluster. So:",
            "DNS (53 UDP/TCP), HTTPS (443), and 6443 for API servers that listen there.",
        ]
        if !options.metrics { lines[0] = "Ingress: only the health (\(ManifestNames.healthPort)) port." }
        if options.identityMode == .managed {
            lines.append("Managed identity: IMDS at 169.254.169.254:80 (plain HTTP, link-local, on every node).")
        }
        return lines
    }

    static let kustomization = ["Install with `kubectl apply -k DIR`."]

    static func namespaceMetadataPolicy(_ options: ManifestOptions) -> [String] {
        var lines = [
            "Who may opt a namespace in. Tenants who may edit namespaces (self-service namespaces, Capsule owners,",
            "Argo CD managedNamespaceMetadata) could otherwise set pullkeeper.io/ annotations and labels, or the",
            "config's opt-in labels, and pick registries, identities or Secret names. The config stays the authority",
            "(tenancy); this narrows who may ask: only \(Manifests.namespaceAdmins(options)).",
            "Change them with --namespace-admin-group / --namespace-admin-user (both repeatable; they replace the",
            "defaults, so keep system:masters to keep cluster admins). Matches CREATE and UPDATE of namespaces only:",
            "other metadata, namespaces/status, namespaces/finalize and deletion pass; maps are compared key by key.",
        ]
        if let keys = options.policyConfig.optIn?.keys, !keys.isEmpty {
            lines.append("Opt-in label keys from the config's namespaceSelector: \(keys.joined(separator: ", ")).")
        }
        lines.append(
            "Needs Kubernetes 1.30 or later (admissionregistration.k8s.io/v1); --no-admission-policies leaves it out.")
        return lines
    }

    static func operatorWritesPolicy(_ options: ManifestOptions) -> [String] {
        [
            "What the operator's own ServiceAccount (\(Manifests.operatorUsername(options))) may write, beyond",
            "what RBAC can say: the ClusterRole grants Secrets cluster-wide, so a stolen token could overwrite, adopt",
            "or delete any Secret. Here it may create and update only kubernetes.io/dockerconfigjson Secrets labelled",
            "\(ManifestNames.managedByLabel)=\(ManifestNames.managedByValue), update and delete only Secrets that already carried that label,",
            "and change nothing of a ServiceAccount but imagePullSecrets. Nobody else is matched. The operator needs",
            "no extra rights for this (the API server enforces it); --no-admission-policies leaves it out.",
        ]
    }

    static let denyBinding = [
        "Binds the policy above cluster-wide with validationActions [Deny]: a refused request fails with its message."
    ]

    static func injectPullSecretPolicy(_ options: ManifestOptions) -> [String] {
        let config = options.policyConfig
        var lines = [
            "attach: pods (or both): adds the namespace's pull Secret (pullkeeper.io/secret-name, else the config's",
            "secretName \(config.secretName)) to each new Pod's imagePullSecrets in opted-in namespaces, so no",
            "ServiceAccount has to change (nothing for a GitOps tool to revert). Skips pods that list it already,",
            "mirror pods, namespaces annotated pullkeeper.io/attach: serviceAccounts, and the excluded namespaces.",
            "failurePolicy Ignore: pullkeeper never blocks pod creation; reinvocationPolicy IfNeeded re-adds it after",
            "later mutations. Not a webhook: nothing of pullkeeper has to run for it.",
        ]
        if !config.defaultAttach.injectsIntoPods {
            lines.append(
                "The config's default attach is serviceAccounts: only namespaces annotated pods or both get it.")
        }
        switch options.admissionAPI {
        case .v1:
            lines.append(
                "Kubernetes 1.36 or later; 1.34-1.35 with the v1beta1 API on: --admission-api v1beta1. Or --no-pod-injection."
            )
        case .v1beta1:
            lines.append(
                "v1beta1: Kubernetes 1.34-1.35 with the MutatingAdmissionPolicy feature gate and v1beta1 API enabled.")
        }
        return lines
    }

    static func injectPullSecretBinding(_ options: ManifestOptions) -> [String] {
        [
            "Binds the policy above cluster-wide; the policy itself picks opted-in namespaces (an annotation or the",
            "config's selector, which a namespaceSelector here could not express) at admission time.",
        ]
    }

    private static func placeholderWarning(_ flags: String) -> String {
        "\(ManifestNames.placeholderGUID) is a placeholder: render with \(flags), or patch it in."
    }
}
