import Foundation
import KubernetesClient
import KubernetesModel
import Logging
import Reconciler
import Synchronization

/// Records Kubernetes Events (core/v1), deduplicated: the same reason and message about the same object within
/// `window` bumps `count` on the existing Event (at most once per `patchInterval`) instead of creating another.
public final class EventRecorder: Sendable {
    struct Seen {
        var eventName: String
        var count: Int32
        var first: Date
        var lastWritten: Date
        var pending: Bool
    }

    let client: any KubernetesClient
    let component: String
    let instance: String
    let window: Duration
    let patchInterval: Duration
    let logger: Logger
    let now: @Sendable () -> Date
    private let seen = Mutex<[String: Seen]>([:])

    public init(
        client: any KubernetesClient, component: String = "pullkeeper", instance: String, logger: Logger,
        window: Duration = .seconds(3600), patchInterval: Duration = .seconds(60),
        now: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.client = client
        self.component = component
        self.instance = instance
        self.window = window
        self.patchInterval = patchInterval
        self.logger = logger
        self.now = now
    }

    /// Records one event about `subject` in `namespace`; failures are logged, never thrown (events are best effort).
    public func record(_ note: EventNote, namespace: String, reference: ObjectReference) async {
        let key =
            "\(namespace)\u{0}\(reference.kind ?? "")/\(reference.name ?? "")\u{0}\(note.reason)\u{0}\(note.message)"
        let date = now()
        enum Step { case create(String), patch(String, Int32), skip }
        let step: Step = seen.withLock { seen in
            if var entry = seen[key], date.timeIntervalSince(entry.first) < window.seconds {
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
            seen[key] = Seen(eventName: name, count: 1, first: date, lastWritten: date, pending: false)
            if seen.count > 50_000 { seen = seen.filter { date.timeIntervalSince($0.value.first) < window.seconds } }
            return .create(name)
        }
        let eventNamespace = reference.kind == "Namespace" ? "default" : namespace
        do {
            switch step {
            case .skip:
                return
            case .create(let name):
                var event = Event(
                    metadata: ObjectMeta(name: name, namespace: eventNamespace), involvedObject: reference,
                    reason: note.reason, message: note.message, type: note.kind.rawValue)
                event.source = EventSource(component: component)
                event.firstTimestamp = Time(date)
                event.lastTimestamp = Time(date)
                event.count = 1
                event.reportingComponent = component
                event.reportingInstance = instance
                _ = try await client.create(event)
            case .patch(let name, let count):
                let patch: JSONValue = [
                    "count": .integer(Int64(count)),
                    "lastTimestamp": .string(RFC3339.format(date, fractionalDigits: 0)),
                ]
                _ = try await client.patch(Event.self, name: name, namespace: eventNamespace, patch: .merge(patch))
            }
        } catch {
            logger.debug(
                "event not recorded",
                metadata: [
                    "event.reason": "\(note.reason)", "namespace.name": "\(namespace)", "error": "\(error)",
                ])
        }
    }
}
