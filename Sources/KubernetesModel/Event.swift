/// A core/v1 Event (`/api/v1/namespaces/{ns}/events`).
public struct Event: KubernetesResource {
    public static let apiVersion = "v1"
    public static let kind = "Event"
    public static let plural = "events"
    public static let namespaced = true

    public var metadata: ObjectMeta
    public var involvedObject: ObjectReference
    public var reason: String?
    public var message: String?
    /// `Normal` or `Warning`.
    public var type: String?
    public var source: EventSource?
    public var firstTimestamp: Time?
    public var lastTimestamp: Time?
    public var eventTime: MicroTime?
    public var count: Int32?
    public var action: String?
    public var reportingComponent: String?
    public var reportingInstance: String?

    public init(
        metadata: ObjectMeta, involvedObject: ObjectReference, reason: String? = nil, message: String? = nil,
        type: String? = nil
    ) {
        self.metadata = metadata
        self.involvedObject = involvedObject
        self.reason = reason
        self.message = message
        self.type = type
    }
}

/// Which component reported a core/v1 Event.
public struct EventSource: Codable, Hashable, Sendable {
    public var component: String?
    public var host: String?

    public init(component: String? = nil, host: String? = nil) {
        self.component = component
        self.host = host
    }
}

/// An events.k8s.io/v1 Event.
public struct EventV1: KubernetesResource {
    public static let apiVersion = "events.k8s.io/v1"
    public static let kind = "Event"
    public static let plural = "events"
    public static let namespaced = true

    public var metadata: ObjectMeta
    public var eventTime: MicroTime
    public var reportingController: String
    public var reportingInstance: String
    public var action: String
    public var reason: String
    public var note: String?
    public var type: String?
    public var regarding: ObjectReference?
    public var related: ObjectReference?
    public var series: Series?

    public init(
        metadata: ObjectMeta, eventTime: MicroTime, reportingController: String, reportingInstance: String,
        action: String, reason: String, note: String? = nil, type: String? = nil, regarding: ObjectReference? = nil
    ) {
        self.metadata = metadata
        self.eventTime = eventTime
        self.reportingController = reportingController
        self.reportingInstance = reportingInstance
        self.action = action
        self.reason = reason
        self.note = note
        self.type = type
        self.regarding = regarding
    }

    /// Repeats of the same event.
    public struct Series: Codable, Hashable, Sendable {
        public var count: Int32
        public var lastObservedTime: MicroTime

        public init(count: Int32, lastObservedTime: MicroTime) {
            self.count = count
            self.lastObservedTime = lastObservedTime
        }
    }
}
