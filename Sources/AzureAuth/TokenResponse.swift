import Foundation
import PullKeeperCore

/// The success body of Entra ID, IMDS and App Service token endpoints (numbers or numeric strings).
struct TokenResponse: Decodable {
    var accessToken: String
    var expiresIn: FlexibleEpoch?
    var expiresOn: FlexibleEpoch?

    enum CodingKeys: String, CodingKey {
        case accessToken = "access_token", expiresIn = "expires_in", expiresOn = "expires_on"
    }

    /// Parses a body; `source` names the endpoint in errors.
    static func parse(_ body: [UInt8], source: String, now: Date) throws -> AccessToken {
        let response: TokenResponse
        do {
            response = try JSONDecoder().decode(TokenResponse.self, from: Data(body))
        } catch {
            throw AzureAuthError(
                code: .malformedResponse,
                detail: "\(source) answered 200 without a JSON token (access_token, expires_in/expires_on)")
        }
        guard !response.accessToken.isEmpty else {
            throw AzureAuthError(code: .malformedResponse, detail: "\(source) answered an empty access_token")
        }
        // azidentity: expires_in wins when present.
        let expiresOn: Date
        if let expiresIn = response.expiresIn {
            expiresOn = now.addingTimeInterval(expiresIn.seconds)
        } else if let epoch = response.expiresOn {
            expiresOn = epoch.date
        } else {
            throw AzureAuthError(
                code: .malformedResponse, detail: "\(source) answered a token without expires_in or expires_on")
        }
        let tenant = try? JWTClaims.decode(response.accessToken).tenant
        return AccessToken(token: response.accessToken, expiresOn: expiresOn, tenant: tenant)
    }
}

/// The error body of Entra ID and IMDS: `error`, `error_codes`.
struct OAuthErrorBody: Decodable {
    var error: String?
    var errorCodes: [Int]?

    enum CodingKeys: String, CodingKey {
        case error, errorCodes = "error_codes"
    }

    static func parse(_ body: [UInt8]) -> OAuthErrorBody {
        (try? JSONDecoder().decode(OAuthErrorBody.self, from: Data(body))) ?? OAuthErrorBody()
    }
}
