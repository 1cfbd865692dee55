import KubernetesModel
import Logging
import PullKeeperCore

extension Informer {
    /// Why a watch loop gave way to a list.
    enum WatchEnd {
        /// 410: the resourceVersion was compacted away.
        case gone
        /// The periodic resync is due: a fresh list from the server catches whatever a watch may have missed.
        case resync
    }

    /// Thrown inside `watchOnce` when the resync loop asks for a relist.
    struct ResyncDue: Error {}

    /// List, then watch; relist after 410 and at every resync (then redeliver every object); back off after
    /// other failures.
    func reflect() async throws {
        var failures = 0
        var redeliver = false
        while !Task.isCancelled {
            do {
                state.withLock { $0.resyncDue = false }
                let resourceVersion = try await listAndReplace()
                failures = 0
                if redeliver {
                    redeliver = false
                    for object in cache.list() { continuation.yield(.resync(object)) }
                    state.withLock { $0.statistics.resyncs += 1 }
                }
                switch try await watchUntilGone(from: resourceVersion) {
                case .gone:
                    state.withLock { $0.statistics.relistsAfterGone += 1 }
                    logger.info("watch expired, relisting", metadata: metadata)
                case .resync:
                    redeliver = true
                    logger.debug("resync: relisting", metadata: metadata)
                }
            } catch {
                if Task.isCancelled || error is CancellationError { return }
                failures += 1
                state.withLock {
                    $0.statistics.errors += 1
                    $0.lastError = "\(error)"
                }
                let delay = options.backoff.delay(attempt: failures)
                logger.warning(
                    "list failed, backing off",
                    metadata: metadata.merging(["error": "\(error)", "retry.delay": "\(delay)"]) { $1 })
                try await sleep(delay)
            }
        }
    }

    /// Lists every page and replaces the cache, emitting the difference. Returns the list's resourceVersion.
    func listAndReplace() async throws -> String {
        var listOptions = ListOptions(
            labelSelector: options.labelSelector, fieldSelector: options.fieldSelector, limit: options.pageSize)
        var items: [String: R] = [:]
        var resourceVersion: String?
        var pages = 0
        while true {
            let page = try await client.list(R.self, namespace: options.namespace, options: listOptions)
            pages += 1
            if resourceVersion == nil { resourceVersion = page.metadata.resourceVersion }
            for item in page.items { items[item.key] = options.transform?(item) ?? item }
            guard let token = page.continueToken else { break }
            listOptions.continue = token
        }
        let old = cache.replace(with: items)
        for (key, new) in items.sorted(by: { $0.key < $1.key }) {
            if let previous = old[key] {
                if previous.metadata.resourceVersion != new.metadata.resourceVersion || previous != new {
                    continuation.yield(.updated(old: previous, new: new))
                }
            } else {
                continuation.yield(.added(new))
            }
        }
        for (key, gone) in old.sorted(by: { $0.key < $1.key }) where items[key] == nil {
            continuation.yield(.deleted(gone))
        }
        let version = resourceVersion ?? ""
        let waiters = state.withLock { state in
            state.synced = true
            state.lastError = nil
            state.resourceVersion = version
            state.statistics.lists += 1
            state.statistics.listPages += pages
            defer { state.syncWaiters.removeAll() }
            return Array(state.syncWaiters.values)
        }
        for waiter in waiters { waiter.resume() }
        logger.debug("listed", metadata: metadata.merging(["k8s.count": "\(items.count)"]) { $1 })
        return version
    }

    /// Watches from `resourceVersion`, resuming from the last seen version whenever a watch ends or breaks;
    /// returns only when a relist is needed: the version is gone (410) or a resync is due.
    func watchUntilGone(from resourceVersion: String) async throws -> WatchEnd {
        var failures = 0
        while true {
            try Task.checkCancellation()
            if state.withLock({ $0.resyncDue }) { return .resync }
            let from = state.withLock { $0.resourceVersion } ?? resourceVersion
            do {
                try await watchOnce(from: from)
                failures = 0
            } catch let error as KubernetesError where error.isGone {
                return .gone
            } catch is ResyncDue {
                return .resync
            } catch let error as KubernetesError where error.kind == .watchStalled {
                state.withLock { $0.statistics.stalledWatches += 1 }
                logger.warning("watch stalled, restarting", metadata: metadata)
            } catch {
                if Task.isCancelled || error is CancellationError { throw CancellationError() }
                failures += 1
                state.withLock { $0.statistics.errors += 1 }
                let delay = options.backoff.delay(attempt: failures)
                logger.warning(
                    "watch failed, resuming",
                    metadata: metadata.merging(["error": "\(error)", "retry.delay": "\(delay)"]) { $1 })
                try await sleep(delay)
            }
        }
    }

