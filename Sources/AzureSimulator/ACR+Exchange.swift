import Foundation

extension AzureSimulator {
    /// Entra token audiences ACR accepts: its own always, Resource Manager's only while the policy allows it.
    static let acrAudiences: Set<String> = [
        "https://containerregistry.azure.net", "https://containerregistry.azure.net/",
    ]
    static let armAudiences: Set<String> = [
        "https://management.azure.com/", "https://management.azure.com",
        "https://management.core.windows.net/", "https://management.chinacloudapi.cn/",
        "https://management.usgovcloudapi.net/",
    ]

    /// `POST /oauth2/exchange`: Entra access token → ACR refresh token (protocols.md §3.2).
    func exchange(_ request: SimRequest) -> SimResponse {
        guard let form = request.form else { return acrError(400, "UNSUPPORTED", "the body must be a form") }
        guard form["grant_type"] == "access_token" else {
            return acrError(400, "UNSUPPORTED", "grant_type must be access_token")
        }
        guard let service = form["service"], !service.isEmpty else {
            return acrError(400, "UNSUPPORTED", "service is required")
        }
        guard let registry = state.withLock({ $0.registries[service.lowercased()] }) else {
            return acrError(400, "UNSUPPORTED", "unknown service \(service)")
        }
        guard let token = form["access_token"], !token.isEmpty else {
            return acrError(400, "UNSUPPORTED", "access_token is required")
        }
        guard let aad = SimJWT.parse(token), aad.algorithm == "RS256", aad.verify(with: entraKey.publicKey) else {
            return acrError(401, "UNAUTHORIZED", "the access token is not a valid Entra ID token")
        }
        let now = Int(configuration.now().timeIntervalSince1970)
        guard let expiry = aad.integer("exp"), expiry > now else {
            return acrError(401, "UNAUTHORIZED", "the access token has expired")
        }
        let audiences = Set(aad.audiences)
        let allowed = registry.allowsARMAudience ? Self.acrAudiences.union(Self.armAudiences) : Self.acrAudiences
        guard !audiences.isDisjoint(with: allowed) else {
            return acrError(401, "UNAUTHORIZED", "the access token's audience is not accepted by this registry")
        }
        let tenant = aad.string("tid")
        if let wanted = form["tenant"], !wanted.isEmpty, wanted.lowercased() != tenant?.lowercased() {
            return acrError(401, "UNAUTHORIZED", "the access token belongs to another tenant")
        }
        let appID = aad.string("appid") ?? ""
        let objectID = aad.string("oid") ?? appID
        let (role, lifetime) = state.withLock {
            ($0.role(principals: [appID, objectID], registry: registry.loginServer), $0.lifetimes.refresh)
        }
        guard let role else {
            logger.debug("Azure simulator refused an exchange: no role", metadata: ["registry.host": "\(service)"])
            return acrError(
                401, "UNAUTHORIZED",
                "the principal \(appID) has no role (AcrPull, AcrPush or Owner) on registry \(registry.loginServer)")
        }
        do {
            let refresh = try mintRegistryToken(
                service: registry.loginServer, subject: objectID, tenant: tenant, lifetime: lifetime,
                extraClaims: [
                    "grant_type": "refresh_token", "appid": appID, "roles": [role.rawValue],
                    "permissions": ["actions": role.actions.sorted(), "notActions": [String]()],
                ])
            return .json(200, ["refresh_token": refresh.value])
        } catch {
            return acrError(500, "UNKNOWN", "token signing failed")
        }
    }

    /// Checks a registry token this simulator issued for `service`; nil when invalid or expired.
    func verifiedRegistryToken(_ token: String, service: String, grantType: String?) -> SimJWT? {
        guard let jwt = SimJWT.parse(token), jwt.algorithm == "RS256", jwt.verify(with: signingKey.publicKey),
            jwt.string("aud")?.lowercased() == service.lowercased(), jwt.string("iss") == configuration.acrIssuer,
            let expiry = jwt.integer("exp"), expiry > Int(configuration.now().timeIntervalSince1970)
        else { return nil }
        if let grantType, jwt.string("grant_type") != grantType { return nil }
        return jwt
    }
}
