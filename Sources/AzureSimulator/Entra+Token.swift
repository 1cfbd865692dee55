import Foundation

extension AzureSimulator {
    /// `POST /{tenant}/oauth2/v2.0/token`, client-credentials grant (secret, certificate, federated).
    func entraToken(_ request: SimRequest, tenantSegment: String) -> SimResponse {
        do {
            return try issueEntraToken(request, tenantSegment: tenantSegment)
        } catch let failure as EntraError {
            logger.debug("Azure simulator refused an Entra token request", metadata: ["aad.code": "\(failure.code)"])
            return entraErrorResponse(failure)
        } catch {
            return .json(500, ["error": "server_error", "error_description": "token signing failed"])
        }
    }

    private func issueEntraToken(_ request: SimRequest, tenantSegment: String) throws -> SimResponse {
        guard let form = request.form else {
            throw EntraError.badRequest("The request body must be application/x-www-form-urlencoded UTF-8.")
        }
        guard let tenant = state.withLock({ $0.tenant(tenantSegment) }) else { throw EntraError.unknownTenant }
        guard let grant = form["grant_type"] else {
            throw EntraError.badRequest("The request body must contain the following parameter: 'grant_type'.")
        }
        guard grant == "client_credentials" else { throw EntraError.badGrant }
        let basic = request.basicCredentials.map {
            (
                user: $0.user.removingPercentEncoding ?? $0.user,
                password: $0.password.removingPercentEncoding ?? $0.password
            )
        }
        guard let clientID = form["client_id"] ?? basic?.user, !clientID.isEmpty else {
            throw EntraError.badRequest("The request body must contain the following parameter: 'client_id'.")
        }
        if let basic, basic.user.lowercased() != clientID.lowercased() {
            throw EntraError.badRequest("The client_id of the form and of the Authorization header differ.")
        }
        guard let app = tenant.apps[clientID.lowercased()] else { throw EntraError.unknownApp }
        let resource = try Self.resource(ofScope: form["scope"])
        if let secret = form["client_secret"] ?? basic?.password {
            try checkSecret(secret, of: app)
        } else if let assertion = form["client_assertion"] {
            guard form["client_assertion_type"] == "urn:ietf:params:oauth:client-assertion-type:jwt-bearer" else {
                throw EntraError.badRequest(
                    "client_assertion_type must be "
                        + "urn:ietf:params:oauth:client-assertion-type:jwt-bearer.")
            }
            try checkAssertion(assertion, app: app, tenantSegment: tenantSegment, request: request)
        } else {
            throw EntraError.noCredential
        }
        let lifetime = state.withLock { $0.lifetimes.entra }
        let token = try mintEntraToken(
            tenantID: tenant.id, clientID: app.clientID, objectID: app.objectID, resource: resource,
            lifetime: lifetime)
        return .json(
            200,
            [
                "token_type": "Bearer", "expires_in": token.expiresIn, "ext_expires_in": token.expiresIn,
                "access_token": token.value,
            ])
    }

    private func checkSecret(_ secret: String, of app: SimApp) throws {
        guard let match = app.secrets.first(where: { $0.value == secret }) else { throw EntraError.wrongSecret }
        if match.expired { throw EntraError.expiredSecret }
    }

    /// The resource of a single `<resource>/.default` scope; MSAL's `openid offline_access profile` are ignored.
    static func resource(ofScope scope: String?) throws -> String {
        guard let scope else {
            throw EntraError.badRequest("The request body must contain the following parameter: 'scope'.")
        }
        let ignored: Set<String> = ["openid", "offline_access", "profile"]
        let scopes = scope.split(separator: " ").map(String.init).filter { !ignored.contains($0) }
        guard scopes.count == 1, let only = scopes.first else {
            throw EntraError.badScope("Exactly one '<resource>/.default' scope is required.")
        }
        guard only.hasSuffix("/.default"), only.count > "/.default".count else {
            throw EntraError.badScope("The scope must be '<resource>/.default' for the client credentials flow.")
        }
        return String(only.dropLast("/.default".count))
    }

    /// `GET /{tenant}/v2.0/.well-known/openid-configuration`.
    func openIDConfiguration(_ request: SimRequest, tenantSegment: String) -> SimResponse {
        guard let tenant = state.withLock({ $0.tenant(tenantSegment) }) else {
            return entraErrorResponse(.unknownTenant)
        }
        let base = authorityHost + tenant.id
        return .json(
            200,
            [
                "issuer": base + "/v2.0",
                "token_endpoint": base + "/oauth2/v2.0/token",
                "authorization_endpoint": base + "/oauth2/v2.0/authorize",
                "jwks_uri": base + "/discovery/v2.0/keys",
                "token_endpoint_auth_methods_supported": [
                    "client_secret_post", "private_key_jwt", "client_secret_basic",
                ],
                "response_types_supported": ["code", "id_token", "token"],
                "subject_types_supported": ["pairwise"],
                "id_token_signing_alg_values_supported": ["RS256"],
                "tenant_region_scope": "WW",
            ])
    }
}
