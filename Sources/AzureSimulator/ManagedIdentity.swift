import Foundation

extension AzureSimulator {
    /// IMDS `GET /metadata/identity/oauth2/token`: `Metadata: true`, string-typed fields (protocols.md §2.1).
    func imdsToken(_ request: SimRequest) -> SimResponse {
        guard request.header("metadata") == "true" else {
            return imdsError("bad_request_102", "Required metadata header not specified")
        }
        guard let query = request.query else { return imdsError("invalid_request", "Malformed query string") }
        guard query["api-version"] != nil else {
            return imdsError("bad_request_102", "Required query variable 'api-version' is missing")
        }
        let selectors = ["client_id", "object_id", "msi_res_id", "mi_res_id"].compactMap { name in
            query[name].map { (name, $0) }
        }
        return managedIdentityToken(query: query, selectors: selectors, appService: false)
    }

    /// App Service `GET <IDENTITY_ENDPOINT>?api-version=2019-08-01&resource=...` with `X-IDENTITY-HEADER`.
    func appServiceToken(_ request: SimRequest) -> SimResponse {
        guard request.header("x-identity-header") == appServiceHeader else {
            return .json(401, ["statusCode": 401, "message": "X-IDENTITY-HEADER is missing or wrong"])
        }
        guard let query = request.query else { return imdsError("invalid_request", "Malformed query string") }
        guard query["api-version"] != nil else {
            return imdsError("invalid_request", "Required query variable 'api-version' is missing")
        }
        let selectors = ["client_id", "mi_res_id", "msi_res_id", "principal_id", "object_id"].compactMap { name in
            query[name].map { (name, $0) }
        }
        return managedIdentityToken(query: query, selectors: selectors, appService: true)
    }

    private func managedIdentityToken(
        query: FormData, selectors: [(String, String)], appService: Bool
    ) -> SimResponse {
        guard let resource = query["resource"], !resource.isEmpty else {
            return imdsError("invalid_request", "Required audience parameter not specified")
        }
        guard selectors.count <= 1 else {
            return imdsError("invalid_request", "Only one of client_id, object_id and msi_res_id may be given")
        }
        let (identities, lifetime) = state.withLock { ($0.managedIdentities, $0.lifetimes.managedIdentity) }
        let identity: SimManagedIdentity?
        if let selector = selectors.first {
            let (name, wanted) = (selector.0, selector.1.lowercased())
            identity = identities.first { identity in
                switch name {
                case "client_id": identity.clientID.lowercased() == wanted
                case "object_id", "principal_id": identity.objectID.lowercased() == wanted
                default: identity.resourceID.lowercased() == wanted
                }
            }
        } else {
            identity = identities.first { $0.systemAssigned } ?? (identities.count == 1 ? identities.first : nil)
        }
        guard let identity else { return imdsError("invalid_request", "Identity not found") }
        do {
            let token = try mintEntraToken(
                tenantID: identity.tenantID, clientID: identity.clientID, objectID: identity.objectID,
                resource: resource, lifetime: lifetime)
            var body: [String: Any] = [
                "access_token": token.value, "client_id": identity.clientID, "expires_on": String(token.expiresOn),
                "resource": resource, "token_type": "Bearer",
            ]
            if !appService {
                body["expires_in"] = String(token.expiresIn)
                body["ext_expires_in"] = String(token.expiresIn)
                body["not_before"] = String(token.issuedAt - 5)
                body["refresh_token"] = ""
            }
            return .json(200, body)
        } catch {
            return .json(500, ["error": "server_error", "error_description": "token signing failed"])
        }
    }

    private func imdsError(_ error: String, _ description: String) -> SimResponse {
        .json(400, ["error": error, "error_description": description])
    }
}
