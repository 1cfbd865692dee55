import Foundation
import KubernetesClient
import KubernetesModel
import Reconciler

extension Controller {
    /// Performs the decision's one write. Updates start from the cached object so foreign labels, annotations,
    /// data keys and unknown fields survive.
    func execute(_ action: Action, namespace: String) async throws {
        switch action {
        case .none, .fetchCredentials:
            return
        case .createSecret(let desired):
            var secret = Secret(metadata: ObjectMeta(name: desired.name, namespace: namespace))
            secret.metadata.labels = desired.labels
            secret.metadata.annotations = desired.annotations
            secret.type = SecretLayout.dockerConfigJSONType
            secret.data = [SecretLayout.dockerConfigJSONKey: desired.dockerConfigJSON]
            _ = try await client.create(secret)
        case .updateSecret(let desired, let resourceVersion):
            var secret =
                secrets.cache.get(namespace: namespace, name: desired.name)
                ?? Secret(metadata: ObjectMeta(name: desired.name, namespace: namespace))
            secret.metadata.resourceVersion = resourceVersion
            secret.metadata.labels = (secret.metadata.labels ?? [:]).merging(desired.labels) { $1 }
            secret.metadata.annotations = (secret.metadata.annotations ?? [:]).merging(desired.annotations) { $1 }
            if desired.expiresAt == nil { secret.metadata.annotations?[SecretLayout.expiresAtAnnotation] = nil }
            secret.type = SecretLayout.dockerConfigJSONType
            secret.stringData = nil
            var data = secret.data ?? [:]
            data[SecretLayout.dockerConfigJSONKey] = desired.dockerConfigJSON
            secret.data = data
            _ = try await client.update(secret)
        case .deleteSecret(let name, let uid, let resourceVersion):
            let preconditions = DeleteOptions.Preconditions(
                uid: uid.isEmpty ? nil : uid, resourceVersion: resourceVersion)
            try await client.delete(
                Secret.self, name: name, namespace: namespace, options: DeleteOptions(preconditions: preconditions))
        case .attach(let account, let secret, let resourceVersion, let createList):
            let entry: JSONValue = ["name": .string(secret)]
            let operations: [JSONPatchOperation] = [
                .test("/metadata/resourceVersion", .string(resourceVersion)),
                createList ? .add("/imagePullSecrets", .array([entry])) : .add("/imagePullSecrets/-", entry),
            ]
            _ = try await client.patch(
                ServiceAccount.self, name: account, namespace: namespace, patch: .json(operations))
        case .detach(let account, let secret, let index, let resourceVersion):
            let operations: [JSONPatchOperation] = [
                .test("/metadata/resourceVersion", .string(resourceVersion)),
                .test("/imagePullSecrets/\(index)/name", .string(secret)),
                .remove("/imagePullSecrets/\(index)"),
            ]
            _ = try await client.patch(
                ServiceAccount.self, name: account, namespace: namespace, patch: .json(operations))
        }
    }
}
