import Foundation

/// Where a registry's token service lives and what `service` it expects.
public struct ACREndpoint: Sendable, Hashable {
    /// The login server clients pull from (the docker config key).
    public var loginServer: String
    /// `https://host[:port]` of the token service (`/oauth2/exchange`, `/oauth2/token`).
    public var authBaseURL: String
    /// The `service` form field: the login server as the token service knows it, lower-case.
    public var service: String

    public init(loginServer: String, authBaseURL: String? = nil, service: String? = nil) {
        self.loginServer = loginServer
        let base = authBaseURL ?? "https://\(loginServer)"
        self.authBaseURL = base.hasSuffix("/") ? String(base.dropLast()) : base
        self.service = (service ?? loginServer).lowercased()
    }

    /// The token service named by a challenge: realm's scheme, host and port; `service` from the header.
    public static func from(challenge: BearerChallenge, loginServer: String) -> ACREndpoint? {
        guard let realm = challenge.realm, let components = URLComponents(string: realm),
            let scheme = components.scheme, let host = components.host, !host.isEmpty
        else { return nil }
        let hostPart = host.contains(":") && !host.hasPrefix("[") ? "[\(host)]" : host
        let base = "\(scheme)://\(hostPart)" + (components.port.map { ":\($0)" } ?? "")
        return ACREndpoint(loginServer: loginServer, authBaseURL: base, service: challenge.service ?? loginServer)
    }

    package var exchangeURL: String { authBaseURL + "/oauth2/exchange" }
    var tokenURL: String { authBaseURL + "/oauth2/token" }
}
