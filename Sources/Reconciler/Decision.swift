import Foundation

/// The Secret pullkeeper wants; the executor merges it into the observed one, keeping foreign labels and annotations.
public struct DesiredSecret: Sendable, Hashable, CustomStringConvertible {
    public var name: String
    /// Labels pullkeeper sets (the managed-by label).
    public var labels: [String: String]
    /// Annotations pullkeeper sets (expires-at, refreshed-at, inputs-hash).
    public var annotations: [String: String]
    /// The `.dockerconfigjson` bytes.
    public var dockerConfigJSON: Data
    public var registries: [String]
    public var expiresAt: Date?

    public init(
        name: String, labels: [String: String], annotations: [String: String], dockerConfigJSON: Data,
        registries: [String], expiresAt: Date?
    ) {
        self.name = name
        self.labels = labels
        self.annotations = annotations
        self.dockerConfigJSON = dockerConfigJSON
        self.registries = registries
        self.expiresAt = expiresAt
    }

    public var description: String {
        "DesiredSecret(\(name), registries: \(registries), expiresAt: \(expiresAt.map { "\($0)" } ?? "never"))"
    }
}

/// The single write (or non-write) a pass performs.
public enum Action: Sendable, Hashable {
    /// Nothing to write.
    case none
    /// Get these credentials, then decide again with them.
    case fetchCredentials([CredentialRequest])
    case createSecret(DesiredSecret)
    /// Replace our Secret, guarded by its resourceVersion.
    case updateSecret(DesiredSecret, resourceVersion: String)
    /// Delete our Secret, with uid and resourceVersion preconditions.
    case deleteSecret(name: String, uid: String, resourceVersion: String)
    /// Append our entry to a service account's `imagePullSecrets` (JSON patch with a resourceVersion test).
    case attach(serviceAccount: String, secret: String, resourceVersion: String, createList: Bool)
    /// Remove our entry at `index` (JSON patch testing the resourceVersion and the entry's name).
    case detach(serviceAccount: String, secret: String, index: Int, resourceVersion: String)
}

/// When the namespace's key comes back to the queue.
public enum Requeue: Sendable, Hashable {
    /// Only when something watched changes.
    case never
    case after(Duration)
    /// Exponential backoff by failure count, never later than `cap` (so a retry happens before expiry).
    case backoff(cap: Duration?)
}

/// A Kubernetes Event to record (deduplicated by the recorder).
public struct EventNote: Sendable, Hashable {
    public enum Kind: String, Sendable, Hashable {
        case normal = "Normal"
        case warning = "Warning"
    }

    /// What the event is about; the namespace object itself for namespace-level problems.
    public enum Subject: Sendable, Hashable {
        case namespace
        case secret(String)
        case serviceAccount(String)
    }

    public var kind: Kind
    public var reason: String
    public var message: String
    public var subject: Subject

    public init(_ kind: Kind, _ reason: String, _ message: String, subject: Subject = .namespace) {
        self.kind = kind
        self.reason = reason
        self.message = message
        self.subject = subject
    }
}

/// The namespace's state for `pullkeeper status` and metrics.
public enum NamespaceState: String, Sendable, Hashable {
    case notManaged = "NotManaged"
    case pending = "Pending"
    case upToDate = "UpToDate"
    case refreshing = "Refreshing"
    case failing = "Failing"
    case conflict = "Conflict"
    case refused = "Refused"
    case cleaningUp = "CleaningUp"
}

/// Why a pass writes (or fetches credentials to write): the `reason` of its log line.
public enum DecisionReason: String, Sendable, Hashable {
    /// No managed Secret yet.
    case secretMissing
    /// The Secret's payload does not decode, or someone else changed it (content hash).
    case secretCorrupt
    /// Identity, registries or scope changed (inputs hash).
    case inputsChanged
    /// The Secret holds other registries than the namespace asks for.
    case registriesChanged
    /// The Secret carries no expiry or refresh time.
    case noExpiry
    /// The refresh boundary has passed.
    case refreshDue
    /// Static credentials are re-read on every pass; they changed.
    case staticCredentials
    /// Our Secret has the wrong type (immutable): recreate it.
    case wrongType
    /// A wanted service account lacks the Secret.
    case attach
    /// A service account carries the Secret but is no longer wanted.
    case detach
    /// The namespace opted out, or a grant was withdrawn, or an old Secret of ours is left: remove it.
    case cleanUp
}

/// The reconciler's answer for one pass.
public struct Decision: Sendable, Hashable {
    public var action: Action
    /// Events about the request itself (refusals, failures): recorded whatever the write does.
    public var events: [EventNote]
    /// The Normal Event announcing a routine write (`SecretCreated`, `SecretRefreshed`, `ServiceAccountPatched`):
    /// recorded only once the write succeeded; always nil with the config's `events.routine: false`.
    public var writeEvent: EventNote?
    public var requeue: Requeue
    public var state: NamespaceState
    /// Why the pass writes or fetches credentials; nil when it does neither.
    public var reason: DecisionReason?

    public init(
        _ action: Action, events: [EventNote] = [], writeEvent: EventNote? = nil, requeue: Requeue = .never,
        state: NamespaceState, reason: DecisionReason? = nil
    ) {
        self.action = action
        self.events = events
        self.writeEvent = writeEvent
        self.requeue = requeue
        self.state = state
        self.reason = reason
    }
}
