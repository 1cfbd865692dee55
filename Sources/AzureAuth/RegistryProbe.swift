import Foundation
import Logging

/// Tries a docker credential against a registry the way a pulling client does, before pullkeeper writes it:
/// `GET /v2/`; for a Bearer challenge, `GET <realm>?service=..&scope=..` with Basic auth and then `/v2/` with the
/// token it returned; for a Basic challenge, `/v2/` with Basic auth.
public struct RegistryProbe: Sendable {
    /// What the registry made of the credential.
    public enum Outcome: Sendable, Hashable {
        /// The registry (or its token service) accepted it.
        case accepted
        /// The registry refused it; the reason is safe to show (no secret material).
        case rejected(String)
        /// The registry could not be asked (network, 5xx, throttling): try again later.
        case unavailable(String)
    }

    /// The repository named in the pull scope of the token request (a registry grants a token with reduced
    /// access for a repository the credential may not pull, so the name only has to be well-formed).
    public static let probeScope = "repository:pullkeeper-self-check:pull"

    private let transport: any HTTPTransport

    public init(transport: any HTTPTransport) {
        self.transport = transport
    }

    /// Probes `https://<loginServer>/v2/` (or `baseURL`) with `login`; `scope` replaces the probe's pull scope.
    public func check(
        _ login: RegistryLogin, loginServer: String, baseURL: String? = nil, scope: String? = nil, tls: TLSOptions,
        logger: Logger
    ) async -> Outcome {
        let base = (baseURL ?? "https://\(loginServer)").trimmingSuffix("/")
        let basic = login.basicAuthorization
        do {
            let anonymous = try await transport.send(HTTPRequestData(method: .get, url: base + "/v2/", tls: tls))
            if let unavailable = Self.unavailable(anonymous, step: "GET /v2/") { return unavailable }
            if anonymous.status == 200 { return .accepted }
            guard anonymous.status == 401, let header = anonymous.header("WWW-Authenticate") else {
                return .rejected("GET /v2/ answered HTTP \(anonymous.status) without a challenge")
            }
            if header.lowercased().hasPrefix("basic") {
                let answer = try await transport.send(
                    HTTPRequestData(method: .get, url: base + "/v2/", headers: [("Authorization", basic)], tls: tls))
                return Self.judge(answer, step: "GET /v2/ with Basic auth")
            }
            guard let challenge = BearerChallenge.parse(header), let realm = challenge.realm,
                var components = URLComponents(string: realm), components.scheme?.lowercased() == "https"
            else {
                return .rejected("GET /v2/ answered a challenge pullkeeper cannot use: \(Self.shorten(header))")
            }
            var query = components.queryItems ?? []
            query.append(URLQueryItem(name: "service", value: challenge.service ?? loginServer))
            for item in (scope ?? Self.probeScope).split(separator: " ") {
                query.append(URLQueryItem(name: "scope", value: String(item)))
            }
            components.queryItems = query
            guard let tokenURL = components.url?.absoluteString else {
                return .rejected("the challenge's realm is not a usable URL")
            }
            let tokenAnswer = try await transport.send(
                HTTPRequestData(method: .get, url: tokenURL, headers: [("Authorization", basic)], tls: tls))
            if case .rejected(let reason) = Self.judge(tokenAnswer, step: "the token request to the realm") {
                return .rejected(reason)
            } else if let unavailable = Self.unavailable(tokenAnswer, step: "the token request to the realm") {
                return unavailable
            }
            guard let token = Self.bearerToken(tokenAnswer.body) else {
                return .rejected("the realm answered 200 without a token or access_token")
            }
            let confirm = try await transport.send(
                HTTPRequestData(
                    method: .get, url: base + "/v2/", headers: [("Authorization", "Bearer \(token)")], tls: tls))
            return Self.judge(confirm, step: "GET /v2/ with the realm's token")
        } catch let error as AzureAuthError {
            logger.debug("registry probe failed", metadata: ["registry.host": "\(loginServer)", "error": "\(error)"])
            return .unavailable(error.detail)
        } catch {
            return .unavailable("registry \(loginServer) could not be reached: \(type(of: error))")
        }
    }

    private static func judge(_ response: HTTPResponseData, step: String) -> Outcome {
        if let unavailable = unavailable(response, step: step) { return unavailable }
        switch response.status {
        case 200: return .accepted
        case 401, 403: return .rejected("\(step) was refused with HTTP \(response.status)")
        default: return .rejected("\(step) answered HTTP \(response.status)")
        }
    }

    private static func unavailable(_ response: HTTPResponseData, step: String) -> Outcome? {
        guard response.status == 429 || response.status >= 500 else { return nil }
        return .unavailable("\(step) answered HTTP \(response.status)")
    }

    private static func bearerToken(_ body: [UInt8]) -> String? {
        guard let object = (try? JSONSerialization.jsonObject(with: Data(body))) as? [String: Any] else { return nil }
        for key in ["token", "access_token"] {
            if let value = object[key] as? String, !value.isEmpty { return value }
        }
        return nil
    }

    /// Challenges carry no secrets, but keep error messages short.
    private static func shorten(_ text: String) -> String {
        text.count <= 120 ? text : String(text.prefix(120)) + "…"
    }
}

extension String {
    fileprivate func trimmingSuffix(_ suffix: String) -> String {
        hasSuffix(suffix) ? String(dropLast(suffix.count)) : self
    }
}
