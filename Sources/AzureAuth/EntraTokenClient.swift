import Foundation
import Logging
import PullKeeperCore

/// Posts client-credentials grants to `{authorityHost}{tenant}/oauth2/v2.0/token`.
struct EntraTokenClient: Sendable {
    var authorityHost: String
    var tenantID: String
    var clientID: String
    var transport: any HTTPTransport
    var tls: TLSOptions
    var retry: RetryPolicy
    var now: @Sendable () -> Date

    /// The token URL, also the `aud` of certificate assertions.
    var tokenURL: String {
        let host = authorityHost.hasSuffix("/") ? authorityHost : authorityHost + "/"
        return "\(host)\(tenantID)/oauth2/v2.0/token"
    }

    /// Checks what azidentity checks before sending anything.
    func validate() throws {
        let allowed = Set("0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ-.")
        guard !tenantID.isEmpty, tenantID.allSatisfy({ allowed.contains($0) }) else {
            throw AzureAuthError(
                code: .invalidConfiguration, detail: "tenantID \"\(tenantID)\" is not a tenant GUID or domain")
        }
        guard !clientID.isEmpty else {
            throw AzureAuthError(code: .invalidConfiguration, detail: "clientID is empty")
        }
        guard authorityHost.lowercased().hasPrefix("https://") else {
            throw AzureAuthError(
                code: .invalidConfiguration, detail: "authority host \(authorityHost) must be an https URL")
        }
    }

    /// Requests a token; `credentialFields` are the secret or assertion fields, built fresh for each attempt.
    func requestToken(
        scope: String, logger: Logger, credentialFields: @Sendable () throws -> [(String, String)]
    ) async throws -> AccessToken {
        try validate()
        return try await retry.run {
            var fields = [("grant_type", "client_credentials"), ("client_id", clientID), ("scope", scope)]
            fields += try credentialFields()
            let request = HTTPRequestData(
                method: .post, url: tokenURL,
                headers: [FormEncoding.contentType, ("Accept", "application/json")],
                body: FormEncoding.body(fields), tls: tls)
            logger.debug(
                "requesting Entra ID token", metadata: ["entra.tenant": "\(tenantID)", "entra.scope": "\(scope)"])
            let response = try await transport.send(request)
            guard response.status == 200 else {
                let error = EntraErrorClassifier.classify(response, clientID: clientID, tenant: tenantID)
                logger.debug(
                    "Entra ID refused the token request",
                    metadata: ["http.status": "\(response.status)", "error.code": "\(error.code)"])
                throw error
            }
            return try TokenResponse.parse(response.body, source: "Entra ID", now: now())
        }
    }
}
