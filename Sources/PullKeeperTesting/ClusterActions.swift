import Foundation
import KubernetesClient
import KubernetesModel
import Reconciler

/// What tests do to and read from a cluster, through any `KubernetesClient` (an admin's): opt namespaces in, read
/// the managed Secret and the service accounts, list Events.
public struct ClusterActions: Sendable {
    public let admin: any KubernetesClient
    /// The registry `optIn` names when given none.
    public let registry: String

    public init(admin: any KubernetesClient, registry: String) {
        self.admin = admin
        self.registry = registry
    }

    @discardableResult
    public func namespace(
        _ name: String, annotations: [String: String] = [:], labels: [String: String] = [:]
    ) async throws -> Namespace {
        var metadata = ObjectMeta(name: name)
        metadata.annotations = annotations
        metadata.labels = labels
        return try await admin.create(Namespace(metadata: metadata))
    }

    public func optIn(_ name: String, registries: String? = nil, extra: [String: String] = [:]) async throws {
        try await namespace(
            name, annotations: [SecretLayout.registriesAnnotation: registries ?? registry].merging(extra) { $1 })
    }

    /// Sets (or with nil removes) one annotation of a namespace.
    public func annotate(_ name: String, _ key: String, _ value: String?) async throws {
        _ = try await admin.patch(
            Namespace.self, name: name, namespace: nil,
            patch: .merge(["metadata": ["annotations": [key: value.map { .string($0) } ?? .null]]]))
    }

    public func secret(_ namespace: String, _ name: String = "acr-pull") async -> Secret? {
        try? await admin.get(Secret.self, name: name, namespace: namespace)
    }

    public func serviceAccount(_ namespace: String, _ name: String = "default") async -> ServiceAccount? {
        try? await admin.get(ServiceAccount.self, name: name, namespace: namespace)
    }

    public func pullSecretNames(_ namespace: String, _ account: String = "default") async -> [String] {
        (await serviceAccount(namespace, account)?.imagePullSecrets ?? []).compactMap(\.name)
    }

    /// Events about objects in `namespace` (both APIs; namespace-level Events live in `default`).
    public func events(_ namespace: String) async -> [(reason: String, message: String)] {
        let core = ((try? await admin.listAll(Event.self, namespace: namespace).items) ?? []).map {
            ($0.reason ?? "", $0.message ?? "")
        }
        let v1 = ((try? await admin.listAll(EventV1.self, namespace: namespace).items) ?? []).map {
            ($0.reason, $0.note ?? "")
        }
        return core + v1
    }

    public func eventReasons(_ namespace: String) async -> Set<String> {
        Set(await events(namespace).map(\.reason))
    }

    /// The decoded `.dockerconfigjson` of a Secret.
    public func dockerConfig(_ secret: Secret) -> DockerConfig? {
        guard let data = secret.data?[SecretLayout.dockerConfigJSONKey] else { return nil }
        return try? DockerConfig.decode(data).get()
    }

    /// The password the namespace's Secret holds for `registry` (default: the opt-in registry).
    public func password(_ namespace: String, registry: String? = nil) async -> String? {
        guard let secret = await secret(namespace) else { return nil }
        return dockerConfig(secret)?.auths[registry ?? self.registry]?.password
    }
}
