import Foundation
import Logging

/// The repository actions an identity's credential carries on a registry, as the registry's token service grants
/// them (PRODUCT.md §4 `audit`).
public struct GrantedRights: Sendable, Hashable {
    /// The actions asked for: a pull Secret needs the first; the others are more than it needs.
    public static let audited = ["pull", "push", "delete"]

    /// The repository the token service was asked about.
    public var repository: String
    /// The subset of `audited` the registry granted.
    public var actions: Set<String>

    public init(repository: String, actions: Set<String>) {
        self.repository = repository
        self.actions = actions
    }

    /// Granted actions beyond `pull`, in `audited` order.
    public var excess: [String] { Self.audited.filter { $0 != "pull" && actions.contains($0) } }

    /// Granted actions in `audited` order.
    public var ordered: [String] { Self.audited.filter { actions.contains($0) } }
}

extension TokenProvider {
    /// The repository named when no other is given; the token service answers for a repository that does not
    /// exist as it would for one that does (rights come from roles, not from content).
    public static let auditRepository = "pullkeeper-audit"

    /// Asks the registry's token service for `pull`, `push` and `delete` on `repository` with the identity's own
    /// credential (its ACR refresh token, or its static login as Basic auth) and reads the granted actions from
    /// the access token's `access` claim. The token itself is dropped at once.
    public func grantedRights(
        identity: RegistryIdentity, registry: RegistryTarget, repository: String = auditRepository
    ) async throws -> GrantedRights {
        var scoped = logger
        scoped[metadataKey: "identity.name"] = "\(identity.name)"
        scoped[metadataKey: "registry.host"] = "\(registry.loginServer)"
        let logger = scoped
        let scope = "repository:\(repository):" + GrantedRights.audited.joined(separator: ",")
        do {
            let base = try await credential(identity: identity, registry: registry)
            let endpoint = try await endpoint(for: registry, logger: logger)
            let token: ACRRefreshToken
            switch base.kind {
            case .refreshToken:
                token = try await acr.accessToken(
                    refreshToken: base.password, scopes: [scope], at: endpoint, tls: registry.tls, logger: logger)
            case .static, .accessToken:
                token = try await acr.accessToken(
                    login: RegistryLogin(username: base.username, password: base.password), scopes: [scope],
                    at: endpoint, tls: registry.tls, logger: logger)
            }
            let claims = try JWTClaims.decode(token.token, name: "ACR access token")
            let granted = claims.actions(onRepository: repository, expanding: Set(GrantedRights.audited))
            return GrantedRights(repository: repository, actions: granted.intersection(GrantedRights.audited))
        } catch let error as AzureAuthError {
            throw error.forIdentity(identity.name)
        }
    }
}
