import Foundation
import KubernetesClient
import KubernetesModel
import Logging
import PullKeeperConfig
import Reconciler
import Synchronization

/// Pod repair (issue 15 §3, `repairPods: true`): Pending pods come from a field-selected watch; each one stuck on a
/// managed registry without the Secret, admitted before the Secret reached it and owned by a controller is evicted
/// through the Eviction API (never a plain delete: whatever the API server's eviction checks say holds; it lets Pending
/// pods go whatever their PodDisruptionBudget says), once per pod UID, at most `repairPodsPerMinute` per minute
/// cluster wide.
/// Keys are `namespace/name` in a queue of their own, served by one worker (evictions are few and rate limited).
extension Controller {
    /// What repair remembers between passes, in memory: after a restart, pods already being deleted are skipped by
    /// their deletionTimestamp; a UID leaves the set when its pod leaves the Pending watch.
    struct RepairState: Sendable {
        /// Pods evicted (or found to have the Secret and warned about), by UID.
        var handled: Set<String> = []
        /// When the last evictions happened, oldest first, at most `repairPodsPerMinute` of them.
        var recent: [Duration] = []
    }

    /// The field selector of the pod watch.
    static let pendingPods = "status.phase=Pending"

    /// How long until the rate limit allows another eviction (zero: now). A sliding window: never more than `limit`
    /// evictions in any minute.
    static func rateLimitDelay(recent: [Duration], limit: Int, now: Duration) -> Duration {
        let window = Duration.seconds(60)
        let inWindow = recent.filter { now - $0 < window }
        guard inWindow.count >= max(1, limit), let oldest = inWindow.first else { return .zero }
        return oldest + window - now
    }

    /// Runs the repair worker until the queue shuts down.
    func runRepair() async {
        guard let pods else { return }
        do {
            try await pods.waitForSync()
            try await namespaces.waitForSync()
            try await secrets.waitForSync()
            try await accounts.waitForSync()
        } catch {
            return
        }
        while let key = await repairQueue.next() {
            await repairPass(key)
            await repairQueue.done(key)
        }
    }

    /// Pod changes: new and changed Pending pods are looked at; a deleted pod's UID is forgotten.
    func dispatchPods(_ changes: AsyncStream<InformerChange<Pod>>) async {
        for await change in changes {
            let metadata = change.object.metadata
            guard let name = metadata.name, let namespace = metadata.namespace else { continue }
            if case .deleted = change {
                podIndex.remove(namespace: namespace, name: name)
                if let uid = metadata.uid { _ = repairState.withLock { $0.handled.remove(uid) } }
                continue
            }
            podIndex.insert(namespace: namespace, name: name)
            await repairQueue.add("\(namespace)/\(name)")
        }
    }

    /// A namespace, its Secret or a service account changed: its stuck pods may now be repairable.
    func enqueueRepair(namespace: String) async {
        for name in podIndex.names(in: namespace) { await repairQueue.add("\(namespace)/\(name)") }
    }

    func enqueueRepair(_ pod: Pod) async {
        guard let name = pod.metadata.name, let namespace = pod.metadata.namespace else { return }
        await repairQueue.add("\(namespace)/\(name)")
    }

    /// One look at one pod: decide, then at most one eviction or one Event.
    func repairPass(_ key: String) async {
        guard canWrite(), let pods else { return }
        let parts = key.split(separator: "/", maxSplits: 1).map(String.init)
        guard parts.count == 2, let pod = pods.cache.get(namespace: parts[0], name: parts[1]),
            let uid = pod.metadata.uid
        else { return }
        let (namespace, name) = (parts[0], parts[1])
        // Already on its way out (an earlier eviction, perhaps by a previous leader): nothing to add.
        if pod.metadata.deletionTimestamp != nil { return }
        if repairState.withLock({ $0.handled.contains(uid) }) { return }
        guard let namespaceObject = namespaces.cache.get(namespace: nil, name: namespace),
            case .optedIn(let request, _) = NamespaceRequest.read(
                ObservedNamespace(namespaceObject), config: reconciler.config)
        else { return }
        let observed = ObservedPod(pod)
        let secretCreatedAt = secrets.cache.get(namespace: namespace, name: request.secretName)?.metadata
            .creationTimestamp?.date
        let account = accounts.cache.get(namespace: namespace, name: observed.serviceAccount).map(
            ObservedServiceAccount.init)
        let verdict = PodRepair.verdict(
            observed, request: request, secretCreatedAt: secretCreatedAt, account: account)
        let reference = ObjectReference(apiVersion: "v1", kind: "Pod", namespace: namespace, name: name, uid: uid)
        switch verdict {
        case .leave(let why):
            logger.debug(
                "pod left alone", metadata: ["namespace.name": "\(namespace)", "pod.name": "\(name)", "why": "\(why)"])
        case .warnHasSecret(let registry):
            repairState.withLock { _ = $0.handled.insert(uid) }
            let note = EventNote(
                .warning, "PullFailedWithSecret",
                "pod \(name) cannot pull from \(registry) although it lists \(request.secretName) in imagePullSecrets; "
                    + "restarting it would not help: check the image name, the identity's role on the registry and "
                    + "the Secret's state")
            await events?.record(note, namespace: namespace, reference: reference)
        case .evict(let registry):
            await evict(
                name, namespace: namespace, uid: uid, key: key, registry: registry, secret: request.secretName,
                reference: reference)
        }
    }

