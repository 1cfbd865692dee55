import Foundation

extension AzureSimulator {
    /// `GET /v2/...`: the registry challenge, and a minimal data plane that checks Bearer tokens like
    /// docker-registry (`/v2/` needs a valid token, repositories need `pull`; no content is stored, so an
    /// authorized manifest or blob request is 404).
    ///
    /// The registry is chosen by the `Host` header (a registry listener `127.0.0.1:<port>` or a registered name);
    /// with one registry only, that one answers whatever the host.
    func registryRequest(_ request: SimRequest, segments: [String]) -> SimResponse {
        let host = request.header("host")?.lowercased() ?? ""
        let registry = state.withLock { state in
            state.registries[host] ?? (state.registries.count == 1 ? state.registries.values.first : nil)
        }
        guard let registry else {
            return acrError(404, "NAME_UNKNOWN", "no simulated registry is served at \(host)")
        }
        let required = Self.requiredScope(segments)
        guard let bearer = request.bearerToken else {
            return challenge(registry, scope: required, error: nil)
        }
        guard let jwt = verifiedRegistryToken(bearer, service: registry.loginServer, grantType: nil) else {
            return challenge(registry, scope: required, error: "invalid_token")
        }
        guard let required else { return .json(200, [:], headers: [Self.apiVersionHeader]) }
        let granted = (jwt.claims["access"] as? [[String: Any]] ?? []).contains { entry in
            entry["type"] as? String == required.type && entry["name"] as? String == required.name
                && ((entry["actions"] as? [String])?.contains { $0 == "*" || required.actions.contains($0) } ?? false)
        }
        guard granted else { return challenge(registry, scope: required, error: "insufficient_scope") }
        let code = segments.contains("blobs") ? "BLOB_UNKNOWN" : "MANIFEST_UNKNOWN"
        return acrError(404, code, "the simulated registry stores no content", headers: [Self.apiVersionHeader])
    }

    static let apiVersionHeader = ("Docker-Distribution-Api-Version", "registry/2.0")

    /// The scope a `/v2/` path needs: none for `/v2/`, catalog for `_catalog`, else pull on the repository.
    static func requiredScope(_ segments: [String]) -> RegistryScope? {
        guard let first = segments.first else { return nil }
        if first == "_catalog" { return RegistryScope("registry:catalog:*") }
        let markers: Set<String> = ["manifests", "blobs", "tags"]
        let name = segments.prefix { !markers.contains($0) }.joined(separator: "/")
        return name.isEmpty ? nil : RegistryScope("repository:\(name):pull")
    }

    private func challenge(_ registry: SimRegistry, scope: RegistryScope?, error: String?) -> SimResponse {
        var value = "Bearer realm=\"\(realm)\",service=\"\(registry.loginServer)\""
        if let scope {
            value += ",scope=\"\(scope.type):\(scope.name):\(scope.actions.joined(separator: ","))\""
        }
        if let error { value += ",error=\"\(error)\"" }
        let message =
            scope == nil
            ? "authentication required, visit https://aka.ms/acr/authorization for more information."
            : "authentication required"
        return acrError(401, "UNAUTHORIZED", message, headers: [("Www-Authenticate", value), Self.apiVersionHeader])
    }
}
