import Foundation
import Logging
import PullKeeperCore

/// A service principal authenticating with a client secret read from a file on every request.
public struct ClientSecretCredential: TokenCredential {
    public let tenantID: String?
    public let clientID: String
    /// Path of the file that holds the secret value (not the secret ID); nil when the secret was given inline.
    public let secretFile: String?
    private let inlineSecret: String?
    private let client: EntraTokenClient

    /// `authorityHost` defaults to the public cloud's.
    public init(
        tenantID: String, clientID: String, secretFile: String,
        authorityHost: String = AzureCloud.azurePublic.authorityHost,
        transport: any HTTPTransport, tls: TLSOptions = TLSOptions(), retry: RetryPolicy = .none,
        now: @escaping @Sendable () -> Date = Date.init
    ) {
        self.tenantID = tenantID
        self.clientID = clientID
        self.secretFile = secretFile
        self.inlineSecret = nil
        self.client = EntraTokenClient(
            authorityHost: authorityHost, tenantID: tenantID, clientID: clientID, transport: transport, tls: tls,
            retry: retry, now: now)
    }

    /// A secret given as a value (`AZURE_CLIENT_SECRET`); prefer `secretFile` so rotation needs no restart.
    public init(
        tenantID: String, clientID: String, secret: String,
        authorityHost: String = AzureCloud.azurePublic.authorityHost,
        transport: any HTTPTransport, tls: TLSOptions = TLSOptions(), retry: RetryPolicy = .none,
        now: @escaping @Sendable () -> Date = Date.init
    ) {
        self.tenantID = tenantID
        self.clientID = clientID
        self.secretFile = nil
        self.inlineSecret = secret
        self.client = EntraTokenClient(
            authorityHost: authorityHost, tenantID: tenantID, clientID: clientID, transport: transport, tls: tls,
            retry: retry, now: now)
    }

    public func token(for scope: String, logger: Logger) async throws -> AccessToken {
        let (path, inline) = (secretFile, inlineSecret)
        return try await client.requestToken(scope: scope, logger: logger) {
            if let inline, !inline.isEmpty { return [("client_secret", inline)] }
            guard let path else {
                throw AzureAuthError(code: .invalidConfiguration, detail: "the client secret is empty")
            }
            return [("client_secret", try SecretFile.read(path, what: "client secret"))]
        }
    }
}