    private func evict(
        _ name: String, namespace: String, uid: String, key: String, registry: String, secret: String,
        reference: ObjectReference
    ) async {
        let limit = reconciler.config.repairPodsPerMinute
        let now = clock.now()
        let wait = repairState.withLock { Self.rateLimitDelay(recent: $0.recent, limit: limit, now: now) }
        if wait > .zero {
            await repairQueue.add(key, after: wait)
            return
        }
        repairState.withLock { state in
            state.recent.append(now)
            if state.recent.count > max(1, limit) { state.recent.removeFirst(state.recent.count - max(1, limit)) }
        }
        let metadata: Logger.Metadata = [
            "namespace.name": "\(namespace)", "pod.name": "\(name)", "pod.uid": "\(uid)",
            "registry.host": "\(registry)",
        ]
        do {
            try await client.evict(pod: name, namespace: namespace, uid: uid)
        } catch let error as KubernetesError where error.isTooManyRequests {
            // A disruption budget (or API priority and fairness) said not now: try again later.
            metrics.podEvictionRefused(reason: "TooManyRequests")
            await repairQueue.retry(key, cap: .seconds(300))
            let cause = error.status?.details?.causes?.first?.message ?? error.status?.message ?? "\(error)"
            let note = EventNote(
                .warning, "PodRestartRefused",
                "could not evict pod \(name), stuck pulling from \(registry) without \(secret): \(cause); will retry")
            await events?.record(note, namespace: namespace, reference: reference)
            logger.info("eviction refused; will retry", metadata: metadata.merging(["error": "\(cause)"]) { $1 })
            return
        } catch let error as KubernetesError where error.isNotFound || error.isConflict {
            // Gone already, or a namesake with another UID: nothing to do for this pod.
            logger.debug("pod to evict is gone", metadata: metadata)
            return
        } catch {
            metrics.podEvictionRefused(reason: (error as? KubernetesError)?.code.map { "\($0)" } ?? "error")
            await repairQueue.retry(key, cap: .seconds(300))
            logger.warning("eviction failed", metadata: metadata.merging(["error": "\(error)"]) { $1 })
            return
        }
        repairState.withLock { _ = $0.handled.insert(uid) }
        await repairQueue.forget(key)
        metrics.podRestarted()
        let note = EventNote(
            .normal, "PodRestarted",
            "evicted pod \(name): it was stuck pulling from \(registry) and was created before \(secret) was attached; "
                + "its controller recreates it with the Secret")
        await events?.record(note, namespace: namespace, reference: reference)
        logger.info("evicted a pod stuck without the Secret", metadata: metadata)
    }
}

extension ObservedPod {
    init(_ pod: Pod) {
        let failing = (pod.status?.initContainerStatuses ?? []) + (pod.status?.containerStatuses ?? [])
        let containers = (pod.spec?.initContainers ?? []) + (pod.spec?.containers ?? [])
        var images: [String] = []
        for status in failing where PodRepair.pullFailures.contains(status.state?.waiting?.reason ?? "") {
            // The spec's image is what the runtime tries to pull; the status may echo it differently.
            let image = containers.first { $0.name != nil && $0.name == status.name }?.image ?? status.image
            if let image { images.append(image) }
        }
        let owner = (pod.metadata.ownerReferences ?? []).first { $0.controller == true }
        self.init(
            name: pod.metadata.name ?? "", uid: pod.metadata.uid ?? "", createdAt: pod.metadata.creationTimestamp?.date,
            controllerKind: owner?.kind, imagePullSecrets: (pod.spec?.imagePullSecrets ?? []).map(\.name),
            serviceAccount: pod.spec?.serviceAccountName.flatMap { $0.isEmpty ? nil : $0 } ?? "default",
            failingImages: images)
    }
}
