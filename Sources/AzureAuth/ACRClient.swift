import Foundation
import Logging
import PullKeeperCore

/// An ACR refresh token (the docker password for username `00000000-0000-0000-0000-000000000000`).
public struct ACRRefreshToken: Sendable, CustomStringConvertible {
    /// Never log it.
    public var token: String
    /// From the JWT's `exp`.
    public var expiresOn: Date

    public init(token: String, expiresOn: Date) {
        self.token = token
        self.expiresOn = expiresOn
    }

    public var description: String { "ACRRefreshToken(expiresOn: \(expiresOn), token: <redacted>)" }
}

/// Client of the ACR token service: challenge discovery, `/oauth2/exchange`, `/oauth2/token`.
public struct ACRClient: Sendable {
    private let transport: any HTTPTransport
    private let retry: RetryPolicy

    public init(transport: any HTTPTransport, retry: RetryPolicy = .none) {
        self.transport = transport
        self.retry = retry
    }

    /// Reads realm and service from the `GET /v2/` challenge at `authBaseURL`.
    public func discover(
        loginServer: String, authBaseURL: String, tls: TLSOptions, logger: Logger
    ) async throws -> ACREndpoint {
        let base = authBaseURL.hasSuffix("/") ? String(authBaseURL.dropLast()) : authBaseURL
        let response = try await retry.run {
            let response = try await transport.send(HTTPRequestData(method: .get, url: base + "/v2/", tls: tls))
            if response.status == 429 || response.status >= 500 {
                throw ACRErrorClassifier.classify(response, registry: loginServer, step: "challenge")
            }
            return response
        }
        guard response.status == 401, let header = response.header("WWW-Authenticate"),
            let challenge = BearerChallenge.parse(header),
            let endpoint = ACREndpoint.from(challenge: challenge, loginServer: loginServer)
        else {
            logger.debug("no Bearer challenge on /v2/", metadata: ["http.status": "\(response.status)"])
            throw AzureAuthError(
                code: .malformedResponse,
                detail: "registry \(loginServer): \(base)/v2/ answered HTTP \(response.status) without a Bearer "
                    + "challenge naming realm and service",
                registry: loginServer, httpStatus: response.status)
        }
        return endpoint
    }

    /// Trades an Entra ID token for an ACR refresh token.
    public func exchange(
        _ accessToken: AccessToken, at endpoint: ACREndpoint, tenant: String?, tls: TLSOptions, logger: Logger
    ) async throws -> ACRRefreshToken {
        var fields = [("grant_type", "access_token"), ("service", endpoint.service)]
        if let tenant = tenant ?? accessToken.tenant { fields.append(("tenant", tenant)) }
        fields.append(("access_token", accessToken.token))
        let body = try await post(endpoint.exchangeURL, fields: fields, endpoint: endpoint, tls: tls, step: "exchange")
        guard let token = try Self.field("refresh_token", in: body, endpoint: endpoint, step: "exchange") else {
            throw malformed(endpoint, "the exchange answer has no refresh_token")
        }
        let expiry = try JWTClaims.expiry(of: token, name: "ACR refresh token")
        logger.debug("ACR exchange succeeded", metadata: ["token.expires_at": "\(expiry)"])
        return ACRRefreshToken(token: token, expiresOn: expiry)
    }

    /// Trades an ACR refresh token for an access token limited to `scopes` (`repository:team-a/app:pull`).
    public func accessToken(
        refreshToken: String, scopes: [String], at endpoint: ACREndpoint, tls: TLSOptions, logger: Logger
    ) async throws -> ACRRefreshToken {
        var fields = [("grant_type", "refresh_token"), ("service", endpoint.service)]
        fields += scopes.map { ("scope", $0) }
        fields.append(("refresh_token", refreshToken))
        let body = try await post(endpoint.tokenURL, fields: fields, endpoint: endpoint, tls: tls, step: "token")
        guard let token = try Self.field("access_token", in: body, endpoint: endpoint, step: "token") else {
            throw malformed(endpoint, "the token answer has no access_token")
        }
        let expiry = try JWTClaims.expiry(of: token, name: "ACR access token")
        logger.debug("ACR access token issued", metadata: ["token.expires_at": "\(expiry)"])
        return ACRRefreshToken(token: token, expiresOn: expiry)
    }

    /// Trades a username and password (an admin account, a repository token, an app ID and secret) for an access
    /// token limited to `scopes`, the way docker clients do: `GET /oauth2/token?service=..&scope=..` with Basic auth.
    public func accessToken(
        login: RegistryLogin, scopes: [String], at endpoint: ACREndpoint, tls: TLSOptions, logger: Logger
    ) async throws -> ACRRefreshToken {
        guard var components = URLComponents(string: endpoint.tokenURL) else {
            throw malformed(endpoint, "the token URL \(endpoint.tokenURL) is not a URL")
        }
        components.queryItems =
            [URLQueryItem(name: "service", value: endpoint.service)]
            + scopes.map { URLQueryItem(name: "scope", value: $0) }
        // `+` is a space to a form decoder; a scope never has one, but a service or scope name might have `+`.
        components.percentEncodedQuery = components.percentEncodedQuery?.replacingOccurrences(of: "+", with: "%2B")
        guard let url = components.url?.absoluteString else {
            throw malformed(endpoint, "the token URL cannot carry the scope")
        }
        let basic = login.basicAuthorization
        let request = HTTPRequestData(
            method: .get, url: url, headers: [("Authorization", basic), ("Accept", "application/json")], tls: tls)
        let body = try await retry.run {
            let response = try await transport.send(request)
            guard response.status == 200 else {
                throw ACRErrorClassifier.classify(response, registry: endpoint.loginServer, step: "token")
            }
            return response.body
        }
        guard
            let token = try Self.field("access_token", in: body, endpoint: endpoint, step: "token")
                ?? Self.field("token", in: body, endpoint: endpoint, step: "token")
        else {
            throw malformed(endpoint, "the token answer has neither access_token nor token")
        }
        let expiry = try JWTClaims.expiry(of: token, name: "ACR access token")
        logger.debug("ACR access token issued for a static login", metadata: ["token.expires_at": "\(expiry)"])
        return ACRRefreshToken(token: token, expiresOn: expiry)
    }

    private func post(
        _ url: String, fields: [(String, String)], endpoint: ACREndpoint, tls: TLSOptions, step: String
    ) async throws -> [UInt8] {
        let request = HTTPRequestData(
            method: .post, url: url, headers: [FormEncoding.contentType, ("Accept", "application/json")],
            body: FormEncoding.body(fields), tls: tls)
        return try await retry.run {
            let response = try await transport.send(request)
            guard response.status == 200 else {
                throw ACRErrorClassifier.classify(response, registry: endpoint.loginServer, step: step)
            }
            return response.body
        }
    }

    private static func field(_ name: String, in body: [UInt8], endpoint: ACREndpoint, step: String) throws -> String? {
        guard let object = (try? JSONSerialization.jsonObject(with: Data(body))) as? [String: Any] else {
            throw AzureAuthError(
                code: .malformedResponse,
                detail: "registry \(endpoint.loginServer): the \(step) answer is not a JSON object",
                registry: endpoint.loginServer, httpStatus: 200)
        }
        guard let value = object[name] as? String, !value.isEmpty else { return nil }
        return value
    }

    private func malformed(_ endpoint: ACREndpoint, _ reason: String) -> AzureAuthError {
        AzureAuthError(
            code: .malformedResponse, detail: "registry \(endpoint.loginServer): \(reason)",
            registry: endpoint.loginServer, httpStatus: 200)
    }
}
