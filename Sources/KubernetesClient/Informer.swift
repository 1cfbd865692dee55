import KubernetesModel
import Logging
import PullKeeperCore
import Synchronization

/// A reflector and cache for one kind: lists (paginated), then watches from the list's resourceVersion, resumes
/// from the last seen version after a dropped watch, relists after 410, restarts watches that go silent, and
/// periodically redelivers every object. `run()` ends when its task is cancelled (a ServiceLifecycle `Service`).
public final class Informer<R: KubernetesResource>: Sendable {
    /// What to watch and how.
    public struct Options: Sendable {
        public var namespace: String?
        public var labelSelector: String?
        public var fieldSelector: String?
        /// List page size.
        public var pageSize: Int
        /// Server-side bound of each watch call.
        public var watchTimeout: Duration
        /// A watch with no event and no bookmark for this long is restarted (defaults to watchTimeout + 30 s).
        public var stallTimeout: Duration?
        /// Period of the full resync; nil disables it.
        public var resyncPeriod: Duration?
        /// Backoff between failed lists or watches.
        public var backoff: RetryPolicy
        /// Applied to every object before it is cached or delivered (client-go's `SetTransform`): what it drops is
        /// never held (e.g. the token values of Secrets).
        public var transform: (@Sendable (R) -> R)?

        public init(
            namespace: String? = nil, labelSelector: String? = nil, fieldSelector: String? = nil,
            pageSize: Int = 500, watchTimeout: Duration = .seconds(300), stallTimeout: Duration? = nil,
            resyncPeriod: Duration? = nil,
            backoff: RetryPolicy = RetryPolicy(
                maxAttempts: .max, initialDelay: .milliseconds(500), maxDelay: .seconds(30)),
            transform: (@Sendable (R) -> R)? = nil
        ) {
            self.transform = transform
            self.namespace = namespace
            self.labelSelector = labelSelector
            self.fieldSelector = fieldSelector
            self.pageSize = pageSize
            self.watchTimeout = watchTimeout
            self.stallTimeout = stallTimeout
            self.resyncPeriod = resyncPeriod
            self.backoff = backoff
        }
    }

    struct State {
        var synced = false
        /// Why the last list or watch failed (cleared by the next successful list).
        var lastError: String?
        var syncWaiters: [Int: CheckedContinuation<Void, Never>] = [:]
        var nextWaiter = 0
        var resourceVersion: String?
        var activity = 0
        var statistics = InformerStatistics()
        /// Set by the resync loop: the reflector ends its watch, relists and redelivers everything.
        var resyncDue = false
        /// The running watch, waiting to hear that a resync is due.
        var resyncWaiter: CheckedContinuation<Void, Never>?
    }

    let client: any KubernetesClient
    let options: Options
    let logger: Logger
    let clock: RuntimeClock
    let state = Mutex(State())
    /// The objects, kept current by `run()`.
    public let cache = InformerCache<R>()
    /// Every change, in order. One consumer; it ends when `run()` returns.
    public let changes: AsyncStream<InformerChange<R>>
    let continuation: AsyncStream<InformerChange<R>>.Continuation

    public init(
        client: any KubernetesClient, options: Options = Options(), logger: Logger, clock: RuntimeClock = .system
    ) {
        self.client = client
        self.options = options
        self.logger = logger
        self.clock = clock
        (changes, continuation) = AsyncStream.makeStream(bufferingPolicy: .unbounded)
    }

    /// True once the first complete list is in the cache.
    public var hasSynced: Bool { state.withLock { $0.synced } }

    /// The last resourceVersion seen (list, event or bookmark).
    public var lastResourceVersion: String? { state.withLock { $0.resourceVersion } }

    /// What the informer did so far.
    public var statistics: InformerStatistics { state.withLock { $0.statistics } }

    /// Why the last list or watch failed, while no list has succeeded since.
    public var lastError: String? { state.withLock { $0.lastError } }

    /// Returns once the first list is cached; throws `CancellationError` when the task is cancelled first.
    public func waitForSync() async throws {
        let id = state.withLock { state -> Int? in
            if state.synced { return nil }
            state.nextWaiter += 1
            return state.nextWaiter
        }
        guard let id else { return }
        await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                let resumeNow = state.withLock { state -> Bool in
                    if state.synced || Task.isCancelled { return true }
                    state.syncWaiters[id] = continuation
                    return false
                }
                if resumeNow { continuation.resume() }
            }
        } onCancel: {
            state.withLock { $0.syncWaiters.removeValue(forKey: id) }?.resume()
        }
        try Task.checkCancellation()
    }

    /// Waits on the informer's clock.
    func sleep(_ duration: Duration) async throws {
        try await clock.sleep(for: duration)
    }

    /// Lists and watches until cancelled; never returns an error for a server or network problem (it retries).
    public func run() async throws {
        defer { continuation.finish() }
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await self.reflect() }
            if let period = options.resyncPeriod {
                group.addTask { try await self.resyncLoop(every: period) }
            }
            defer { group.cancelAll() }
            do {
                try await group.next()
            } catch is CancellationError {
                return
            }
        }
    }

    var metadata: Logger.Metadata {
        ["k8s.resource": "\(R.plural)", "k8s.namespace": "\(options.namespace ?? "*")"]
    }
}
