import Foundation

/// A token the simulator minted, with the numbers responses need.
struct MintedToken: Sendable {
    var value: String
    var issuedAt: Int
    var expiresIn: Int
    var expiresOn: Int { issuedAt + expiresIn }
}

extension AzureSimulator {
    /// An Entra access token (RS256, the simulator's Entra key) for `resource`.
    func mintEntraToken(
        tenantID: String, clientID: String, objectID: String, resource: String, lifetime: Duration
    ) throws -> MintedToken {
        let now = Int(configuration.now().timeIntervalSince1970)
        let seconds = max(1, Int(lifetime.components.seconds))
        let claims: [String: Any] = [
            "aud": resource, "iss": "https://sts.windows.net/\(tenantID)/", "iat": now, "nbf": now - 5,
            "exp": now + seconds, "tid": tenantID, "oid": objectID, "sub": objectID, "appid": clientID,
            "azp": clientID, "idtyp": "app", "ver": "1.0", "uti": UUID().uuidString.lowercased(),
        ]
        let header: [String: Any] = ["alg": "RS256", "typ": "JWT", "kid": entraKeyID]
        let value = try SimJWTSigner.sign(header: header, claims: claims, key: entraKey)
        return MintedToken(value: value, issuedAt: now, expiresIn: seconds)
    }

    /// A registry token (refresh or access): RS256 with `x5c` = [signing leaf] in standard base64 and the
    /// libtrust `kid`, string `aud` = service, integer times (protocols.md §4.3).
    func mintRegistryToken(
        service: String, subject: String, tenant: String?, lifetime: Duration, extraClaims: [String: Any]
    ) throws -> MintedToken {
        let now = Int(configuration.now().timeIntervalSince1970)
        let seconds = max(1, Int(lifetime.components.seconds))
        var claims: [String: Any] = [
            "jti": UUID().uuidString.lowercased(), "sub": subject, "nbf": now - 5, "exp": now + seconds,
            "iat": now, "iss": configuration.acrIssuer, "aud": service, "version": "1.0",
        ]
        if let tenant { claims["tenant"] = tenant }
        claims.merge(extraClaims) { _, new in new }
        let header: [String: Any] = [
            "alg": "RS256", "typ": "JWT", "kid": signingKeyID,
            "x5c": [SimBase64.standard(signingCertificate.certificateDER)],
        ]
        let value = try SimJWTSigner.sign(header: header, claims: claims, key: signingKey)
        return MintedToken(value: value, issuedAt: now, expiresIn: seconds)
    }

    /// A Kubernetes-style service-account token from the simulator's OIDC issuer, for workload identity.
    public func issueFederatedToken(
        subject: String, audience: String = "api://AzureADTokenExchange", issuer: String? = nil,
        lifetime: Duration = .seconds(86_400)
    ) throws -> String {
        let now = Int(configuration.now().timeIntervalSince1970)
        let claims: [String: Any] = [
            "iss": issuer ?? configuration.oidcIssuer, "sub": subject, "aud": [audience], "iat": now, "nbf": now,
            "exp": now + Int(lifetime.components.seconds),
        ]
        let header: [String: Any] = ["alg": "RS256", "typ": "JWT", "kid": entraKeyID]
        return try SimJWTSigner.sign(header: header, claims: claims, key: entraKey)
    }
}
