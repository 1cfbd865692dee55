import Foundation
import KubernetesClient
import KubernetesModel
import Logging
import PullKeeperCore
import Reconciler
import Synchronization

/// Records Kubernetes Events through events.k8s.io/v1 (core/v1 on servers without it), deduplicated within
/// `window`: a repeat bumps the existing Event's count (written at most once per `patchInterval`) instead of
/// creating another. A Warning repeats when its reason is the same about the same object, whatever its message
/// (a failing token says "503" one minute and "429" the next: one Event, not one per HTTP status); a Normal
/// Event when reason and message are the same. An events.k8s.io `note` cannot change after creation (the API server
/// refuses it), so a Warning whose message changed starts a new Event once the old one is `messageRefresh` old.
public final class EventRecorder: Sendable {
    struct Seen {
        var eventName: String
        var count: Int32
        var first: Date
        var lastWritten: Date
        var pending: Bool
        /// The message the Event was created with.
        var message: String
    }

    let client: any KubernetesClient
    let component: String
    let instance: String
    let window: Duration
    let patchInterval: Duration
    /// How old an Event must be before a changed Warning message starts a new one.
    let messageRefresh: Duration = .seconds(600)
    let logger: Logger
    let clock: RuntimeClock
    private let seen = Mutex<[String: Seen]>([:])
    /// Set once the server turned out to have no events.k8s.io API.
    private let useCoreAPI = Mutex(false)

    /// Most events remembered for deduplication; beyond it the oldest half goes (10,000 namespaces with three
    /// reasons each fit).
    static let memoLimit = 50_000

    /// Drops expired entries, then the oldest until half the limit is left: pruning then happens once per
    /// `memoLimit / 2` new events, not on every one.
    static func prune(_ seen: inout [String: Seen], now: Date, window: Duration) {
        seen = seen.filter { now.timeIntervalSince($0.value.first) < window.seconds }
        guard seen.count > memoLimit / 2 else { return }
        let oldest = seen.sorted { $0.value.first < $1.value.first }.prefix(seen.count - memoLimit / 2)
        for (key, _) in oldest { seen[key] = nil }
    }

    /// `reportingController` of events.k8s.io Events (a qualified name, as the API requires).
    public static let controllerName = "pullkeeper.io/controller"

    public init(
        client: any KubernetesClient, component: String = "pullkeeper", instance: String, logger: Logger,
        window: Duration = .seconds(3600), patchInterval: Duration = .seconds(60), clock: RuntimeClock = .system
    ) {
        self.client = client
        self.component = component
        self.instance = instance
        self.window = window
        self.patchInterval = patchInterval
        self.logger = logger
        self.clock = clock
    }

