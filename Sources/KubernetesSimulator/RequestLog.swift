import Synchronization

/// Counter key: one Kubernetes verb on one resource answered with one HTTP code.
public struct RequestCountKey: Sendable, Hashable, CustomStringConvertible {
    public var verb: String
    public var resource: String
    public var code: Int

    /// A key; `resource` is the plural (with `/subresource` when there is one).
    public init(verb: String, resource: String, code: Int) {
        self.verb = verb
        self.resource = resource
        self.code = code
    }

    public var description: String { "\(verb) \(resource) \(code)" }
}

/// One handled request, as an audit log records it (never bodies: they may carry secrets).
public struct AuditRecord: Sendable, Hashable {
    public var verb: String
    public var group: String
    public var resource: String
    public var namespace: String?
    public var name: String?
    public var user: String?
    public var code: Int
}

/// Request counters and a bounded audit log.
final class RequestLog: Sendable {
    private struct State {
        var counts: [RequestCountKey: Int] = [:]
        var audit: [AuditRecord] = []
        /// `resource namespace` → when its first successful write was handled (time-to-usable in benchmarks).
        var firstWrites: [String: ContinuousClock.Instant] = [:]
    }

    private let state = Mutex(State())
    private let auditLimit: Int

    init(auditLimit: Int) {
        self.auditLimit = auditLimit
    }

    func record(_ record: AuditRecord) {
        state.withLock { state in
            state.counts[
                RequestCountKey(verb: record.verb, resource: record.resource, code: record.code), default: 0] += 1
            state.audit.append(record)
            if (200..<300).contains(record.code), Self.writeVerbs.contains(record.verb),
                let namespace = record.namespace
            {
                let key = record.resource + " " + namespace
                if state.firstWrites[key] == nil { state.firstWrites[key] = .now }
            }
            if state.audit.count > auditLimit + auditLimit / 4 {
                state.audit.removeFirst(state.audit.count - auditLimit)
            }
        }
    }

    static let writeVerbs: Set<String> = ["create", "update", "patch", "delete"]

    var counts: [RequestCountKey: Int] { state.withLock { $0.counts } }
    var firstWrites: [String: ContinuousClock.Instant] { state.withLock { $0.firstWrites } }
    var audit: [AuditRecord] { state.withLock { $0.audit } }

    func reset() {
        state.withLock { $0 = State() }
    }
}
