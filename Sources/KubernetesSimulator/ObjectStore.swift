import Foundation
import Synchronization

/// Where an object lives inside a storage bucket; sorts as Kubernetes lists (namespace, then name).
struct ObjectKey: Hashable, Comparable, Sendable {
    var namespace: String
    var name: String

    static func < (lhs: ObjectKey, rhs: ObjectKey) -> Bool {
        (lhs.namespace, lhs.name) < (rhs.namespace, rhs.name)
    }
}

/// The kind of a stored change, as watch events name it.
enum ChangeType: String, Sendable {
    case added = "ADDED"
    case modified = "MODIFIED"
    case deleted = "DELETED"
}

/// One change in the history window; `previous` lets selector watches turn label moves into ADDED/DELETED.
struct ChangeRecord: Sendable {
    var revision: Int
    var type: ChangeType
    var storage: String
    var previous: JSONValue?
    var object: JSONValue
}

/// What a running watch receives, in store order.
enum WatchSignal: Sendable {
    case change(ChangeRecord)
    case bookmark(Int)
    case expired(String)
    case close
}

/// Tunables of the in-memory store.
struct StoreConfiguration: Sendable {
    var historyLimit: Int
    var continueTokenLifetime: TimeInterval
    var namespaceDeletionDelay: TimeInterval
}

/// A paginated list's frozen view, so every page of one list comes from the same revision.
struct ListSnapshot: Sendable {
    var objects: [ObjectKey: JSONValue]
    var created: Date
}

struct StoreState: Sendable {
    var revision = 100
    var buckets: [String: [ObjectKey: JSONValue]] = [:]
    var history: [ChangeRecord] = []
    var compactedRevision = 0
    var watchers: [Int: (storage: String, continuation: AsyncStream<WatchSignal>.Continuation)] = [:]
    var nextWatcherID = 0
    var snapshots: [String: ListSnapshot] = [:]
    /// Terminating namespaces and when they disappear.
    var pendingNamespaceRemovals: [String: Date] = [:]
}

/// The simulated etcd plus watch cache: objects as JSON, one global revision, a bounded change history.
final class ObjectStore: Sendable {
    let state = Mutex(StoreState())
    let configuration: StoreConfiguration
    let now: @Sendable () -> Date

    init(configuration: StoreConfiguration, now: @escaping @Sendable () -> Date) {
        self.configuration = configuration
        self.now = now
    }

    /// The current global revision.
    var revision: Int { state.withLock { $0.revision } }

    func object(storage: String, namespace: String, name: String) -> JSONValue? {
        state.withLock { $0.buckets[storage]?[ObjectKey(namespace: namespace, name: name)] }
    }

    func objects(storage: String, namespace: String?) -> [JSONValue] {
        state.withLock { state in
            (state.buckets[storage] ?? [:]).filter { namespace == nil || $0.key.namespace == namespace }
                .sorted { $0.key < $1.key }.map(\.value)
        }
    }
}

extension StoreState {
    /// Takes the next revision number.
    mutating func nextRevision() -> Int {
        revision += 1
        return revision
    }

    /// Appends a change to the history, fans it out to watchers and trims the window (compaction).
    mutating func record(_ change: ChangeRecord, historyLimit: Int) {
        history.append(change)
        for watcher in watchers.values where watcher.storage == change.storage {
            watcher.continuation.yield(.change(change))
        }
        // Trim in batches so that appending stays amortised O(1).
        let slack = max(16, historyLimit / 8)
        if history.count > historyLimit + slack {
            let drop = history.count - historyLimit
            compactedRevision = history[drop - 1].revision
            history.removeFirst(drop)
        }
    }

    /// Stores `object` (already carrying its new resourceVersion) and records the change.
    mutating func put(
        _ object: JSONValue, storage: String, key: ObjectKey, type: ChangeType,
        previous: JSONValue?, revision: Int, historyLimit: Int
    ) {
        buckets[storage, default: [:]][key] = object
        record(
            ChangeRecord(revision: revision, type: type, storage: storage, previous: previous, object: object),
            historyLimit: historyLimit)
    }

    /// Removes an object and records a DELETED change carrying its last state at a new revision.
    mutating func remove(storage: String, key: ObjectKey, historyLimit: Int) -> JSONValue? {
        guard let old = buckets[storage]?.removeValue(forKey: key) else { return nil }
        let revision = nextRevision()
        var last = old
        last.setValue(.string(String(revision)), at: ["metadata", "resourceVersion"])
        record(
            ChangeRecord(revision: revision, type: .deleted, storage: storage, previous: old, object: last),
            historyLimit: historyLimit)
        return last
    }
}
