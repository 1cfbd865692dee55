import Foundation

/// A registered watch: what to send first, then the live stream.
struct WatchSubscription: Sendable {
    var id: Int
    var initial: [ChangeRecord]
    var signals: AsyncStream<WatchSignal>
}

extension ObjectStore {
    /// Registers a watch from `revision` (nil: synthetic ADDED events for the current state first).
    func watch(_ resource: ResourceType, from revision: Int?) throws(APIError) -> WatchSubscription {
        let (stream, continuation) = AsyncStream.makeStream(of: WatchSignal.self)
        return try state.withLock { (state) throws(APIError) -> WatchSubscription in
            var initial: [ChangeRecord] = []
            if let revision {
                guard revision >= state.compactedRevision else {
                    throw APIError.expired("too old resource version: \(revision) (\(state.compactedRevision + 1))")
                }
                initial = state.history.filter { $0.revision > revision && $0.storage == resource.storage }
            } else {
                initial = (state.buckets[resource.storage] ?? [:]).sorted { $0.key < $1.key }.map { entry in
                    let revision = Int(entry.value.value(at: ["metadata", "resourceVersion"])?.stringValue ?? "") ?? 0
                    return ChangeRecord(
                        revision: revision, type: .added, storage: resource.storage, previous: nil,
                        object: entry.value)
                }
            }
            let id = state.nextWatcherID
            state.nextWatcherID += 1
            state.watchers[id] = (resource.storage, continuation)
            return WatchSubscription(id: id, initial: initial, signals: stream)
        }
    }

    /// Sends a BOOKMARK at the current revision; ordered after every change already sent to this watcher.
    func bookmark(_ id: Int) {
        state.withLock { state in
            state.watchers[id]?.continuation.yield(.bookmark(state.revision))
        }
    }

    /// Ends one watch.
    func closeWatch(_ id: Int) {
        state.withLock { state in
            state.watchers.removeValue(forKey: id)?.continuation.finish()
        }
    }

    /// Ends every running watch (a dropped connection, from the clients' point of view).
    func closeAllWatches() {
        state.withLock { state in
            for watcher in state.watchers.values { watcher.continuation.yield(.close) }
        }
    }

    /// Number of running watches.
    var watchCount: Int { state.withLock { $0.watchers.count } }

    /// Forgets all history: watches and continue tokens from older revisions get 410; running watches optionally
    /// receive an ERROR 410 event and end.
    func compact(notifyWatches: Bool) {
        state.withLock { state in
            state.compactedRevision = state.revision
            state.history.removeAll()
            state.snapshots.removeAll()
            guard notifyWatches else { return }
            for watcher in state.watchers.values {
                watcher.continuation.yield(
                    .expired("too old resource version: \(state.revision) (\(state.revision + 1))"))
            }
        }
    }
}
