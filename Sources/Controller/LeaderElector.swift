import Foundation
import KubernetesClient
import KubernetesModel
import Logging
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
        var observedAt = ContinuousClock.now
        var lastRenew: ContinuousClock.Instant?
    }

    let client: any KubernetesClient
    let name: String
    let namespace: String
    /// This replica's identity (pod name + random suffix).
    public let identity: String
    let timing: Timing
    let logger: Logger
    let onChange: @Sendable (Bool) async -> Void
    private let state = Mutex(State())

    public init(
        client: any KubernetesClient, name: String = "pullkeeper-leader", namespace: String, identity: String,
        timing: Timing = Timing(), logger: Logger, onChange: @escaping @Sendable (Bool) async -> Void
    ) {
        self.client = client
        self.name = name
        self.namespace = namespace
        self.identity = identity
        self.timing = timing
        self.logger = logger
        self.onChange = onChange
    }

    /// Whether this replica holds the lease now.
    public var isLeader: Bool { state.withLock { $0.leading } }

    public func run() async throws {
        await withGracefulShutdownHandler {
            while !Task.isCancelled && !Task.isShuttingDownGracefully {
                let ok = await tryAcquireOrRenew()
                await apply(ok)
                try? await Task.sleep(for: timing.retryPeriod)
            }
        } onGracefulShutdown: {
        }
        await release()
    }

    private func apply(_ renewed: Bool) async {
        let now = ContinuousClock.now
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
        let now = Date()
        do {
            let lease: Lease
            do {
                lease = try await client.get(Lease.self, name: name, namespace: namespace)
            } catch let error as KubernetesError where error.isNotFound {
                let spec = Lease.Spec(
                    holderIdentity: identity, leaseDurationSeconds: Int32(timing.leaseDuration.components.seconds),
                    acquireTime: MicroTime(now), renewTime: MicroTime(now), leaseTransitions: 0)
                _ = try await client.create(Lease(metadata: ObjectMeta(name: name, namespace: namespace), spec: spec))
                return true
            }
            let record = lease.spec ?? Lease.Spec()
            let holder = record.holderIdentity ?? ""
            let observedFor: Duration = state.withLock { state in
                if state.observedRecord != record {
                    state.observedRecord = record
                    state.observedAt = .now
                }
                return .now - state.observedAt
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
            state.withLock {
                $0.observedRecord = written.spec; $0.observedAt = .now
            }
            return true
        } catch {
            logger.debug("lease attempt failed", metadata: ["lease.name": "\(name)", "error": "\(error)"])
            return false
        }
    }

    /// Gives the lease up so another replica can lead at once (holder cleared, duration 1 s).
    func release() async {
        guard state.withLock({ $0.leading }) else { return }
        do {
            var lease = try await client.get(Lease.self, name: name, namespace: namespace)
            guard lease.spec?.holderIdentity == identity else { return }
            lease.spec?.holderIdentity = ""
            lease.spec?.leaseDurationSeconds = 1
            lease.spec?.renewTime = MicroTime(Date())
            _ = try await client.update(lease)
            logger.notice("released leadership", metadata: ["lease.name": "\(name)"])
        } catch {
            logger.warning("could not release the lease", metadata: ["lease.name": "\(name)", "error": "\(error)"])
        }
        state.withLock { $0.leading = false }
        await onChange(false)
    }
}