    /// One watch call, guarded by the watchdog.
    func watchOnce(from resourceVersion: String) async throws {
        let seconds = Int(options.watchTimeout.components.seconds)
        let watchOptions = WatchOptions(
            labelSelector: options.labelSelector, fieldSelector: options.fieldSelector,
            resourceVersion: resourceVersion, timeoutSeconds: max(1, seconds), allowWatchBookmarks: true)
        state.withLock { $0.statistics.watches += 1 }
        let stream = try await client.watch(R.self, namespace: options.namespace, options: watchOptions)
        let stallTimeout = options.stallTimeout ?? options.watchTimeout + .seconds(30)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                for try await event in stream { self.apply(event) }
            }
            group.addTask { try await self.watchdog(stallTimeout: stallTimeout) }
            if let period = options.resyncPeriod {
                group.addTask { try await self.waitForResync() }
            }
            defer { group.cancelAll() }
            try await group.next()
        }
    }

    /// Throws `watchStalled` once no event or bookmark arrived for `stallTimeout` (checked every quarter of it).
    func watchdog(stallTimeout: Duration) async throws {
        let tick = stallTimeout / 4
        var idle = Duration.zero
        var seen = state.withLock { $0.activity }
        while true {
            try await sleep(tick)
            let now = state.withLock { $0.activity }
            if now != seen {
                seen = now
                idle = .zero
                continue
            }
            idle += tick
            if idle >= stallTimeout {
                throw KubernetesError(
                    kind: .watchStalled, operation: "watch \(R.plural)",
                    message: "no event or bookmark for \(stallTimeout)")
            }
        }
    }

    /// Applies one event to the cache and the change stream.
    func apply(_ event: WatchEvent<R>) {
        switch event {
        case .added(var object), .modified(var object):
            if let transform = options.transform { object = transform(object) }
            let previous = cache.upsert(object)
            if let previous {
                // A resumed watch can replay what a relist already delivered; skip exact repeats.
                if previous != object { continuation.yield(.updated(old: previous, new: object)) }
            } else {
                continuation.yield(.added(object))
            }
        case .deleted(var object):
            if let transform = options.transform { object = transform(object) }
            let previous = cache.remove(object.key)
            if previous != nil { continuation.yield(.deleted(object)) }
        case .bookmark, .error:
            break
        }
        let version = event.resourceVersion
        state.withLock {
            $0.activity &+= 1
            if let version, !version.isEmpty { $0.resourceVersion = version }
        }
    }

    /// Throws `ResyncDue` once the resync loop asks for a relist (woken by it, no polling).
    func waitForResync() async throws {
        await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                let resumeNow = state.withLock { state -> Bool in
                    if state.resyncDue || Task.isCancelled { return true }
                    state.resyncWaiter = continuation
                    return false
                }
                if resumeNow { continuation.resume() }
            }
        } onCancel: {
            state.withLock { state in
                defer { state.resyncWaiter = nil }
                return state.resyncWaiter
            }?.resume()
        }
        try Task.checkCancellation()
        throw ResyncDue()
    }

    /// Every `period`, once synced, asks the reflector for a full resync: it ends the watch, lists everything
    /// again (emitting what changed, deletions included) and redelivers every object.
    func resyncLoop(every period: Duration) async throws {
        while true {
            try await sleep(period)
            guard hasSynced else { continue }
            let waiter = state.withLock { state in
                state.resyncDue = true
                defer { state.resyncWaiter = nil }
                return state.resyncWaiter
            }
            waiter?.resume()
        }
    }
}