    /// Records one event about `subject` in `namespace`; failures are logged, never thrown (events are best effort).
    /// True when it is a new occurrence (not a repeat counted on an existing Event).
    @discardableResult
    public func record(_ note: EventNote, namespace: String, reference: ObjectReference) async -> Bool {
        let message = note.kind == .warning ? "" : note.message
        let key = "\(namespace)\u{0}\(reference.kind ?? "")/\(reference.name ?? "")\u{0}\(note.reason)\u{0}\(message)"
        let date = clock.date()
        enum Step { case create(String), patch(String, Int32), skip }
        let step: Step = seen.withLock { seen in
            if var entry = seen[key], date.timeIntervalSince(entry.first) < window.seconds,
                entry.message == note.message || date.timeIntervalSince(entry.first) < messageRefresh.seconds
            {
                entry.count += 1
                if date.timeIntervalSince(entry.lastWritten) >= patchInterval.seconds {
                    entry.lastWritten = date
                    seen[key] = entry
                    return .patch(entry.eventName, entry.count)
                }
                seen[key] = entry
                return .skip
            }
            let name = "\(reference.name ?? namespace).\(String(UInt64(date.timeIntervalSince1970 * 1e9), radix: 16))"
            seen[key] = Seen(
                eventName: name, count: 1, first: date, lastWritten: date, pending: false, message: note.message)
            if seen.count > Self.memoLimit { Self.prune(&seen, now: date, window: window) }
            return .create(name)
        }
        let eventNamespace = reference.kind == "Namespace" ? "default" : namespace
        var isNew = false
        if case .create = step { isNew = true }
        do {
            switch step {
            case .skip:
                return false
            case .create(let name):
                if useCoreAPI.withLock({ $0 }) {
                    try await createCore(note, name: name, namespace: eventNamespace, reference: reference, at: date)
                    return true
                }
                do {
                    try await createV1(note, name: name, namespace: eventNamespace, reference: reference, at: date)
                } catch let error as KubernetesError where error.isNotFound && error.status?.details?.name == nil {
                    // No events.k8s.io on this server (a 404 for the collection, not for an object): core/v1.
                    useCoreAPI.withLock { $0 = true }
                    try await createCore(note, name: name, namespace: eventNamespace, reference: reference, at: date)
                }
            case .patch(let name, let count):
                if useCoreAPI.withLock({ $0 }) {
                    let patch: JSONValue = [
                        "count": .integer(Int64(count)), "message": .string(Self.clipped(note.message)),
                        "lastTimestamp": .string(RFC3339.format(date, fractionalDigits: 0)),
                    ]
                    try await client.patchDiscardingResult(
                        Event.self, name: name, namespace: eventNamespace, patch: .merge(patch))
                } else {
                    // Only the series: a `note` is immutable once the Event exists.
                    let patch: JSONValue = [
                        "series": [
                            "count": .integer(Int64(count)),
                            "lastObservedTime": .string(RFC3339.format(date, fractionalDigits: 6)),
                        ]
                    ]
                    try await client.patchDiscardingResult(
                        EventV1.self, name: name, namespace: eventNamespace, patch: .merge(patch))
                }
            }
        } catch {
            logger.debug(
                "event not recorded",
                metadata: [
                    "event.reason": "\(note.reason)", "namespace.name": "\(namespace)", "error": "\(error)",
                ])
        }
        return isNew
    }

    private func createV1(
        _ note: EventNote, name: String, namespace: String, reference: ObjectReference, at date: Date
    ) async throws {
        let event = EventV1(
            metadata: ObjectMeta(name: name, namespace: namespace), eventTime: MicroTime(date),
            reportingController: Self.controllerName, reportingInstance: String(instance.prefix(128)),
            action: Self.action(for: note.reason), reason: note.reason, note: Self.clipped(note.message),
            type: note.kind.rawValue, regarding: reference)
        try await client.createDiscardingResult(event)
    }

    private func createCore(
        _ note: EventNote, name: String, namespace: String, reference: ObjectReference, at date: Date
    ) async throws {
        var event = Event(
            metadata: ObjectMeta(name: name, namespace: namespace), involvedObject: reference,
            reason: note.reason, message: Self.clipped(note.message), type: note.kind.rawValue)
        event.source = EventSource(component: component)
        event.firstTimestamp = Time(date)
        event.lastTimestamp = Time(date)
        event.count = 1
        event.reportingComponent = component
        event.reportingInstance = instance
        try await client.createDiscardingResult(event)
    }

    /// At most `limit` UTF-8 bytes, cut between characters: events.k8s.io refuses a `note` over 1024 bytes (not
    /// characters), and an annotation's value quoted in a message can be much longer.
    static func clipped(_ text: String, limit: Int = 1024) -> String {
        guard text.utf8.count > limit else { return text }
        var result = ""
        var used = 0
        for character in text {
            used += character.utf8.count
            if used > limit { break }
            result.append(character)
        }
        return result
    }

    /// The events.k8s.io `action`: what pullkeeper was doing when it happened.
    static func action(for reason: String) -> String {
        switch reason {
        case "SecretCreated": "CreateSecret"
        case "SecretRefreshed": "RefreshSecret"
        case "TokenFailed": "FetchToken"
        case "CredentialRejected": "CheckCredential"
        case "SecretConflict": "CheckOwnership"
        case "RegistryRefused": "CheckRegistry"
        case "IdentityRefused": "CheckIdentity"
        case "ScopeRefused": "CheckScope"
        case "WriteFailed": "Write"
        case "PodRestarted": "EvictPod"
        case "ServiceAccountPatched": "PatchServiceAccount"
        case "InvalidAnnotation": "ReadAnnotations"
        default: "Reconcile"
        }
    }
}
