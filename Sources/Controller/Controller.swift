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
/// a work queue keyed by namespace, and workers that run one pass per key (`Controller+Pass.swift`). A `Service`:
/// graceful shutdown stops taking keys, lets in-flight passes finish, then stops the informers.
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
        /// How long the caches may take to fill before the log and `/readyz` say which one does not and why (a
        /// missing permission must not leave a silent, never-ready controller). Waiting goes on after it.
        public var cacheSyncTimeout: Duration
        /// Failed writes of a namespace in a row before the failure is reported (Warning Event, warning log):
        /// one 409 after a stale read is routine, the same error again and again is not.
        public var visibleAfterFailures: Int

        public init(
            workers: Int = 8, watchTimeout: Duration = .seconds(300), once: Bool = false,
            instance: String = "pullkeeper", stallTimeout: Duration = .seconds(90),
            cacheSyncTimeout: Duration = .seconds(120), visibleAfterFailures: Int = 3
        ) {
            self.workers = workers
            self.watchTimeout = watchTimeout
            self.stallTimeout = stallTimeout
            self.once = once
            self.instance = instance
            self.cacheSyncTimeout = cacheSyncTimeout
            self.visibleAfterFailures = visibleAfterFailures
        }
    }

    /// Whether this replica can serve, and if not, why.
    public struct Readiness: Sendable, Hashable {
        public var ready: Bool
        public var reason: String?
    }

    let client: any KubernetesClient
    let reconciler: Reconciler
    let credentials: any CredentialSource
    let metrics: ControllerMetrics
    let events: EventRecorder?
    let logger: Logger
    let options: Options
    let clock: RuntimeClock
    let canWrite: @Sendable () -> Bool

    let namespaces: Informer<Namespace>
    let secrets: Informer<Secret>
    let accounts: Informer<ServiceAccount>
    /// Pending pods, only with `repairPods: true` (Controller+Repair.swift).
    let pods: Informer<Pod>?
    /// Pod keys (`namespace/name`) waiting for pod repair; one worker.
    public let repairQueue: WorkQueue
    let repairState = Mutex(RepairState())
    let podIndex = NamespaceIndex()
    let secretIndex = NamespaceIndex()
    let accountIndex = NamespaceIndex()
    public let queue: WorkQueue
    /// Each namespace's last state, and how many are managed (kept with it: counting 10,000 on every pass adds up).
    let states = Mutex<(namespaces: [String: NamespaceState], managed: Int)>(([:], 0))
    /// Foreign Secrets found by a create that answered AlreadyExists, re-checked after a resync period.
    let foreignSecrets = Mutex<[String: (secret: ObservedSecret, seen: Date)]>([:])
    /// When the last pass ran or the last watch event arrived (`--once` stops after a quiet period).
    let lastActivity: Mutex<Duration>
    /// Namespaces whose pass wrote: the watch event of that write brings their next pass ahead of the queue.
    let followUps = Mutex<Set<String>>([])
    private let status = Mutex<(stopping: Bool, syncProblem: String?)>((false, nil))

    public init(
        client: any KubernetesClient, config: OperatorConfig, credentials: any CredentialSource,
        metrics: ControllerMetrics, events: EventRecorder?, logger: Logger, options: Options = Options(),
        clock: RuntimeClock = .system, canWrite: @escaping @Sendable () -> Bool = { true }
    ) {
        self.client = client
        self.reconciler = Reconciler(config: config)
        self.credentials = credentials
        self.metrics = metrics
        self.events = events
        self.logger = logger
        self.options = options
        self.clock = clock
        self.canWrite = canWrite
        queue = WorkQueue(clock: clock)
        lastActivity = Mutex(clock.now())
        func informerOptions(labelSelector: String? = nil, resync: Duration? = nil) -> Informer<Namespace>.Options {
            .init(
                labelSelector: labelSelector, watchTimeout: options.watchTimeout, stallTimeout: options.stallTimeout,
                resyncPeriod: resync)
        }
        namespaces = Informer(
            client: client, options: informerOptions(resync: config.refresh.resync), logger: logger, clock: clock)
        secrets = Informer(
            client: client,
            options: .init(
                labelSelector: "\(SecretLayout.managedByLabel)=\(SecretLayout.managedByValue)",
                watchTimeout: options.watchTimeout, stallTimeout: options.stallTimeout,
                transform: SecretRedaction.redact),
            logger: logger, clock: clock)
        accounts = Informer(
            client: client,
            options: .init(
                watchTimeout: options.watchTimeout, stallTimeout: options.stallTimeout),
            logger: logger, clock: clock)
        repairQueue = WorkQueue(clock: clock)
        pods =
            config.repairPods
            ? Informer(
                client: client,
                options: .init(
                    fieldSelector: Self.pendingPods, watchTimeout: options.watchTimeout,
                    stallTimeout: options.stallTimeout),
                logger: logger, clock: clock) : nil
    }

    /// How many passes run at once.
    public var workerCount: Int { max(1, options.workers) }

    /// The managed Secrets as the controller's cache holds them (redacted: no token).
    package var cachedSecrets: [Secret] { secrets.cache.list() }

    /// The metadata of every object the controller's caches hold (Namespaces, Secrets, ServiceAccounts, pods).
    package var cachedMetadata: [ObjectMeta] {
        namespaces.cache.list().map(\.metadata) + secrets.cache.list().map(\.metadata)
            + accounts.cache.list().map(\.metadata) + (pods?.cache.list().map(\.metadata) ?? [])
    }

    /// True once every cache holds its first list (the three, and Pending pods with pod repair).
    public var hasSynced: Bool {
        namespaces.hasSynced && secrets.hasSynced && accounts.hasSynced && (pods?.hasSynced ?? true)
    }

    /// True once graceful shutdown began (the replica reports itself unready from then on).
    public var isStopping: Bool { status.withLock { $0.stopping } }

    /// Ready: caches synced and not shutting down; otherwise why not (for `/readyz`).
    public var readiness: Readiness {
        let (stopping, problem) = status.withLock { ($0.stopping, $0.syncProblem) }
        if stopping { return Readiness(ready: false, reason: "shutting down") }
        if hasSynced { return Readiness(ready: true) }
        return Readiness(ready: false, reason: problem ?? "caches not synced yet")
    }

    /// The state of every namespace seen so far (for `--once`, status and tests).
    public var namespaceStates: [String: NamespaceState] { states.withLock { $0.namespaces } }

    public func run() async throws {
        await withTaskGroup(of: Void.self) { background in
            background.addTask { await self.runInformer(self.namespaces) }
            background.addTask { await self.runInformer(self.secrets) }
            background.addTask { await self.runInformer(self.accounts) }
            background.addTask {
                // A namespace created, or whose metadata changed (opted in or out), goes ahead of the initial
                // sync's backlog: it is what a user is waiting for (issue 21: usable within seconds, not at the end
                // of a 10,000-namespace sync).
                await self.dispatch(self.namespaces.changes, index: nil) { change in
                    switch change {
                    case .added: true
                    case .updated(let old, let new):
                        old.metadata.annotations != new.metadata.annotations
                            || old.metadata.labels != new.metadata.labels
                    case .deleted, .resync: false
                    }
                }
            }
            background.addTask { await self.dispatch(self.secrets.changes, index: self.secretIndex) }
            background.addTask {
                // A new ServiceAccount (the namespace's `default` right after the namespace) gets its entry at once.
                await self.dispatch(self.accounts.changes, index: self.accountIndex) { change in
                    if case .added = change { true } else { false }
                }
            }
            background.addTask { await self.queue.runTimers() }
            if let pods {
                background.addTask { await self.runInformer(pods) }
                background.addTask { await self.dispatchPods(pods.changes) }
                background.addTask { await self.repairQueue.runTimers() }
                background.addTask { await self.runRepair() }
            }
            await withGracefulShutdownHandler {
                await self.process()
            } onGracefulShutdown: {
                self.status.withLock { $0.stopping = true }
                self.logger.info("shutting down: finishing the passes in flight")
                Task {
                    await self.queue.shutDown()
                    await self.repairQueue.shutDown()
                }
            }
            await repairQueue.shutDown()
            logger.debug("workers stopped; stopping the informers")
            background.cancelAll()
        }
        logger.info("controller stopped")
    }

    /// Runs an informer until cancelled. It retries every failure itself; one that ends it anyway is logged.
    private func runInformer<R: KubernetesResource>(_ informer: Informer<R>) async {
        do {
            try await informer.run()
        } catch is CancellationError {
        } catch {
            logger.error("informer stopped", metadata: ["k8s.resource": "\(R.plural)", "error": "\(error)"])
        }
    }

    private func process() async {
        guard await waitForCaches() else { return }
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

    /// Waits for the three caches; after `cacheSyncTimeout` says which has not synced and why (log and `/readyz`),
    /// then keeps waiting. False when shutdown came first.
    private func waitForCaches() async -> Bool {
        do {
            try await cancelWhenGracefulShutdown {
                try await withThrowingTaskGroup(of: Void.self) { group in
                    group.addTask {
                        try await self.namespaces.waitForSync()
                        try await self.secrets.waitForSync()
                        try await self.accounts.waitForSync()
                        try await self.pods?.waitForSync()
                    }
                    group.addTask {
                        try await self.clock.sleep(for: self.options.cacheSyncTimeout)
                        let problems = [
                            self.syncProblem(self.namespaces), self.syncProblem(self.secrets),
                            self.syncProblem(self.accounts), self.pods.flatMap(self.syncProblem),
                        ].compactMap { $0 }
                        if !problems.isEmpty {
                            self.status.withLock { $0.syncProblem = problems.joined(separator: "; ") }
                        }
                    }
                    while try await group.next() != nil {
                        if self.hasSynced { break }
                    }
                    group.cancelAll()
                }
            }
        } catch {
            return false
        }
        status.withLock { $0.syncProblem = nil }
        return hasSynced
    }

    /// Why an informer has not synced, logged once, or nil when it has.
    private func syncProblem<R: KubernetesResource>(_ informer: Informer<R>) -> String? {
        guard !informer.hasSynced else { return nil }
        let error = informer.lastError ?? "no answer from the API server yet"
        logger.error(
            "cache not synced",
            metadata: [
                "k8s.resource": "\(R.plural)", "error": "\(error)", "timeout": "\(options.cacheSyncTimeout)",
            ])
        return "cache of \(R.plural) not synced after \(options.cacheSyncTimeout): \(error)"
    }

    /// Queues every known namespace (after sync, and when this replica becomes leader).
    public func enqueueAll() async {
        for namespace in namespaces.cache.list() {
            if let name = namespace.metadata.name { await queue.add(name) }
        }
        // A replica that just became leader looks at the pods that were stuck while it stood by.
        for pod in pods?.cache.list() ?? [] { await enqueueRepair(pod) }
    }

    private func dispatch<R: KubernetesResource>(
        _ changes: AsyncStream<InformerChange<R>>, index: NamespaceIndex?,
        urgent: @Sendable (InformerChange<R>) -> Bool = { _ in false }
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
            touch()
            // Before the caches synced, the initial list arrives as additions: no priority among them.
            let followUp = followUps.withLock { $0.remove(namespace) != nil }
            await queue.add(namespace, first: followUp || (hasSynced && urgent(change)))
            if pods != nil { await enqueueRepair(namespace: namespace) }
        }
    }

    /// Notes activity (for `--once`'s quiet period).
    func touch() {
        let now = clock.now()
        lastActivity.withLock { $0 = now }
    }

    /// `--once`: once nothing is queued or running, and nothing happened for a quiet period, stop. A namespace
    /// whose last pass wrote (pending, refreshing, cleaning up) waits for the watch event of that write, which
    /// brings its final pass; on a loaded machine it can come later than the quiet period, and stopping then
    /// would report the namespace as not up to date. Only a long silence ends the run without it.
    private func shutDownWhenIdle() async {
        let settling: Set<NamespaceState> = [.pending, .refreshing, .cleaningUp]
        while !Task.isCancelled {
            await queue.waitUntilIdle()
            let waiting = states.withLock { $0.namespaces.values.contains { settling.contains($0) } }
            let quiet: Duration = waiting ? .seconds(10) : .milliseconds(750)
            let since = clock.now() - lastActivity.withLock { $0 }
            if since >= quiet, await queue.isIdle {
                await queue.shutDown()
                return
            }
            try? await clock.sleep(for: max(quiet - since, .milliseconds(50)))
        }
    }
}
