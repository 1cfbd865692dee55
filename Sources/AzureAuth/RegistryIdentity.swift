import Foundation

/// A named identity as the token cache sees it.
public struct RegistryIdentity: Sendable {
    /// How it authenticates with a registry.
    public enum Kind: Sendable {
        /// An Entra ID credential whose token is exchanged at the registry.
        case entra(any TokenCredential)
        /// A username and password used as they are.
        case `static`(any StaticLoginSource)
    }

    /// The configured name (`ci-sp`), used in cache keys, logs and error messages.
    public var name: String
    public var kind: Kind
    /// Entra scope to request, `https://containerregistry.azure.net/.default` unless ARM is configured.
    public var scope: String

    public init(name: String, kind: Kind, scope: String = AzureCloud.azurePublic.scope(for: .acr)) {
        self.name = name
        self.kind = kind
        self.scope = scope
    }
}

/// A registry as the token cache sees it.
public struct RegistryTarget: Sendable, Hashable {
    /// The host[:port] clients pull from.
    public var loginServer: String
    /// An explicit token-service URL. When set, the login server's `/v2/` challenge is asked first (its realm names
    /// the token service, its `service` the audience); without a usable challenge this URL serves.
    public var authEndpoint: String?
    /// Trust for the token service.
    public var tls: TLSOptions

    public init(loginServer: String, authEndpoint: String? = nil, tls: TLSOptions = TLSOptions()) {
        self.loginServer = loginServer
        self.authEndpoint = authEndpoint
        self.tls = tls
    }
}

/// What goes into a docker config for one registry, and until when it is good.
public struct RegistryCredential: Sendable, CustomStringConvertible {
    /// Where the credential came from.
    public enum Kind: String, Sendable, Hashable {
        /// An ACR refresh token with the null-GUID username.
        case refreshToken
        /// An ACR access token limited to a scope.
        case accessToken
        /// A static username and password.
        case `static`
    }

    /// The username ACR expects with refresh and access tokens.
    public static let tokenUsername = "00000000-0000-0000-0000-000000000000"

    public var loginServer: String
    public var username: String
    /// Never log it.
    public var password: String
    /// When the token expires; nil for static credentials (no known expiry).
    public var expiresOn: Date?
    public var kind: Kind

    public init(loginServer: String, username: String, password: String, expiresOn: Date?, kind: Kind) {
        self.loginServer = loginServer
        self.username = username
        self.password = password
        self.expiresOn = expiresOn
        self.kind = kind
    }

    public var description: String {
        "RegistryCredential(\(kind.rawValue), loginServer: \(loginServer), username: \(username), "
            + "expiresOn: \(expiresOn.map { "\($0)" } ?? "none"), password: <redacted>)"
    }
}
