import KubernetesModel
import YAML

extension Manifests {
    /// The ConfigMap with `config.yaml`: the given config text, or the default config of the identity mode.
    public static func configMap(_ options: ManifestOptions) throws -> ConfigMap {
        let text = try options.configText ?? defaultConfigText(options)
        return ConfigMap(metadata: metadata(ManifestNames.configMap, options), data: [ManifestNames.configKey: text])
    }

    /// The default operator config of the identity mode, emitted through libyaml.
    public static func defaultConfigText(_ options: ManifestOptions) throws -> String {
        try YAML.emit(defaultConfig(options))
    }

    /// One identity named after the mode, used by every namespace that does not pick another; PRODUCT.md §3 defaults
    /// are spelled out so that users see the knobs they are most likely to turn.
    public static func defaultConfig(_ options: ManifestOptions) -> YAMLNode {
        let config: YAMLNode = .mapping([
            "cloud": .scalar("public"),
            "defaultIdentity": .scalar(options.identityMode.identityName),
            "secretName": .scalar("acr-pull"),
            "serviceAccounts": .sequence([.scalar("default")]),
            "excludeNamespaces": .sequence(["kube-system", "kube-public", "kube-node-lease"].map { .scalar($0) }),
            "refresh": .mapping([
                "fraction": .scalar("0.5", style: .plain),
                "jitter": .scalar("0.1", style: .plain),
                "resync": .scalar("10m"),
            ]),
            "identities": .sequence([
                .mapping([
                    "name": .scalar(options.identityMode.identityName),
                    credentialKey(options.identityMode): credential(options),
                    // Tenancy, deny by default: only these namespaces, only these registries, only pull.
                    "namespaces": .sequence(options.grantedNamespaces.map { .scalar($0) }),
                    "registries": .sequence(options.grantedRegistries.map { .scalar($0) }),
                    "actions": .sequence([.scalar("pull")]),
                ])
            ]),
        ])
        guard options.repairPods, case .mapping(var pairs) = config.content,
            let index = pairs.firstIndex(where: { $0.key.scalar?.value == "serviceAccounts" })
        else { return config }
        pairs.insert(YAMLPair(.scalar("repairPods"), .scalar("true", style: .plain)), at: index + 1)
        return .mapping(pairs)
    }

    private static func credentialKey(_ mode: IdentityMode) -> String {
        switch mode {
        case .workload: "environment"
        case .managed: "managedIdentity"
        case .servicePrincipal: "servicePrincipal"
        case .static: "static"
        }
    }

    private static func credential(_ options: ManifestOptions) -> YAMLNode {
        let directory = ManifestNames.credentialsDirectory
        switch options.identityMode {
        case .workload:
            // The workload-identity webhook injects AZURE_CLIENT_ID, AZURE_TENANT_ID, AZURE_FEDERATED_TOKEN_FILE
            // and AZURE_AUTHORITY_HOST from the ServiceAccount's annotations.
            return .mapping([])
        case .managed:
            guard let clientID = options.clientID else { return .mapping([]) }
            return .mapping(["clientID": .scalar(clientID)])
        case .servicePrincipal:
            return .mapping([
                "tenantID": .scalar(options.effectiveTenantID),
                "clientID": .scalar(options.effectiveClientID),
                "clientSecretFile": .scalar("\(directory)/client-secret"),
            ])
        case .static:
            return .mapping([
                "usernameFile": .scalar("\(directory)/username"),
                "passwordFile": .scalar("\(directory)/password"),
                "password2File": .scalar("\(directory)/password2"),
            ])
        }
    }
}
