import KubernetesModel
import Synchronization

/// A thread-safe store of the objects an informer has seen, keyed by `namespace/name` (or `name`).
public final class InformerCache<R: KubernetesResource>: Sendable {
    private let objects = Mutex<[String: R]>([:])

    public init() {}

    /// The object with this key, if cached.
    public func get(_ key: String) -> R? { objects.withLock { $0[key] } }

    /// The object with this namespace and name, if cached.
    public func get(namespace: String?, name: String) -> R? {
        get(ObjectMeta(name: name, namespace: namespace).key)
    }

    /// All cached objects, ordered by key.
    public func list() -> [R] {
        objects.withLock { $0.sorted { $0.key < $1.key }.map(\.value) }
    }

    /// All keys, sorted.
    public func keys() -> [String] { objects.withLock { $0.keys.sorted() } }

    public var count: Int { objects.withLock { $0.count } }

    /// Stores `object`, returning the previous version.
    @discardableResult
    func upsert(_ object: R) -> R? {
        objects.withLock { $0.updateValue(object, forKey: object.key) }
    }

    /// Removes the object with `key`, returning it.
    @discardableResult
    func remove(_ key: String) -> R? { objects.withLock { $0.removeValue(forKey: key) } }

    /// Replaces everything, returning the old contents.
    func replace(with new: [String: R]) -> [String: R] {
        objects.withLock { objects in
            let old = objects
            objects = new
            return old
        }
    }
}

/// A change the informer saw, in order.
public enum InformerChange<R: KubernetesResource>: Sendable, Hashable {
    case added(R)
    case updated(old: R, new: R)
    case deleted(R)
    /// The periodic full resync redelivers every cached object.
    case resync(R)

    /// The object as it is now (the last state for a deletion).
    public var object: R {
        switch self {
        case .added(let o), .deleted(let o), .resync(let o): o
        case .updated(_, let new): new
        }
    }
}

/// Counters of what the informer did, for tests and metrics.
public struct InformerStatistics: Sendable, Hashable {
    /// Complete lists (each may take several pages).
    public var lists = 0
    /// List pages requested.
    public var listPages = 0
    /// Watch calls opened.
    public var watches = 0
    /// Relists caused by a 410 (HTTP or ERROR event).
    public var relistsAfterGone = 0
    /// Watches the watchdog cancelled because nothing arrived.
    public var stalledWatches = 0
    /// Errors that made the informer back off.
    public var errors = 0
    /// Full resyncs delivered (each a fresh list from the server, then every object again).
    public var resyncs = 0
}
