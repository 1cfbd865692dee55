import Foundation
import Logging

/// An Entra ID access token and when it expires. Its `description` never shows the token.
public struct AccessToken: Sendable, CustomStringConvertible {
    /// The bearer token. Never log it.
    public var token: String
    public var expiresOn: Date
    /// Tenant the token was issued in, when known (sent to the ACR exchange).
    public var tenant: String?

    public init(token: String, expiresOn: Date, tenant: String? = nil) {
        self.token = token
        self.expiresOn = expiresOn
        self.tenant = tenant
    }

    public var description: String { "AccessToken(expiresOn: \(expiresOn), token: <redacted>)" }
}

/// Something that obtains Entra ID access tokens for a scope (`<resource>/.default`).
public protocol TokenCredential: Sendable {
    /// Gets a fresh token from the service (no caching here: `TokenProvider` caches).
    func token(for scope: String, logger: Logger) async throws -> AccessToken
    /// Whether this credential calls the instance-metadata service (so `TokenProvider` rate-limits it).
    var usesInstanceMetadata: Bool { get }
    /// The tenant the credential authenticates in, if it knows it.
    var tenantID: String? { get }
}

extension TokenCredential {
    public var usesInstanceMetadata: Bool { false }
    public var tenantID: String? { nil }
}
