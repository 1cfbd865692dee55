import Foundation

/// One Entra ID failure: HTTP status, OAuth `error`, AADSTS code and a description without secrets.
struct EntraError: Error, Sendable {
    var status: Int
    var error: String
    var code: Int
    var message: String

    static let unknownTenant = EntraError(
        status: 400, error: "invalid_request", code: 90002,
        message: "Tenant not found. Check to make sure you have the correct tenant ID and are signing into the "
            + "correct cloud.")
    static let unknownApp = EntraError(
        status: 400, error: "unauthorized_client", code: 700016,
        message: "Application with the given identifier was not found in the directory.")
    static let wrongSecret = EntraError(
        status: 401, error: "invalid_client", code: 7000215,
        message: "Invalid client secret provided. Ensure the secret being sent in the request is the client secret "
            + "value, not the client secret ID.")
    static let expiredSecret = EntraError(
        status: 401, error: "invalid_client", code: 7000222,
        message: "The provided client secret keys for the app are expired.")
    static let noCredential = EntraError(
        status: 401, error: "invalid_client", code: 7000218,
        message: "The request body must contain the following parameter: 'client_assertion' or 'client_secret'.")
    static func badScope(_ detail: String) -> EntraError {
        EntraError(
            status: 400, error: "invalid_scope", code: 70011,
            message: "The provided value for the input parameter 'scope' is not valid. \(detail)")
    }
    static func badAssertion(_ detail: String) -> EntraError {
        EntraError(
            status: 401, error: "invalid_client", code: 700027,
            message: "Client assertion failed signature validation. \(detail)")
    }
    static func assertionTime(_ detail: String) -> EntraError {
        EntraError(
            status: 401, error: "invalid_client", code: 700024,
            message: "Client assertion is not within its valid time range. \(detail)")
    }
    static let assertionSubject = EntraError(
        status: 401, error: "invalid_client", code: 700021,
        message: "Client assertion application identifier doesn't match 'client_id' parameter.")
    static func noFederatedMatch(_ detail: String) -> EntraError {
        EntraError(
            status: 400, error: "invalid_request", code: 70021,
            message: "No matching federated identity record found for presented assertion. \(detail)")
    }
    static func badRequest(_ detail: String) -> EntraError {
        EntraError(status: 400, error: "invalid_request", code: 900144, message: detail)
    }
    static let badGrant = EntraError(
        status: 400, error: "unsupported_grant_type", code: 70003,
        message: "The app requested an unsupported grant type.")
}

extension AzureSimulator {
    /// The AADSTS error body of protocols.md §1.7.
    func entraErrorResponse(_ failure: EntraError) -> SimResponse {
        let trace = UUID().uuidString.lowercased()
        let correlation = UUID().uuidString.lowercased()
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyy-MM-dd HH:mm:ss'Z'"
        let timestamp = formatter.string(from: configuration.now())
        let description =
            "AADSTS\(failure.code): \(failure.message)\r\nTrace ID: \(trace)\r\n"
            + "Correlation ID: \(correlation)\r\nTimestamp: \(timestamp)"
        return .json(
            failure.status,
            [
                "error": failure.error, "error_description": description, "error_codes": [failure.code],
                "timestamp": timestamp, "trace_id": trace, "correlation_id": correlation,
                "error_uri": authorityHost + "error?code=\(failure.code)",
            ])
    }
}
