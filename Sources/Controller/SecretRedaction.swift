import Foundation
import KubernetesModel
import Reconciler

/// The controller's cache of managed Secrets holds no token (issue 21): each Secret is kept with its
/// `.dockerconfigjson` re-encoded with placeholder passwords, its other data keys dropped, and the hash of the
/// payload as stored, so that the reconciler still sees which registries it holds and whether someone else changed
/// it. The placeholders are never written: a pass that must keep an old entry reads the Secret itself.
enum SecretRedaction {
    /// Carries the stored payload's hash on the cached copy; never sent to the API server.
    static let payloadHashAnnotation = "pullkeeper.internal/payload-hash"
    static let placeholder = "redacted"

    /// The copy the cache keeps.
    @Sendable static func redact(_ secret: Secret) -> Secret {
        var copy = secret
        copy.stringData = nil
        guard let payload = secret.data?[SecretLayout.dockerConfigJSONKey] else {
            // No payload to read: the reconciler sees it missing; whatever else it holds is not kept.
            copy.data = secret.data?.mapValues { _ in Data() }
            return copy
        }
        let redacted: Data
        switch DockerConfig.decode(payload) {
        case .success(let config):
            redacted = DockerConfig(
                auths: config.auths.mapValues { DockerConfig.Entry(username: $0.username, password: placeholder) }
            ).encoded()
        case .failure:
            // Corrupt is corrupt: the reconciler rewrites it; what it held is not kept.
            redacted = Data("corrupt".utf8)
        }
        copy.data = [SecretLayout.dockerConfigJSONKey: redacted]
        copy.metadata.annotations = (copy.metadata.annotations ?? [:]).merging(
            [payloadHashAnnotation: SecretLayout.contentHash(payload)]) { $1 }
        return copy
    }
}
