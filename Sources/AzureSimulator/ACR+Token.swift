import Foundation

extension AzureSimulator {
    static let refreshTokenUser = "00000000-0000-0000-0000-000000000000"

    /// `GET /oauth2/token` (Basic auth) and `POST /oauth2/token` (refresh_token / password grants).
    func registryToken(_ request: SimRequest) -> SimResponse {
        let isPost = request.method == "POST"
        guard let query = request.query, let params = isPost ? request.form : query else {
            return acrError(400, "UNSUPPORTED", "malformed query string or form")
        }
        guard let service = params["service"] ?? query["service"], !service.isEmpty else {
            return acrError(400, "UNSUPPORTED", "service is required")
        }
        guard let registry = state.withLock({ $0.registries[service.lowercased()] }) else {
            return acrError(400, "UNSUPPORTED", "unknown service \(service)")
        }
        let credentials: (user: String, password: String)
        if isPost {
            switch params["grant_type"] {
            case "refresh_token":
                credentials = (Self.refreshTokenUser, params["refresh_token"] ?? "")
            case "password":
                credentials = (params["username"] ?? "", params["password"] ?? "")
            default:
                return acrError(400, "UNSUPPORTED", "grant_type must be refresh_token or password")
            }
        } else {
            guard let basic = request.basicCredentials else {
                return acrError(
                    401, "UNAUTHORIZED", "authentication required",
                    headers: [("Www-Authenticate", "Basic realm=\"\(realm)\"")])
            }
            credentials = basic
        }
        // The refresh_token grant takes only refresh tokens; a password (Basic or the password grant) may also be an
        // ACR access token, good for its own scope only (protocols.md §3.5).
        let acceptsAccessToken = !(isPost && params["grant_type"] == "refresh_token")
        guard
            let principal = authenticate(
                credentials, registry: registry, acceptsAccessToken: acceptsAccessToken)
        else {
            return acrError(401, "UNAUTHORIZED", "invalid credentials for registry \(registry.loginServer)")
        }
        let scopes = RegistryScope.all(in: params.all("scope") + (isPost ? query.all("scope") : []))
        if let wider = principal.firstScopeBeyondToken(scopes) {
            return acrError(
                401, "UNAUTHORIZED", "the access token presented does not cover the requested scope \(wider)")
        }
        let access = principal.grantedAccess(scopes)
        let lifetime = state.withLock { $0.lifetimes.access }
        var tenant: String?
        if case .entra(_, _, let tid, _) = principal { tenant = tid }
        do {
            let token = try mintRegistryToken(
                service: registry.loginServer, subject: principal.subject, tenant: tenant, lifetime: lifetime,
                extraClaims: ["grant_type": "access_token", "access": access])
            let issuedAt = Date(timeIntervalSince1970: TimeInterval(token.issuedAt))
            return .json(
                200,
                [
                    "access_token": token.value, "token": token.value, "expires_in": token.expiresIn,
                    "issued_at": ISO8601DateFormatter().string(from: issuedAt),
                ])
        } catch {
            return acrError(500, "UNKNOWN", "token signing failed")
        }
    }

    /// Refresh token (or, where allowed, an access token), admin account, repository token or app ID + client
    /// secret, in that order.
    private func authenticate(
        _ credentials: (user: String, password: String), registry: SimRegistry, acceptsAccessToken: Bool
    ) -> RegistryPrincipal? {
        let (user, password) = credentials
        guard !password.isEmpty else { return nil }
        if user == Self.refreshTokenUser {
            if acceptsAccessToken,
                let jwt = verifiedRegistryToken(password, service: registry.loginServer, grantType: "access_token")
            {
                return .accessToken(subject: jwt.string("sub") ?? "", access: RegistryPrincipal.access(of: jwt))
            }
            guard let jwt = verifiedRegistryToken(password, service: registry.loginServer, grantType: "refresh_token")
            else { return nil }
            let subject = jwt.string("sub") ?? ""
            let appID = jwt.string("appid") ?? subject
            // Roles are read now, so removing an assignment takes effect before the refresh token expires.
            let role = state.withLock { $0.role(principals: [appID, subject], registry: registry.loginServer) }
            return .entra(subject: subject, appID: appID, tenant: jwt.string("tenant"), role: role)
        }
        if let admin = registry.admin, admin.username.lowercased() == user.lowercased(), admin.accepts(password) {
            return .admin(username: admin.username)
        }
        if let token = registry.tokens[user], token.account.accepts(password) {
            return .repositoryToken(name: user, permissions: token.permissions)
        }
        return state.withLock { state in
            for tenant in state.tenants.values {
                guard let app = tenant.apps[user.lowercased()],
                    app.secrets.contains(where: { $0.value == password && !$0.expired })
                else { continue }
                let role = state.role(principals: [app.clientID, app.objectID], registry: registry.loginServer)
                return .entra(subject: app.objectID, appID: app.clientID, tenant: tenant.id, role: role)
            }
            return nil
        }
    }
}
