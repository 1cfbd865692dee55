import Foundation
import KubernetesClient
import KubernetesModel
import Logging
import PullKeeperConfig
import PullKeeperCore
import Reconciler
import ServiceLifecycle
import Synchronization

/// The controller runtime: three informers (namespaces; Secrets carrying the managed-by label; service accounts),
/// a work queue keyed by namespace, and workers that gather → decide → perform one write. A `Service`: graceful
/// shutdown stops taking keys, lets in-flight passes finish, then stops the informers.
public final class Controller: ServiceLifecycle.Service, Sendable {
    public struct Options: Sendable {
        /// Passes running at once.
        public var workers: Int
        /// Server-side bound of each watch call.
        public var watchTimeout: Duration
        /// `--once`: reconcile everything once, then return.
        public var once: Bool
        /// Name of this replica, for Events.
        public var instance: String
        /// A watch that brings neither an event nor a bookmark for this long is restarted (a stalled connection
        /// must not leave the caches stale until the watch's own timeout).
        public var stallTimeout: Duration

        public init(
            workers: Int = 8, watchTimeout: Duration = .seconds(300), once: Bool = false,
            instance: String = "pullkeeper", stallTimeout: Duration = .seconds(90)
        ) {
            self.workers = workers
            self.watchTimeout = watchTimeout
            self.stallTimeout = stallTimeout
            self.once = once
            self.instance = instance
        }
    }

    let client: any KubernetesClient
    let reconciler: Reconciler
    let credentials: any CredentialSource
    let metrics: ControllerMetrics
    let events: EventRecorder?
    let logger: Logger
    let options: Options
    let canWrite: @Sendable () -> Bool
    let now: @Sendable () -> Date

    let namespaces: Informer<Namespace>
    let secrets: Informer<Secret>
    let accounts: Informer<ServiceAccount>
    let secretIndex = NamespaceIndex()
    let accountIndex = NamespaceIndex()
    public let queue = WorkQueue()
    /// Each namespace's last state, and how many are managed (kept with it: counting 10,000 on every pass adds up).
    let states = Mutex<(namespaces: [String: NamespaceState], managed: Int)>(([:], 0))
    /// Foreign Secrets found by a create that answered AlreadyExists, re-checked after a resync period.
    let foreignSecrets = Mutex<[String: (secret: ObservedSecret, seen: Date)]>([:])
    let lastActivity = Mutex(ContinuousClock.now)
    private let stopping = Mutex(false)

    public init(
        client: any KubernetesClient, config: OperatorConfig, credentials: any CredentialSource,
        metrics: ControllerMetrics,
        events: EventRecorder?, logger: Logger, options: Options = Options(),
        canWrite: @escaping @Sendable () -> Bool = { true }, now: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.client = client
        self.reconciler = Reconciler(config: config)
        self.credentials = credentials
        self.metrics = metrics
        self.events = events
        self.logger = logger
        self.options = options
        self.canWrite = canWrite
        self.now = now
        let resync = config.refresh.resync
        namespaces = Informer(
            client: client,
            options: .init(
                watchTimeout: options.watchTimeout, stallTimeout: options.stallTimeout, resyncPeriod: resync),
            logger: logger)
        secrets = Informer(
            client: client,
            options: .init(
                labelSelector: "\(SecretLayout.managedByLabel)=\(SecretLayout.managedByValue)",
                watchTimeout: options.watchTimeout, stallTimeout: options.stallTimeout),
            logger: logger)
        accounts = Informer(
            client: client, options: .init(watchTimeout: options.watchTimeout, stallTimeout: options.stallTimeout),
            logger: logger)
    }

    /// True once all three caches hold their first list.
    public var hasSynced: Bool { namespaces.hasSynced && secrets.hasSynced && accounts.hasSynced }

    /// True once graceful shutdown began (the replica reports itself unready from then on).
    public var isStopping: Bool { stopping.withLock { $0 } }

    /// The state of every namespace seen so far (for `--once`, status and tests).
    public var namespaceStates: [String: NamespaceState] { states.withLock { $0.namespaces } }

    public func run() async throws {
        await withTaskGroup(of: Void.self) { background in
            background.addTask { try? await self.namespaces.run() }
            background.addTask { try? await self.secrets.run() }
            background.addTask { try? await self.accounts.run() }
            background.addTask { await self.dispatch(self.namespaces.changes, index: nil) }
            background.addTask { await self.dispatch(self.secrets.changes, index: self.secretIndex) }
            background.addTask { await self.dispatch(self.accounts.changes, index: self.accountIndex) }
            background.addTask { await self.queue.runTimers() }
            await withGracefulShutdownHandler {
                await self.process()
            } onGracefulShutdown: {
                self.stopping.withLock { $0 = true }
                self.logger.info("shutting down: finishing the passes in flight")
                Task { await self.queue.shutDown() }
            }
            logger.debug("workers stopped; stopping the informers")
            background.cancelAll()
        }
        logger.info("controller stopped")
    }

    private func process() async {
        while !hasSynced {
            if Task.isCancelled || Task.isShuttingDownGracefully { return }
            try? await Task.sleep(for: .milliseconds(20))
        }
        logger.info("caches synced", metadata: ["namespaces.count": "\(namespaces.cache.count)"])
        await enqueueAll()
        await withTaskGroup(of: Void.self) { workers in
            for _ in 0..<max(1, options.workers) {
                workers.addTask {
                    while let key = await self.queue.next() {
                        await self.reconcile(namespace: key)
                        await self.queue.done(key)
                    }
                }
            }
            if options.once {
                workers.addTask { await self.shutDownWhenIdle() }
            }
        }
    }

    /// Queues every known namespace (after sync, and when this replica becomes leader).
    public func enqueueAll() async {
        for namespace in namespaces.cache.list() {
            if let name = namespace.metadata.name { await queue.add(name) }
        }
    }

    private func dispatch<R: KubernetesResource>(
        _ changes: AsyncStream<InformerChange<R>>, index: NamespaceIndex?
    ) async {
        for await change in changes {
            let metadata = change.object.metadata
            guard let name = metadata.name else { continue }
            let namespace = R.namespaced ? metadata.namespace ?? "" : name
            if let index {
                if case .deleted = change {
                    index.remove(namespace: namespace, name: name)
                } else {
                    index.insert(namespace: namespace, name: name)
                }
            }
            lastActivity.withLock { $0 = .now }
            await queue.add(namespace)
        }
    }

    /// `--once`: when nothing is queued or running for a while, stop. A namespace whose last pass wrote
    /// (pending, refreshing, cleaning up) waits for the watch event of that write, which brings its final pass;
    /// on a loaded machine it can come later than the quiet period, and stopping then would report the namespace
    /// as not up to date. Only a long silence ends the run without it.
    private func shutDownWhenIdle() async {
        let settling: Set<NamespaceState> = [.pending, .refreshing, .cleaningUp]
        while true {
            try? await Task.sleep(for: .milliseconds(100))
            let counts = await queue.counts
            let quietFor = ContinuousClock.now - lastActivity.withLock { $0 }
            let waiting = states.withLock { $0.namespaces.values.contains { settling.contains($0) } }
            if counts.ready == 0 && counts.processing == 0 && quietFor > (waiting ? .seconds(10) : .milliseconds(750)) {
                await queue.shutDown()
                return
            }
        }
    }
}
