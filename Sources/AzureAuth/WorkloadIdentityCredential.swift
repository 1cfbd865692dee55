import Foundation
import Logging
import PullKeeperCore

/// Workload identity: the projected service-account token in `tokenFile`, re-read on every request, is the
/// client assertion of a federated credential.
public struct WorkloadIdentityCredential: TokenCredential {
    public let tenantID: String?
    public let clientID: String
    public let tokenFile: String
    private let client: EntraTokenClient

    public init(
        tenantID: String, clientID: String, tokenFile: String,
        authorityHost: String = AzureCloud.azurePublic.authorityHost,
        transport: any HTTPTransport, tls: TLSOptions = TLSOptions(), retry: RetryPolicy = .none,
        now: @escaping @Sendable () -> Date = Date.init
    ) {
        self.tenantID = tenantID
        self.clientID = clientID
        self.tokenFile = tokenFile
        self.client = EntraTokenClient(
            authorityHost: authorityHost, tenantID: tenantID, clientID: clientID, transport: transport, tls: tls,
            retry: retry, now: now)
    }

    public func token(for scope: String, logger: Logger) async throws -> AccessToken {
        let path = tokenFile
        return try await client.requestToken(scope: scope, logger: logger) {
            [
                ("client_assertion_type", ClientAssertion.assertionType),
                ("client_assertion", try SecretFile.read(path, what: "federated token")),
            ]
        }
    }
}
