import Foundation

/// An AzureAuth failure callers match on by `code`; `isRetryable` says whether trying again later can help.
///
/// Messages never contain secrets, assertions or tokens: only names, hosts, HTTP status and server error codes.
public struct AzureAuthError: Error, Sendable, CustomStringConvertible {
    /// What went wrong, as a closed set of matchable values.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        fileprivate enum Kind: String, Sendable, Hashable {
            case network, throttled, serverUnavailable
            case invalidClientSecret, expiredClientSecret, applicationNotFound, tenantNotFound
            case invalidClientAssertion, federatedCredentialMismatch, invalidScope, resourceNotFound
            case entraRejected, identityNotFound, managedIdentityRejected
            case registryDenied, registryRejected, credentialRejected
            case invalidConfiguration, unreadableFile, invalidCertificate
            case malformedResponse, responseTooLarge, invalidJWT, expiredToken
        }

        fileprivate let kind: Kind
        public var description: String { kind.rawValue }

        /// The endpoint could not be reached or the connection broke (retryable).
        public static let network = Code(kind: .network)
        /// HTTP 429 (retryable; see `retryAfter`).
        public static let throttled = Code(kind: .throttled)
        /// HTTP 5xx or an IMDS "updating" status (retryable).
        public static let serverUnavailable = Code(kind: .serverUnavailable)
        /// AADSTS7000215 / 7000218: the client secret is wrong.
        public static let invalidClientSecret = Code(kind: .invalidClientSecret)
        /// AADSTS7000222: the client secret has expired.
        public static let expiredClientSecret = Code(kind: .expiredClientSecret)
        /// AADSTS700016: no application with that client ID in the tenant.
        public static let applicationNotFound = Code(kind: .applicationNotFound)
        /// AADSTS90002: the tenant does not exist.
        public static let tenantNotFound = Code(kind: .tenantNotFound)
        /// AADSTS700027 / 700024 / 7000274: the certificate assertion was refused.
        public static let invalidClientAssertion = Code(kind: .invalidClientAssertion)
        /// AADSTS70021 / 700211-700213: no federated credential matches the token's issuer, subject or audience.
        public static let federatedCredentialMismatch = Code(kind: .federatedCredentialMismatch)
        /// AADSTS70011: the scope is malformed.
        public static let invalidScope = Code(kind: .invalidScope)
        /// AADSTS500011: the resource (audience) is unknown to the tenant.
        public static let resourceNotFound = Code(kind: .resourceNotFound)
        /// Any other 4xx from Entra ID (terminal).
        public static let entraRejected = Code(kind: .entraRejected)
        /// IMDS / App Service 400 "Identity not found": the identity is not assigned to this host.
        public static let identityNotFound = Code(kind: .identityNotFound)
        /// Any other refusal from the managed-identity endpoint (terminal).
        public static let managedIdentityRejected = Code(kind: .managedIdentityRejected)
        /// The registry refused the identity (401/403): no pull role, wrong audience or tenant.
        public static let registryDenied = Code(kind: .registryDenied)
        /// The registry answered another 4xx (terminal).
        public static let registryRejected = Code(kind: .registryRejected)
        /// The registry refused a new credential when it was tried the way a pulling client would (the self-check):
        /// it is never handed out; retryable, since the next request gets another one.
        public static let credentialRejected = Code(kind: .credentialRejected)
        /// A configuration value is missing or invalid.
        public static let invalidConfiguration = Code(kind: .invalidConfiguration)
        /// A secret, certificate or token file could not be read or is empty.
        public static let unreadableFile = Code(kind: .unreadableFile)
        /// A certificate or private key could not be parsed or used.
        public static let invalidCertificate = Code(kind: .invalidCertificate)
        /// A response body was not what the protocol says (not JSON, missing field, truncated).
        public static let malformedResponse = Code(kind: .malformedResponse)
        /// A response body exceeded the size limit.
        public static let responseTooLarge = Code(kind: .responseTooLarge)
        /// A token that must be a JWT could not be decoded.
        public static let invalidJWT = Code(kind: .invalidJWT)
        /// A token arrived already expired.
        public static let expiredToken = Code(kind: .expiredToken)
    }

    public let code: Code
    /// The identity name, when known (attached by `TokenProvider` or the caller).
    public var identity: String?
    /// The registry login server, when the failure concerns one.
    public var registry: String?
    /// HTTP status of the answer that caused the error, if any.
    public var httpStatus: Int?
    /// The server's `error` field (Entra, IMDS) or `errors[0].code` (ACR).
    public var serverError: String?
    /// Entra's `error_codes` (AADSTS numbers).
    public var errorCodes: [Int]
    /// How long the server asked us to wait (from `Retry-After`).
    public var retryAfter: Duration?
    /// A safe human explanation (never secret material).
    public var detail: String

    public init(
        code: Code, detail: String, identity: String? = nil, registry: String? = nil, httpStatus: Int? = nil,
        serverError: String? = nil, errorCodes: [Int] = [], retryAfter: Duration? = nil
    ) {
        self.code = code
        self.detail = detail
        self.identity = identity
        self.registry = registry
        self.httpStatus = httpStatus
        self.serverError = serverError
        self.errorCodes = errorCodes
        self.retryAfter = retryAfter
    }

    /// Whether the same request may succeed later (network, throttling, 5xx).
    public var isRetryable: Bool {
        switch code.kind {
        case .network, .throttled, .serverUnavailable, .credentialRejected: true
        default: false
        }
    }

    /// This error, naming the identity it happened for.
    public func forIdentity(_ name: String) -> AzureAuthError {
        var copy = self
        if copy.identity == nil { copy.identity = name }
        return copy
    }

    /// This error, naming the registry it happened for.
    public func forRegistry(_ host: String) -> AzureAuthError {
        var copy = self
        if copy.registry == nil { copy.registry = host }
        return copy
    }

    public var description: String {
        var text = ""
        if let identity { text += "identity \(identity): " }
        text += detail
        if let registry, !detail.contains(registry) { text += " (registry \(registry))" }
        return text
    }
}

extension AzureAuthError: LocalizedError {
    public var errorDescription: String? { description }
}
