import Controller
import Foundation
import KubernetesModel

/// One Event pullkeeper recorded, as the demo shows it: filed under the namespace it is about (a refusal is an
/// Event about the Namespace object, kept in `default`; a conflict or a failed token is about the Secret).
package struct DemoEvent: Sendable, Hashable {
    package var namespace: String
    /// `Normal` or `Warning`.
    package var type: String
    package var reason: String
    package var message: String
    /// When it last happened (a repeat moves it).
    package var time: Date
    /// How often it happened (the Event's series or count).
    package var count: Int
    /// The Event object's namespace and name: one identity across both Event APIs.
    package var key: String

    package init(
        namespace: String, type: String, reason: String, message: String, time: Date, count: Int = 1,
        key: String = ""
    ) {
        self.namespace = namespace
        self.type = type
        self.reason = reason
        self.message = message
        self.time = time
        self.count = count
        self.key = key.isEmpty ? "\(namespace)/\(reason)/\(time.timeIntervalSince1970)" : key
    }

    package var isWarning: Bool { type == "Warning" }
}

/// What the demo knows of one namespace's Events.
package struct NamespaceEvents: Sendable, Hashable {
    /// The newest Event about the namespace or anything in it.
    package var last: DemoEvent?
    /// The newest Warning of each reason.
    package var warnings: [String: DemoEvent] = [:]
    /// The newest Normal Event.
    package var lastNormal: DemoEvent?

    package init(last: DemoEvent? = nil, warnings: [String: DemoEvent] = [:], lastNormal: DemoEvent? = nil) {
        self.last = last
        self.warnings = warnings
        self.lastNormal = lastNormal
    }

    /// The newest Warning among `reasons` (all reasons when nil).
    package func newestWarning(_ reasons: Set<String>? = nil) -> DemoEvent? {
        warnings.values.filter { reasons?.contains($0.reason) ?? true }.max { $0.time < $1.time }
    }
}

package enum DemoEvents {
    /// What pullkeeper's Events carry as their reporter: events.k8s.io `reportingController`, core/v1
    /// `reportingComponent` (the same field read through core/v1) or `source.component`.
    static let reporters: Set<String> = [EventRecorder.controllerName, "pullkeeper"]

    /// pullkeeper's Events from both APIs, one per Event object (an events.k8s.io/v1 Event and its core/v1 view
    /// are the same object; the newer reading wins).
    package static func merge(v1: [EventV1], core: [Event]) -> [DemoEvent] {
        var byKey: [String: DemoEvent] = [:]
        func keep(_ event: DemoEvent) {
            if let seen = byKey[event.key],
                seen.time > event.time || (seen.time == event.time && seen.count >= event.count)
            {
                return
            }
            byKey[event.key] = event
        }
        for event in v1 where reporters.contains(event.reportingController) {
            let time = event.series?.lastObservedTime.date ?? event.eventTime.date
            keep(
                DemoEvent(
                    namespace: subject(event.regarding, eventNamespace: event.metadata.namespace),
                    type: event.type ?? "Normal", reason: event.reason, message: event.note ?? "", time: time,
                    count: Int(event.series?.count ?? 1), key: key(event.metadata)))
        }
        for event in core {
            let reporter = event.reportingComponent ?? event.source?.component ?? ""
            guard reporters.contains(reporter) || event.source?.component == "pullkeeper" else { continue }
            let time =
                event.lastTimestamp?.date ?? event.eventTime?.date ?? event.firstTimestamp?.date
                ?? event.metadata.creationTimestamp?.date ?? .distantPast
            keep(
                DemoEvent(
                    namespace: subject(event.involvedObject, eventNamespace: event.metadata.namespace),
                    type: event.type ?? "Normal", reason: event.reason ?? "", message: event.message ?? "",
                    time: time, count: Int(event.count ?? 1), key: key(event.metadata)))
        }
        return byKey.values.sorted { ($0.time, $0.key) < ($1.time, $1.key) }
    }

    /// Per namespace: the newest Event, the newest Warning of each reason and the newest Normal Event.
    package static func byNamespace(_ events: [DemoEvent]) -> [String: NamespaceEvents] {
        var result: [String: NamespaceEvents] = [:]
        for event in events {
            var entry = result[event.namespace] ?? NamespaceEvents()
            if entry.last.map({ $0.time <= event.time }) ?? true { entry.last = event }
            if event.isWarning {
                if entry.warnings[event.reason].map({ $0.time <= event.time }) ?? true {
                    entry.warnings[event.reason] = event
                }
            } else if entry.lastNormal.map({ $0.time <= event.time }) ?? true {
                entry.lastNormal = event
            }
            result[event.namespace] = entry
        }
        return result
    }

    /// The namespace an Event is about: the Namespace it regards, else the namespace of the object it regards.
    static func subject(_ regarding: ObjectReference?, eventNamespace: String?) -> String {
        if regarding?.kind == "Namespace", let name = regarding?.name { return name }
        return regarding?.namespace ?? eventNamespace ?? ""
    }

    static func key(_ metadata: ObjectMeta) -> String {
        "\(metadata.namespace ?? "")/\(metadata.name ?? "")"
    }
}

/// Why a row is not Valid, in the words of the Warning Event pullkeeper recorded about it.
package enum DemoWhy {
    static let refusals: Set<String> = ["IdentityRefused", "RegistryRefused", "ScopeRefused"]
    static let failures: Set<String> = ["TokenFailed", "CredentialRejected", "WriteFailed"]

    /// The reason for `state` (nil for a Valid row): the matching Warning as `Reason: message`, or what the state
    /// means while no Event has been read yet.
    package static func reason(state: String, events: NamespaceEvents?) -> String? {
        func said(_ reasons: Set<String>?) -> String? {
            events?.newestWarning(reasons).map { "\($0.reason): \($0.message)" }
        }
        /// A failure newer than the last success (an old TokenFailed before a good refresh is history).
        func recentFailure() -> String? {
            guard let warning = events?.newestWarning(failures) else { return nil }
            if let normal = events?.lastNormal, normal.time > warning.time { return nil }
            return "\(warning.reason): \(warning.message)"
        }
        switch state {
        case "Valid", "UpToDate":
            return nil
        case "Refused":
            return said(refusals) ?? "refused by the pullkeeper config (its Event follows)"
        case "Conflict":
            return said(["SecretConflict"]) ?? "a Secret of that name exists and is not pullkeeper's"
        case "Failing":
            return said(failures) ?? "no credential could be fetched or written"
        case "Invalid":
            return said(["InvalidAnnotation"]) ?? "the namespace's pullkeeper annotations are invalid"
        case "Pending", "Missing":
            return recentFailure() ?? "pending credential: the token exchange is under way"
        case "Refreshing":
            return recentFailure() ?? "refreshing: a new credential is being fetched"
        case "Expired":
            return recentFailure() ?? "expired: no fresh credential yet"
        case "CleaningUp":
            return "cleaning up: the namespace opted out or lost its grant"
        case "NotManaged":
            return "not managed by pullkeeper"
        default:
            if state.hasPrefix("Corrupt") {
                return recentFailure() ?? "the Secret's payload does not decode; pullkeeper rewrites it"
            }
            return said(nil)
        }
    }
}
