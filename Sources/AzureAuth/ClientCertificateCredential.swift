import Foundation
import Logging
import PullKeeperCore

/// A service principal authenticating with a certificate: a PEM file (RSA key + certificate, re-read on every
/// request) signs a client-assertion JWT.
public struct ClientCertificateCredential: TokenCredential {
    public let tenantID: String?
    public let clientID: String
    public let certificateFile: String
    public let algorithm: ClientAssertion.Algorithm
    /// Whether the assertion header carries the certificate chain as `x5c` (subject name / issuer auth).
    public let sendCertificateChain: Bool
    private let client: EntraTokenClient

    public init(
        tenantID: String, clientID: String, certificateFile: String, algorithm: ClientAssertion.Algorithm = .ps256,
        sendCertificateChain: Bool = false, authorityHost: String = AzureCloud.azurePublic.authorityHost,
        transport: any HTTPTransport, tls: TLSOptions = TLSOptions(), retry: RetryPolicy = .none,
        now: @escaping @Sendable () -> Date = Date.init
    ) {
        self.tenantID = tenantID
        self.clientID = clientID
        self.certificateFile = certificateFile
        self.algorithm = algorithm
        self.sendCertificateChain = sendCertificateChain
        self.client = EntraTokenClient(
            authorityHost: authorityHost, tenantID: tenantID, clientID: clientID, transport: transport, tls: tls,
            retry: retry, now: now)
    }

    public func token(for scope: String, logger: Logger) async throws -> AccessToken {
        let (path, clientID, audience) = (certificateFile, clientID, client.tokenURL)
        let (algorithm, sendChain, now) = (algorithm, sendCertificateChain, client.now)
        return try await client.requestToken(scope: scope, logger: logger) {
            let bundle = try PEMBundle(text: try SecretFile.read(path, what: "certificate"), path: path)
            let assertion = try ClientAssertion.make(
                bundle: bundle, clientID: clientID, audience: audience, algorithm: algorithm, sendChain: sendChain,
                now: now())
            return [("client_assertion_type", ClientAssertion.assertionType), ("client_assertion", assertion)]
        }
    }
}
