import Reconciler

/// Where the controller gets registry credentials: the shared token cache (one exchange per identity × registry ×
/// scope, whatever the number of namespaces), plus the self-check of new credentials.
public protocol CredentialSource: Sendable {
    /// Answers every request; a failure for one registry does not fail the others.
    func credentials(for requests: [CredentialRequest]) async -> [String: CredentialOutcome]
}
