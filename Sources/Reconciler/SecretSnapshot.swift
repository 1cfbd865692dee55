import Foundation

/// What pullkeeper reads back from its own Secret.
struct SecretSnapshot: Sendable {
    var config: Result<DockerConfig, DockerConfigProblem>
    var hash: String?
    var expiresAt: Date?
    var refreshedAt: Date?
    var resourceVersion: String
    /// The hash of the payload as stored (computed, or carried by a redacted copy).
    var payloadHash: String?
    /// The entries' passwords are placeholders (the controller's cache holds no tokens).
    var redacted: Bool

    init(_ secret: ObservedSecret) {
        redacted = secret.isRedacted
        if let data = secret.data[SecretLayout.dockerConfigJSONKey] {
            config = DockerConfig.decode(data)
            let stored = secret.payloadHash ?? SecretLayout.contentHash(data)
            payloadHash = stored
            if let written = secret.annotations[SecretLayout.contentHashAnnotation], written != stored,
                case .success = config
            {
                config = .failure(DockerConfigProblem("was changed by someone else (content hash differs)"))
            }
        } else {
            config = .failure(DockerConfigProblem("is missing"))
        }
        hash = secret.annotations[SecretLayout.inputsHashAnnotation]
        expiresAt = SecretLayout.parseTimestamp(secret.annotations[SecretLayout.expiresAtAnnotation])
        refreshedAt = SecretLayout.parseTimestamp(secret.annotations[SecretLayout.refreshedAtAnnotation])
        resourceVersion = secret.resourceVersion
    }

    /// The decoded entries, or none when the payload is corrupt.
    var entries: [String: DockerConfig.Entry] {
        (try? config.get().auths) ?? [:]
    }

    /// Whether the Secret still works at `now` (it exists, decodes, and has not expired).
    func isValid(at now: Date) -> Bool {
        guard case .success = config else { return false }
        guard let expiresAt else { return hash != nil }
        return expiresAt > now
    }
}
