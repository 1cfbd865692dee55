import PullKeeperCore

extension ManagedIdentityCredential {
    /// IMDS statuses as azidentity treats them: 404, 410, 429 and 5xx are retried; 400 is final.
    func classify(_ response: HTTPResponseData) -> AzureAuthError {
        let body = OAuthErrorBody.parse(response.body)
        let status = response.status
        let selectorText: String
        switch selector {
        case .systemAssigned: selectorText = "the system-assigned identity"
        case .clientID(let id): selectorText = "the identity with client ID \(id)"
        case .objectID(let id): selectorText = "the identity with object ID \(id)"
        case .resourceID(let id): selectorText = "the identity \(id)"
        }
        // Classified by the raw `error`, shown only when it looks like an error code.
        let shown = ServerErrorCode.shown(body.error)
        func error(_ code: AzureAuthError.Code, _ detail: String) -> AzureAuthError {
            AzureAuthError(
                code: code, detail: detail, httpStatus: status, serverError: shown,
                errorCodes: body.errorCodes ?? [], retryAfter: RetryAfter.parse(header: response.header))
        }
        switch status {
        case 429:
            return error(.throttled, "\(sourceLabel) is throttling token requests (HTTP 429)")
        case 404, 410, 500...599:
            return error(.serverUnavailable, "\(sourceLabel) is unavailable or updating (HTTP \(status))")
        case 400 where body.error == "invalid_resource" || (body.errorCodes ?? []).contains(500011):
            return error(.resourceNotFound, "\(sourceLabel) does not know the requested token audience (HTTP 400)")
        case 400 where body.error == nil || body.error == "invalid_request":
            return error(
                .identityNotFound,
                "\(selectorText) is not assigned to this host (\(sourceLabel) answered 400 identity not found)")
        default:
            let code = shown.map { " \($0)" } ?? ""
            return error(.managedIdentityRejected, "\(sourceLabel) refused the token request (HTTP \(status)\(code))")
        }
    }

}
