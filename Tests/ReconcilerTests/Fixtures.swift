import Foundation
import PullKeeperConfig
import PullKeeperCore
import Reconciler

/// Builders for the scenario table: a fixed clock, a config with every kind of identity, and helpers that write
/// Secrets exactly as pullkeeper would have.
enum Fixture {
    static let now = Date(timeIntervalSince1970: 1_767_225_600)  // 2026-01-01T00:00:00Z
    static let registry = "contoso.azurecr.io"
    static let other = "fabrikam.azurecr.io"

    static let config = OperatorConfig(
        defaultIdentity: "sp",
        namespaceSelector: NamespaceSelector(
            selector: LabelSelector(matchLabels: ["pullkeeper.io/enabled": "true"]),
            registries: [registry]),
        refresh: RefreshPolicy(fraction: 0.5, jitter: 0, resync: .seconds(600)),
        identities: [
            IdentityConfig(name: "sp", credential: .environment, namespaces: ["*"], registries: servedRegistries),
            IdentityConfig(
                name: "mi", credential: .managedIdentity(.init()), namespaces: ["*"], registries: servedRegistries),
            IdentityConfig(name: "ci", credential: .environment, namespaces: ["ci", "ci-*"], registries: [registry]),
            IdentityConfig(
                name: "admin",
                credential: .static(.init(username: "contoso", passwordFile: "/p", password2File: "/p2")),
                namespaces: ["team-a"], registries: [registry, other]),
        ])

    /// What the identities that serve every namespace are granted (the registries the scenarios ask for).
    static let servedRegistries = [
        registry, other, "xn--cntoso-3ve.azurecr.io", "a.azurecr.io", "z.azurecr.io",
    ]

    static let reconciler = Reconciler(config: config)

    static func namespace(
        _ name: String = "team-a", registries: String? = registry, labels: [String: String] = [:],
        extra: [String: String] = [:], terminating: Bool = false
    ) -> ObservedNamespace {
        var annotations = extra
        if let registries { annotations[SecretLayout.registriesAnnotation] = registries }
        return ObservedNamespace(name: name, labels: labels, annotations: annotations, terminating: terminating)
    }

    static func token(_ value: String = "refresh-token-1", expiresIn: TimeInterval = 3 * 3600) -> PullCredential {
        PullCredential(
            username: SecretLayout.tokenUsername, password: value, expiresOn: now.addingTimeInterval(expiresIn))
    }

    static func dockerConfig(_ entries: [String: PullCredential]) -> Data {
        DockerConfig(auths: entries.mapValues { DockerConfig.Entry(username: $0.username, password: $0.password) })
            .encoded()
    }

    /// A Secret pullkeeper wrote `age` seconds ago with the given credentials.
    static func managedSecret(
        _ name: String = "acr-pull", credentials: [String: PullCredential]? = nil, identity: String = "sp",
        registries: [String] = [registry], scope: String? = nil, refreshedAgo: TimeInterval = 600,
        lifetime: TimeInterval = 3 * 3600, data: Data? = nil, type: String = SecretLayout.dockerConfigJSONType,
        hash: String? = nil, contentHash: String? = nil
    ) -> ObservedSecret {
        let refreshedAt = now.addingTimeInterval(-refreshedAgo)
        let expiresAt = refreshedAt.addingTimeInterval(lifetime)
        let creds =
            credentials
            ?? Dictionary(
                uniqueKeysWithValues: registries.map {
                    (
                        $0,
                        PullCredential(
                            username: SecretLayout.tokenUsername, password: "old-token", expiresOn: expiresAt)
                    )
                })
        let payload = data ?? dockerConfig(creds)
        var annotations = [
            SecretLayout.expiresAtAnnotation: SecretLayout.timestamp(expiresAt),
            SecretLayout.refreshedAtAnnotation: SecretLayout.timestamp(refreshedAt),
            SecretLayout.inputsHashAnnotation: hash
                ?? SecretLayout.inputsHash(identity: identity, registries: registries, scope: scope),
            "argocd.argoproj.io/tracking-id": "foreign",
        ]
        annotations[SecretLayout.contentHashAnnotation] = contentHash
        return ObservedSecret(
            name: name, labels: [SecretLayout.managedByLabel: SecretLayout.managedByValue], annotations: annotations,
            type: type, data: [SecretLayout.dockerConfigJSONKey: payload], resourceVersion: "41", uid: "uid-\(name)")
    }

    static func account(
        _ name: String = "default", _ entries: [String?] = [], resourceVersion: String = "7"
    ) -> ObservedServiceAccount {
        ObservedServiceAccount(name: name, imagePullSecrets: entries, resourceVersion: resourceVersion)
    }

    static func desired(
        _ credentials: [String: PullCredential], identity: String = "sp", scope: String? = nil,
        name: String = "acr-pull",
        requested: [String]? = nil
    ) -> DesiredSecret {
        let registries = requested ?? credentials.keys.sorted()
        let expiresAt = credentials.values.compactMap(\.expiresOn).min()
        let data = dockerConfig(credentials)
        var annotations = [
            SecretLayout.refreshedAtAnnotation: SecretLayout.timestamp(now),
            SecretLayout.inputsHashAnnotation: SecretLayout.inputsHash(
                identity: identity, registries: registries, scope: scope),
            SecretLayout.contentHashAnnotation: SecretLayout.contentHash(data),
        ]
        if let expiresAt { annotations[SecretLayout.expiresAtAnnotation] = SecretLayout.timestamp(expiresAt) }
        return DesiredSecret(
            name: name, labels: [SecretLayout.managedByLabel: SecretLayout.managedByValue], annotations: annotations,
            dockerConfigJSON: data, registries: registries.filter { credentials[$0] != nil },
            expiresAt: expiresAt)
    }
}
