import Foundation
import KubernetesClient
import KubernetesModel
import Logging
import PullKeeperCore
import Reconciler

extension Controller {
    /// One pass over one namespace: gather → decide (→ fetch credentials → decide) → one write → requeue.
    func reconcile(namespace name: String) async {
        let start = ContinuousClock.now
        lastActivity.withLock { $0 = .now }
        defer { lastActivity.withLock { $0 = .now } }
        guard canWrite() else { return }
        var input = gather(name)
        var decision = reconciler.decide(input)
        if case .fetchCredentials(let requests) = decision.action {
            input.credentials = await credentials.credentials(for: requests)
            decision = reconciler.decide(input)
        }
        guard canWrite() else { return }
        let reference = reference(for: name, decision: decision)
        for note in decision.events {
            await events?.record(note, namespace: name, reference: reference(note.subject))
        }
        var result = "success"
        do {
            try await execute(decision.action, namespace: name)
            switch decision.requeue {
            case .never:
                await queue.forget(name)
            case .after(let delay):
                await queue.forget(name)
                await queue.add(name, after: delay)
            case .backoff(let cap):
                // The failure count keeps growing until a pass succeeds, so the delay does too.
                result = "error"
                await queue.retry(name, cap: cap)
            }
        } catch {
            result = "error"
            await handle(error, namespace: name, action: decision.action)
        }
        let managed = states.withLock { states in
            let before = states.namespaces.updateValue(decision.state, forKey: name)
            states.managed += (decision.state != .notManaged ? 1 : 0) - (before.map { $0 != .notManaged ? 1 : 0 } ?? 0)
            return states.managed
        }
        metrics.setManagedNamespaces(managed)
        recordMetrics(name, decision: decision)
        metrics.reconcile(result: result, duration: ContinuousClock.now - start)
    }

    private func handle(_ error: any Error, namespace: String, action: Action) async {
        let kubernetesError = error as? KubernetesError
        if kubernetesError?.isNamespaceTerminating == true {
            return
        }
        if kubernetesError?.isAlreadyExists == true, case .createSecret(let desired) = action {
            await noteExisting(namespace: namespace, name: desired.name)
            await queue.retry(namespace, cap: .seconds(5))
            return
        }
        // A stale read (409, a failed JSON-patch test, an object gone) is not a failure: read again once the cache
        // has caught up, backing off while it has not (a stalled watch keeps it stale for a while).
        if let kubernetesError, kubernetesError.isConflict || kubernetesError.isInvalid || kubernetesError.isNotFound {
            await queue.retry(namespace, cap: .seconds(5))
            return
        }
        logger.warning(
            "write failed",
            metadata: [
                "namespace.name": "\(namespace)", "action": "\(action.name)", "error": "\(error)",
            ])
        await queue.retry(namespace)
    }

    /// A create hit an existing Secret the label-filtered cache does not show: read it once to see whose it is.
    private func noteExisting(namespace: String, name: String) async {
        guard let secret = try? await client.get(Secret.self, name: name, namespace: namespace) else { return }
        let observed = ObservedSecret(secret)
        if !observed.isManaged {
            foreignSecrets.withLock { $0["\(namespace)/\(name)"] = (observed, now()) }
        }
    }

    /// The observed state of one namespace, from the caches (and the memo of foreign Secrets).
    func gather(_ name: String) -> ReconcileInput {
        let namespace = namespaces.cache.get(namespace: nil, name: name)
        var observedSecrets = secretIndex.names(in: name).compactMap { secrets.cache.get(namespace: name, name: $0) }
            .map(ObservedSecret.init)
        let resync = reconciler.config.refresh.resync.seconds
        let date = now()
        foreignSecrets.withLock { memo in
            for (key, entry) in memo where key.hasPrefix("\(name)/") {
                if date.timeIntervalSince(entry.seen) > resync {
                    memo[key] = nil
                } else if !observedSecrets.contains(where: { $0.name == entry.secret.name }) {
                    observedSecrets.append(entry.secret)
                }
            }
        }
        let observedAccounts = accountIndex.names(in: name).compactMap { accounts.cache.get(namespace: name, name: $0) }
            .map(ObservedServiceAccount.init)
        return ReconcileInput(
            namespace: namespace.map(ObservedNamespace.init), secrets: observedSecrets,
            serviceAccounts: observedAccounts,
            now: date)
    }

    private func reference(for namespace: String, decision: Decision) -> (EventNote.Subject) -> ObjectReference {
        { subject in
            switch subject {
            case .namespace:
                ObjectReference(apiVersion: "v1", kind: "Namespace", name: namespace)
            case .secret(let name):
                ObjectReference(apiVersion: "v1", kind: "Secret", namespace: namespace, name: name)
            case .serviceAccount(let name):
                ObjectReference(apiVersion: "v1", kind: "ServiceAccount", namespace: namespace, name: name)
            }
        }
    }

    private func recordMetrics(_ namespace: String, decision: Decision) {
        switch decision.action {
        case .createSecret(let desired), .updateSecret(let desired, _):
            metrics.secretExpiry(namespace: namespace, secret: desired.name, expiresAt: desired.expiresAt)
        case .deleteSecret(let name, _, _):
            metrics.secretExpiry(namespace: namespace, secret: name, expiresAt: nil)
        default:
            break
        }
    }
}

extension Action {
    /// A short name for logs and metrics.
    var name: String {
        switch self {
        case .none: "none"
        case .fetchCredentials: "fetchCredentials"
        case .createSecret: "createSecret"
        case .updateSecret: "updateSecret"
        case .deleteSecret: "deleteSecret"
        case .attach: "attach"
        case .detach: "detach"
        }
    }
}

extension ObservedNamespace {
    init(_ namespace: Namespace) {
        self.init(
            name: namespace.metadata.name ?? "", labels: namespace.metadata.labels ?? [:],
            annotations: namespace.metadata.annotations ?? [:], terminating: namespace.isTerminating)
    }
}

extension ObservedSecret {
    init(_ secret: Secret) {
        self.init(
            name: secret.metadata.name ?? "", labels: secret.metadata.labels ?? [:],
            annotations: secret.metadata.annotations ?? [:], type: secret.type ?? "Opaque", data: secret.data ?? [:],
            resourceVersion: secret.metadata.resourceVersion ?? "", uid: secret.metadata.uid ?? "")
    }
}

extension ObservedServiceAccount {
    init(_ account: ServiceAccount) {
        self.init(
            name: account.metadata.name ?? "",
            imagePullSecrets: (account.imagePullSecrets ?? []).map { $0.name.isEmpty ? nil : $0.name },
            hasImagePullSecrets: account.imagePullSecrets != nil,
            resourceVersion: account.metadata.resourceVersion ?? "")
    }
}
