import Foundation
import KubernetesClient
import KubernetesModel
import Logging
import PullKeeperCore
import ServiceLifecycle
import Synchronization

/// Leader election on a `coordination.k8s.io/v1` Lease, as client-go does it: take over only a lease whose record
/// has not changed for `leaseDuration` on our own clock; every write is a PUT guarded by resourceVersion; renew
/// every `retryPeriod`; step down if a renewal has not succeeded within `renewDeadline`; release on shutdown.
public final class LeaderElector: ServiceLifecycle.Service, Sendable {
    public struct Timing: Sendable {
        public var leaseDuration: Duration
        public var renewDeadline: Duration
        public var retryPeriod: Duration

        public init(
            leaseDuration: Duration = .seconds(15), renewDeadline: Duration = .seconds(10),
            retryPeriod: Duration = .seconds(2)
        ) {
            self.leaseDuration = leaseDuration
            self.renewDeadline = renewDeadline
            self.retryPeriod = retryPeriod
        }
    }

    struct State {
        var leading = false
        var observedRecord: Lease.Spec?
        var observedAt = Duration.zero
        /// resourceVersion of the Lease as last read or written (a standby watches from it).
        var resourceVersion: String?
        var lastRenew: Duration?
    }

    let client: any KubernetesClient
    let name: String
    let namespace: String
    /// This replica's identity (pod name + random suffix).
    public let identity: String
    let timing: Timing
    let logger: Logger
    let clock: RuntimeClock
    let onChange: @Sendable (Bool) async -> Void
    private let state: Mutex<State>

    public init(
        client: any KubernetesClient, name: String = "pullkeeper-leader", namespace: String, identity: String,
        timing: Timing = Timing(), logger: Logger, clock: RuntimeClock = .system,
        onChange: @escaping @Sendable (Bool) async -> Void
    ) {
        self.client = client
        self.name = name
        self.namespace = namespace
        self.identity = identity
        self.timing = timing
        self.logger = logger
        self.clock = clock
        self.onChange = onChange
        state = Mutex(State(observedAt: clock.now()))
    }

    /// Whether this replica holds the lease now.
    public var isLeader: Bool { state.withLock { $0.leading } }

    /// Renews (or tries to acquire) every `retryPeriod` until graceful shutdown, then releases the Lease. The
    /// group stops the controller before this service, so no pass is writing when the Lease is given up.
    public func run() async throws {
        try? await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                let ok = await self.tryAcquireOrRenew()
                await self.apply(ok)
                try await self.waitForNextAttempt()
            }
        }
        await release()
    }

    /// The leader renews every `retryPeriod`. A standby also wakes when the Lease changes (a watch on that one
    /// object), so a Lease released by a stopping leader is taken at once instead of a retry period later.
    private func waitForNextAttempt() async throws {
        let (leading, version) = state.withLock { ($0.leading, $0.resourceVersion) }
        guard !leading, let version else { return try await clock.sleep(for: timing.retryPeriod) }
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await self.clock.sleep(for: self.timing.retryPeriod) }
            group.addTask {
                do {
                    try await self.waitForLeaseChange(after: version)
                } catch is CancellationError {
                    throw CancellationError()
                } catch {
                    // No watch (an old server, a missing permission): the retry period alone paces the attempts.
                    try await Task.sleep(for: .seconds(3600))
                }
            }
            defer { group.cancelAll() }
            try await group.next()
        }
    }

    /// Returns at the first change of the Lease after `version`.
    private func waitForLeaseChange(after version: String) async throws {
        let seconds = max(1, Int(timing.leaseDuration.components.seconds))
        let stream = try await client.watch(
            Lease.self, namespace: namespace,
            options: WatchOptions(
                fieldSelector: "metadata.name=\(name)", resourceVersion: version, timeoutSeconds: seconds,
                allowWatchBookmarks: false))
        for try await event in stream {
            switch event {
            case .added, .modified, .deleted: return
            case .bookmark, .error: continue
            }
        }
    }

    private func apply(_ renewed: Bool) async {
        let now = clock.now()
        let change: Bool? = state.withLock { state in
            if renewed {
                state.lastRenew = now
                if !state.leading {
                    state.leading = true
                    return true
                }
            } else if state.leading, let last = state.lastRenew, now - last >= timing.renewDeadline {
                state.leading = false
                return false
            }
            return nil
        }
        if let change {
            logger.notice(
                change ? "became leader" : "lost leadership",
                metadata: ["lease.name": "\(name)", "leader.identity": "\(identity)"])
            await onChange(change)
        }
    }

    /// One attempt; true when we hold the lease afterwards.
    func tryAcquireOrRenew() async -> Bool {
        let now = clock.date()
        do {
            let lease: Lease
            do {
                lease = try await client.get(Lease.self, name: name, namespace: namespace)
            } catch let error as KubernetesError where error.isNotFound {
                let spec = Lease.Spec(
                    holderIdentity: identity, leaseDurationSeconds: Int32(timing.leaseDuration.components.seconds),
                    acquireTime: MicroTime(now), renewTime: MicroTime(now), leaseTransitions: 0)
                let created = try await client.create(
                    Lease(metadata: ObjectMeta(name: name, namespace: namespace), spec: spec))
                state.withLock { $0.resourceVersion = created.metadata.resourceVersion }
                return true
            }
            let record = lease.spec ?? Lease.Spec()
            let holder = record.holderIdentity ?? ""
            let reading = clock.now()
            let observedFor: Duration = state.withLock { state in
                state.resourceVersion = lease.metadata.resourceVersion
                if state.observedRecord != record {
                    state.observedRecord = record
                    state.observedAt = reading
                }
                return reading - state.observedAt
            }
            let expired = holder.isEmpty || observedFor >= .seconds(Int64(record.leaseDurationSeconds ?? 15))
            guard holder == identity || expired else { return false }
            var updated = lease
            var spec = record
            if holder != identity {
                spec.acquireTime = MicroTime(now)
                spec.leaseTransitions =
                    (record.leaseTransitions ?? 0) + (holder.isEmpty && record.leaseTransitions == nil ? 0 : 1)
            }
            spec.holderIdentity = identity
            spec.leaseDurationSeconds = Int32(timing.leaseDuration.components.seconds)
            spec.renewTime = MicroTime(now)
            updated.spec = spec
            let written = try await client.update(updated)
            let writtenAt = clock.now()
            state.withLock {
                $0.observedRecord = written.spec
                $0.observedAt = writtenAt
                $0.resourceVersion = written.metadata.resourceVersion
            }
            return true
        } catch {
            logger.debug("lease attempt failed", metadata: ["lease.name": "\(name)", "error": "\(error)"])
            return false
        }
    }

    /// Gives the lease up so another replica can lead at once (holder cleared, duration 1 s, as client-go's
    /// `ReleaseOnCancel` does).
    func release() async {
        guard state.withLock({ $0.leading }) else { return }
        do {
            var lease = try await client.get(Lease.self, name: name, namespace: namespace)
            guard lease.spec?.holderIdentity == identity else { return }
            lease.spec?.holderIdentity = ""
            lease.spec?.leaseDurationSeconds = 1
            lease.spec?.renewTime = MicroTime(clock.date())
            _ = try await client.update(lease)
            logger.notice("released leadership", metadata: ["lease.name": "\(name)"])
        } catch {
            logger.warning("could not release the lease", metadata: ["lease.name": "\(name)", "error": "\(error)"])
        }
        state.withLock { $0.leading = false }
        await onChange(false)
    }
}
