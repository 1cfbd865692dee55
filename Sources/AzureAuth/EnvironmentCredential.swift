import Foundation
import PullKeeperCore

/// Builds a credential from Azure SDK environment variables, as azidentity's `EnvironmentCredential` and the
/// workload-identity webhook define them. The environment is passed in: the library never reads it globally.
public enum EnvironmentCredential {
    /// The variables read (for documentation and error messages).
    public static let variables = [
        "AZURE_TENANT_ID", "AZURE_CLIENT_ID", "AZURE_CLIENT_SECRET", "AZURE_CLIENT_CERTIFICATE_PATH",
        "AZURE_CLIENT_SEND_CERTIFICATE_CHAIN", "AZURE_FEDERATED_TOKEN_FILE", "AZURE_AUTHORITY_HOST",
    ]

    /// Client secret if `AZURE_CLIENT_SECRET` is set, else certificate if `AZURE_CLIENT_CERTIFICATE_PATH` is,
    /// else workload identity if `AZURE_FEDERATED_TOKEN_FILE` is; `AZURE_AUTHORITY_HOST` overrides
    /// `defaultAuthorityHost`.
    public static func make(
        environment: [String: String], defaultAuthorityHost: String = AzureCloud.azurePublic.authorityHost,
        transport: any HTTPTransport, tls: TLSOptions = TLSOptions(), retry: RetryPolicy = .none,
        now: @escaping @Sendable () -> Date = Date.init
    ) throws -> any TokenCredential {
        func value(_ name: String) -> String? {
            guard let text = environment[name]?.trimmingCharacters(in: .whitespaces), !text.isEmpty else { return nil }
            return text
        }
        guard let tenantID = value("AZURE_TENANT_ID"), let clientID = value("AZURE_CLIENT_ID") else {
            let missing = ["AZURE_TENANT_ID", "AZURE_CLIENT_ID"].filter { value($0) == nil }
            throw AzureAuthError(
                code: .invalidConfiguration,
                detail: "environment credential: \(missing.joined(separator: " and ")) not set")
        }
        let authorityHost = value("AZURE_AUTHORITY_HOST") ?? defaultAuthorityHost
        if let secret = value("AZURE_CLIENT_SECRET") {
            return ClientSecretCredential(
                tenantID: tenantID, clientID: clientID, secret: secret, authorityHost: authorityHost,
                transport: transport, tls: tls, retry: retry, now: now)
        }
        if let path = value("AZURE_CLIENT_CERTIFICATE_PATH") {
            let sendChain = value("AZURE_CLIENT_SEND_CERTIFICATE_CHAIN")?.lowercased() == "true"
            return ClientCertificateCredential(
                tenantID: tenantID, clientID: clientID, certificateFile: path, sendCertificateChain: sendChain,
                authorityHost: authorityHost, transport: transport, tls: tls, retry: retry, now: now)
        }
        if let path = value("AZURE_FEDERATED_TOKEN_FILE") {
            return WorkloadIdentityCredential(
                tenantID: tenantID, clientID: clientID, tokenFile: path, authorityHost: authorityHost,
                transport: transport, tls: tls, retry: retry, now: now)
        }
        throw AzureAuthError(
            code: .invalidConfiguration,
            detail: "environment credential: set AZURE_CLIENT_SECRET, AZURE_CLIENT_CERTIFICATE_PATH or "
                + "AZURE_FEDERATED_TOKEN_FILE")
    }
}
