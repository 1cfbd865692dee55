import Foundation
import PullKeeperCore

/// Turns a non-200 answer of the ACR token service into an `AzureAuthError` (status first, then
/// `errors[0].code`; non-JSON bodies are tolerated).
enum ACRErrorClassifier {
    private struct Body: Decodable {
        struct Entry: Decodable { var code: String? }
        var errors: [Entry]?
    }

    static func classify(_ response: HTTPResponseData, registry: String, step: String) -> AzureAuthError {
        let status = response.status
        let code = ServerErrorCode.shown(
            (try? JSONDecoder().decode(Body.self, from: Data(response.body)))?.errors?.first?.code)
        let suffix = "HTTP \(status)" + (code.map { " \($0)" } ?? "")
        func error(_ kind: AzureAuthError.Code, _ detail: String) -> AzureAuthError {
            AzureAuthError(
                code: kind, detail: "registry \(registry): \(detail)", registry: registry, httpStatus: status,
                serverError: code, retryAfter: RetryAfter.parse(header: response.header))
        }
        let refused = status == 401 || status == 403
        switch status {
        case 429:
            return error(.throttled, "the token service is throttling requests (\(suffix))")
        case 500...599:
            return error(.serverUnavailable, "the token service is unavailable (\(suffix))")
        case _ where refused && step == "exchange":
            return error(
                .registryDenied,
                "the registry refused the identity's Entra ID token at /oauth2/exchange: the identity has no pull "
                    + "role (AcrPull, AcrPush or Owner) on this registry, or the token's audience or tenant is not "
                    + "accepted (\(suffix))")
        case _ where refused:
            return error(
                .registryDenied,
                "the registry refused the credential at /oauth2/\(step): expired refresh token or no access "
                    + "to the requested scope (\(suffix))")
        case 404:
            return error(
                .registryRejected,
                "the token service has no /oauth2/\(step) endpoint: is authEndpoint right? (\(suffix))")
        default:
            return error(.registryRejected, "the token service refused the /oauth2/\(step) request (\(suffix))")
        }
    }
}
