import Foundation
import PullKeeperConfig

/// Pure decisions: observed state + config + `now` → one `Decision`. No I/O, no clock, no randomness.
///
/// The checks run in a fixed order and the first that has something to do wins; the executor performs that one
/// write and the resulting watch event (or the requeue) brings the next pass.
public struct Reconciler: Sendable {
    public var config: OperatorConfig
    public var schedule: RefreshSchedule

    public init(config: OperatorConfig, schedule: RefreshSchedule? = nil) {
        self.config = config
        self.schedule = schedule ?? RefreshSchedule(fraction: config.refresh.fraction, jitter: config.refresh.jitter)
    }

    public func decide(_ input: ReconcileInput) -> Decision {
        var decision = decision(for: input)
        // `events.routine: false`: the write's own Normal Event (SecretCreated, SecretRefreshed,
        // ServiceAccountPatched) is dropped here, the one place it is filtered; Warnings and `events` stay.
        if !config.events.routine { decision.writeEvent = nil }
        return decision
    }

    private func decision(for input: ReconcileInput) -> Decision {
        guard let namespace = input.namespace, !namespace.terminating else {
            return Decision(.none, state: .notManaged)
        }
        let managed = input.secrets.filter(\.isManaged)
        switch NamespaceRequest.read(namespace, config: config) {
        case .notOptedIn:
            return cleanUp(managed: managed, keep: nil, input: input) ?? Decision(.none, state: .notManaged)
        case .invalid(let problems):
            return Decision(.none, events: problems, requeue: .never, state: .refused)
        case .refused(let refusals):
            return refusedDecision(refusals, managed: managed, input: input)
        case .optedIn(let request, let refused):
            return decide(request, refused: refused, namespace: namespace, managed: managed, input: input)
        }
    }

    private func decide(
        _ request: NamespaceRequest, refused: [EventNote], namespace: ObservedNamespace, managed: [ObservedSecret],
        input: ReconcileInput
    ) -> Decision {
        let observed = input.secrets.first { $0.name == request.secretName }
        if let observed, !observed.isManaged {
            let message = "Secret \(request.secretName) exists and is not managed by pullkeeper; it is left alone"
            return Decision(
                .none,
                events: refused + [
                    EventNote(.warning, "SecretConflict", message, subject: .secret(request.secretName))
                ],
                requeue: .after(config.refresh.resync), state: .conflict)
        }
        if let observed, observed.type != SecretLayout.dockerConfigJSONType {
            // The type is immutable: our own Secret of the wrong type must be recreated.
            return Decision(
                .deleteSecret(name: observed.name, uid: observed.uid, resourceVersion: observed.resourceVersion),
                events: refused, state: .refreshing, reason: .wrongType)
        }
        guard !request.registries.isEmpty else {
            return refusedDecision(refused, managed: managed, input: input)
        }
        let current = observed.map { SecretSnapshot($0) }
        let hash = SecretLayout.inputsHash(
            identity: request.identity, registries: request.registries, scope: request.scope)
        let staticIdentity = config.identity(named: request.identity).map(\.isStatic) ?? false
        let due = refreshReason(
            current, hash: hash, registries: request.registries, key: namespace.name, input: input)
        if let reason = due ?? (staticIdentity ? .staticCredentials : nil) {
            guard let credentials = input.credentials else {
                // Only a due refresh needs a token newer than the one written; a missing or repaired Secret takes
                // whatever the cache holds.
                let bound = reason == .refreshDue ? current?.expiresAt : nil
                let requests = request.registries.map { registry in
                    CredentialRequest(
                        identity: request.identity, registry: registry, scope: request.scope, mustExpireAfter: bound)
                }
                return Decision(
                    .fetchCredentials(requests), events: refused, state: current == nil ? .pending : .refreshing,
                    reason: reason)
            }
            if let decision = write(
                request, hash: hash, current: current, observed: observed, credentials: credentials,
                refused: refused, namespace: namespace, input: input, reason: reason)
            {
                return decision
            }
        }
        // The Secret is current: attach it, tidy up old ones, then wait for the refresh boundary.
        if let decision = attachments(request, input: input, events: refused) { return decision }
        if let decision = cleanUp(managed: managed, keep: request.secretName, input: input) { return decision }
        return Decision(
            .none, events: refused, requeue: upToDateRequeue(current, key: namespace.name, input: input),
            state: .upToDate)
    }

    /// Nothing the namespace asks for is granted: warn, and remove what an earlier grant produced (entries first,
    /// then the Secrets), as on opt-out.
    func refusedDecision(_ refusals: [EventNote], managed: [ObservedSecret], input: ReconcileInput) -> Decision {
        if var cleanup = cleanUp(managed: managed, keep: nil, input: input) {
            cleanup.events = refusals
            return cleanup
        }
        return Decision(.none, events: refusals, requeue: .never, state: .refused)
    }

    /// Why the current Secret must get new credentials, or nil when it is still good.
    func refreshReason(
        _ current: SecretSnapshot?, hash: String, registries: [String], key: String, input: ReconcileInput
    ) -> DecisionReason? {
        guard let current else { return .secretMissing }
        guard case .success(let config) = current.config else { return .secretCorrupt }
        guard current.hash == hash else { return .inputsChanged }
        guard Set(config.auths.keys) == Set(registries) else { return .registriesChanged }
        guard let expiresAt = current.expiresAt, let refreshedAt = current.refreshedAt else { return .noExpiry }
        let boundary = schedule.boundary(refreshedAt: refreshedAt, expiresAt: expiresAt, key: key)
        return input.now >= boundary ? .refreshDue : nil
    }

    private func upToDateRequeue(_ current: SecretSnapshot?, key: String, input: ReconcileInput) -> Requeue {
        guard let current, let expiresAt = current.expiresAt, let refreshedAt = current.refreshedAt else {
            return .after(config.refresh.resync)
        }
        let boundary = schedule.boundary(refreshedAt: refreshedAt, expiresAt: expiresAt, key: key)
        return .after(schedule.requeue(at: boundary, now: input.now))
    }
}
