import Foundation

/// A namespace as the reconciler sees it.
public struct ObservedNamespace: Sendable, Hashable {
    public var name: String
    public var labels: [String: String]
    public var annotations: [String: String]
    /// `deletionTimestamp` set or phase Terminating: nothing may be created in it.
    public var terminating: Bool

    public init(
        name: String, labels: [String: String] = [:], annotations: [String: String] = [:], terminating: Bool = false
    ) {
        self.name = name
        self.labels = labels
        self.annotations = annotations
        self.terminating = terminating
    }
}

/// A Secret in the namespace: every one carrying the managed-by label, plus the one with the desired name.
public struct ObservedSecret: Sendable, Hashable {
    public var name: String
    public var labels: [String: String]
    public var annotations: [String: String]
    public var type: String
    public var data: [String: Data]
    public var resourceVersion: String
    public var uid: String
    /// Set when `data` is the controller cache's redacted copy (no token in it): the hash of the payload as stored
    /// in the cluster. nil: `data` is the payload itself.
    public var payloadHash: String?

    public init(
        name: String, labels: [String: String] = [:], annotations: [String: String] = [:],
        type: String = SecretLayout.dockerConfigJSONType, data: [String: Data] = [:], resourceVersion: String = "1",
        uid: String = "", payloadHash: String? = nil
    ) {
        self.name = name
        self.labels = labels
        self.annotations = annotations
        self.type = type
        self.data = data
        self.resourceVersion = resourceVersion
        self.uid = uid
        self.payloadHash = payloadHash
    }

    /// Whether `data` is a redacted copy: its passwords are placeholders that must never be written back.
    public var isRedacted: Bool { payloadHash != nil }

    /// Whether pullkeeper owns it (the managed-by label); anything else is never touched.
    public var isManaged: Bool { labels[SecretLayout.managedByLabel] == SecretLayout.managedByValue }
}

/// A service account and the names in its `imagePullSecrets` (nil for an entry without a usable name).
public struct ObservedServiceAccount: Sendable, Hashable {
    public var name: String
    public var imagePullSecrets: [String?]
    /// Whether the `imagePullSecrets` field exists at all (a JSON patch must create it first).
    public var hasImagePullSecrets: Bool
    public var resourceVersion: String

    public init(
        name: String, imagePullSecrets: [String?] = [], hasImagePullSecrets: Bool? = nil, resourceVersion: String = "1"
    ) {
        self.name = name
        self.imagePullSecrets = imagePullSecrets
        self.hasImagePullSecrets = hasImagePullSecrets ?? !imagePullSecrets.isEmpty
        self.resourceVersion = resourceVersion
    }
}

/// A registry credential ready for a docker config entry. Its description never shows the password.
public struct PullCredential: Sendable, Hashable, CustomStringConvertible {
    public var username: String
    public var password: String
    /// When it stops working; nil for static credentials that do not expire.
    public var expiresOn: Date?

    public init(username: String, password: String, expiresOn: Date?) {
        self.username = username
        self.password = password
        self.expiresOn = expiresOn
    }

    public var description: String {
        "PullCredential(username: \(username), password: <redacted>, expiresOn: \(expiresOn.map { "\($0)" } ?? "never"))"
    }
}

/// Why a credential could not be had; `retryable` failures back off and retry, terminal ones wait for a change.
public struct CredentialFailure: Error, Sendable, Hashable, CustomStringConvertible {
    public var message: String
    public var retryable: Bool
    /// The Event reason: `TokenFailed` (no credential could be had) or `CredentialRejected` (the registry refused
    /// the new credential in the self-check).
    public var reason: String

    public static let tokenFailed = "TokenFailed"
    public static let credentialRejected = "CredentialRejected"

    public init(message: String, retryable: Bool, reason: String = CredentialFailure.tokenFailed) {
        self.message = message
        self.retryable = retryable
        self.reason = reason
    }

    public var description: String { message }
}

/// What the credential source answered for one registry.
public enum CredentialOutcome: Sendable, Hashable {
    case ready(PullCredential)
    /// The shared request for it is still running: not a failure yet (no Event; the namespace comes back soon).
    case pending
    case failed(CredentialFailure)
}

/// One credential the reconciler needs before it can decide.
public struct CredentialRequest: Sendable, Hashable {
    public var identity: String
    public var registry: String
    /// Space-separated ACR scopes; nil for a registry-wide refresh token.
    public var scope: String?
    /// A cached credential only serves when it expires after this (so a refresh really gets a newer token).
    public var mustExpireAfter: Date?

    public init(identity: String, registry: String, scope: String? = nil, mustExpireAfter: Date? = nil) {
        self.identity = identity
        self.registry = registry
        self.scope = scope
        self.mustExpireAfter = mustExpireAfter
    }
}

/// Everything gathered for one pass over one namespace.
public struct ReconcileInput: Sendable {
    /// nil when the namespace no longer exists.
    public var namespace: ObservedNamespace?
    /// Managed Secrets of the namespace and the Secret with the desired name, if any.
    public var secrets: [ObservedSecret]
    public var serviceAccounts: [ObservedServiceAccount]
    /// Credentials fetched for this pass, by registry; nil when none were fetched yet.
    public var credentials: [String: CredentialOutcome]?
    public var now: Date

    public init(
        namespace: ObservedNamespace?, secrets: [ObservedSecret] = [], serviceAccounts: [ObservedServiceAccount] = [],
        credentials: [String: CredentialOutcome]? = nil, now: Date
    ) {
        self.namespace = namespace
        self.secrets = secrets
        self.serviceAccounts = serviceAccounts
        self.credentials = credentials
        self.now = now
    }
}
