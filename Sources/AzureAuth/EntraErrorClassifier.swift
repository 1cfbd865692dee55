import PullKeeperCore

/// Turns a non-200 Entra ID answer into an `AzureAuthError`, by status, `error` and `error_codes` only
/// (never by `error_description`, whose text changes).
enum EntraErrorClassifier {
    static func classify(_ response: HTTPResponseData, clientID: String, tenant: String) -> AzureAuthError {
        let body = OAuthErrorBody.parse(response.body)
        let codes = body.errorCodes ?? []
        let status = response.status
        // Classified by the raw `error`, shown only when it looks like an error code.
        let shown = ServerErrorCode.shown(body.error)
        func error(_ code: AzureAuthError.Code, _ detail: String) -> AzureAuthError {
            AzureAuthError(
                code: code, detail: detail, httpStatus: status, serverError: shown, errorCodes: codes,
                retryAfter: RetryAfter.parse(header: response.header))
        }
        let aadsts = codes.first.map { " (AADSTS\($0))" } ?? " (HTTP \(status)\(shown.map { " \($0)" } ?? ""))"

        if status == 429 { return error(.throttled, "Entra ID is throttling token requests (HTTP 429)") }
        if status >= 500 { return error(.serverUnavailable, "Entra ID is unavailable (HTTP \(status))") }
        if codes.contains(7000222) {
            return error(.expiredClientSecret, "the client secret has expired (AADSTS7000222)")
        }
        if codes.contains(7000215) || codes.contains(7000218) {
            return error(.invalidClientSecret, "the client secret is wrong or expired\(aadsts)")
        }
        if codes.contains(700016) {
            return error(.applicationNotFound, "application \(clientID) is not found in tenant \(tenant)\(aadsts)")
        }
        if codes.contains(90002) {
            return error(.tenantNotFound, "tenant \(tenant) is not found\(aadsts)")
        }
        if let code = codes.first(where: { [700027, 700024, 7000274, 700023, 7000273].contains($0) }) {
            return error(
                .invalidClientAssertion,
                "Entra ID refused the certificate assertion: the certificate is not registered on application "
                    + "\(clientID), or the clock is off (AADSTS\(code))")
        }
        if let code = codes.first(where: { [70021, 700211, 700212, 700213, 700221, 700222].contains($0) }) {
            return error(
                .federatedCredentialMismatch,
                "no federated credential of application \(clientID) matches the token's issuer, subject and "
                    + "audience (AADSTS\(code))")
        }
        if codes.contains(70011) || body.error == "invalid_scope" {
            return error(.invalidScope, "Entra ID refused the requested scope\(aadsts)")
        }
        if codes.contains(500011) || body.error == "invalid_resource" {
            return error(.resourceNotFound, "the token audience is not known in tenant \(tenant)\(aadsts)")
        }
        return error(.entraRejected, "Entra ID refused the token request\(aadsts)")
    }
}
