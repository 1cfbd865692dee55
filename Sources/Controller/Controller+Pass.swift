import Foundation
import KubernetesClient
import KubernetesModel
import Logging
import PullKeeperCore
import Reconciler
import ServiceLifecycle

/// One pass over one namespace, from the key to the write and its log line:
/// gather (caches) → decide (pure) → fetch credentials and decide again → one write → outcome → Events, metrics,
/// state, one log line and the requeue, all derived from the outcome after the write.
extension Controller {
    /// How the pass's one write went.
    enum WriteResult: Sendable {
        /// The decision needed no write.
        case none
        case succeeded
        /// The server or the network refused it.
        case failed(WriteFailure)
    }

    /// A failed write, classified for the requeue and for what the user is told.
    struct WriteFailure: Sendable {
        enum Kind: String, Sendable {
            /// 409, a JSON-patch test that failed (422), an object gone (404): the cache was stale; read again.
            case stale
            /// A create that met a Secret of that name our cache does not show.
            case alreadyExists
            /// The namespace is terminating: nothing may be created in it.
            case terminating
            /// Anything else: network, 5xx, 403, an invalid object.
            case other
        }

        var kind: Kind
        var code: Int?
        var message: String
    }

    /// A pass as a value: what was decided, how the write went, and what follows from it.
    struct PassOutcome: Sendable {
        var decision: Decision
        var write: WriteResult
        /// Failed writes of this namespace in a row, this one included (0 after a success).
        var failuresInARow: Int
        /// When the namespace comes back; nil: only when something watched changes.
        var requeue: PassRequeue

        enum PassRequeue: Sendable, Equatable {
            case never
            case after(Duration)
            /// Exponential backoff by failure count, never later than `cap`.
            case backoff(cap: Duration?)
        }
    }

    /// One pass: gather → decide (→ fetch credentials → decide) → one write → record the outcome.
    func reconcile(namespace name: String) async {
        let started = clock.now()
        touch()
        defer { touch() }
        guard canWrite() else { return }
        var input = gather(name)
        var decision = reconciler.decide(input)
        if case .fetchCredentials(let requests) = decision.action {
            // A pass waiting for a token request stops waiting when shutdown begins (it hears "pending").
            input.credentials = await cancelWhenGracefulShutdown { await self.credentials.credentials(for: requests) }
            await readRedactedSecretsIfNeeded(&input)
            decision = reconciler.decide(input)
        }
        guard canWrite() else { return }
        // Marked before the write: its watch event may arrive before the write's answer.
        if !decision.action.isRead { followUps.withLock { _ = $0.insert(name) } }
        let write = await perform(decision.action, namespace: name)
        if case .failed = write { followUps.withLock { _ = $0.remove(name) } }
        let outcome = await outcome(of: decision, write: write, namespace: name)
        await record(outcome, namespace: name, duration: clock.now() - started)
    }

    /// What follows from the decision and the write: the requeue and the failure count.
    private func outcome(of decision: Decision, write: WriteResult, namespace name: String) async -> PassOutcome {
        switch write {
        case .none, .succeeded:
            var failures = 0
            let requeue: PassOutcome.PassRequeue
            switch decision.requeue {
            case .never: requeue = .never
            case .after(let delay): requeue = .after(delay)
            case .backoff(let cap):
                // A credential failure: the count keeps growing until a pass succeeds, so the delay does too.
                failures = await queue.failureCount(name) + 1
                requeue = .backoff(cap: cap)
            }
            return PassOutcome(decision: decision, write: write, failuresInARow: failures, requeue: requeue)
        case .failed(let failure):
            let failures = await queue.failureCount(name) + 1
            switch failure.kind {
            case .terminating:
                return PassOutcome(decision: decision, write: write, failuresInARow: failures, requeue: .never)
            case .stale, .alreadyExists:
                // Read again once the cache has caught up, backing off while it has not (a stalled watch keeps
                // it stale for a while).
                return PassOutcome(
                    decision: decision, write: write, failuresInARow: failures, requeue: .backoff(cap: .seconds(5)))
            case .other:
                return PassOutcome(
                    decision: decision, write: write, failuresInARow: failures, requeue: .backoff(cap: nil))
            }
        }
    }

    /// Everything a pass leaves behind, derived from its outcome in one place: the requeue, Events (the write's
    /// own only when it succeeded), the namespace's state, metrics and exactly one log line per write.
    private func record(_ outcome: PassOutcome, namespace name: String, duration: Duration) async {
        let decision = outcome.decision
        switch outcome.requeue {
        case .never:
            await queue.forget(name)
        case .after(let delay):
            await queue.forget(name)
            await queue.add(name, after: delay)
        case .backoff(let cap):
            await queue.retry(name, cap: cap)
        }
        let reference = reference(for: name)
        for note in decision.events {
            let isNew = await events?.record(note, namespace: name, reference: reference(note.subject)) ?? true
            // A refusal counts once per occurrence, as its Event does (not once per pass while it lasts).
            if isNew, Self.refusalReasons.contains(note.reason) { metrics.refusedRequest(reason: note.reason) }
        }
        let visible = outcome.failuresInARow >= options.visibleAfterFailures
        switch outcome.write {
        case .succeeded:
            if let note = decision.writeEvent {
                await events?.record(note, namespace: name, reference: reference(note.subject))
            }
            setState(decision.state, namespace: name)
            recordExpiry(name, action: decision.action)
        case .none:
            setState(decision.state, namespace: name)
        case .failed(let failure):
            metrics.writeFailure(action: decision.action.name, code: failure.code)
            // The decision's state for a write is never "up to date"; a write that keeps failing is "failing".
            let reported = visible && failure.kind != .terminating
            setState(reported ? .failing : decision.state, namespace: name)
            if reported {
                let note = EventNote(
                    .warning, "WriteFailed",
                    "\(decision.action.name) failed \(outcome.failuresInARow) times in a row: \(failure.message)",
                    subject: decision.action.subject)
                await events?.record(note, namespace: name, reference: reference(note.subject))
            }
        }
        let result = Self.result(outcome.write, state: decision.state)
        metrics.reconcile(result: result, duration: duration)
        guard !decision.action.isRead else {
            if decision.reason != nil || !decision.events.isEmpty {
                logger.debug(
                    "pass wrote nothing",
                    metadata: [
                        "namespace.name": "\(name)", "state": "\(decision.state.rawValue)",
                        "requeue.after": "\(Self.describe(outcome.requeue))",
                    ])
            }
            return
        }
        var metadata: Logger.Metadata = [
            "namespace.name": "\(name)", "action": "\(decision.action.name)",
            "reason": "\(decision.reason?.rawValue ?? "none")", "requeue.after": "\(Self.describe(outcome.requeue))",
            "result": "\(result)",
        ]
        if case .failed(let failure) = outcome.write {
            metadata["error"] = "\(failure.message)"
            metadata["failures.in_a_row"] = "\(outcome.failuresInARow)"
            if visible && failure.kind != .terminating {
                logger.warning("write failed", metadata: metadata)
            } else {
                logger.info("write failed", metadata: metadata)
            }
        } else {
            logger.info("wrote", metadata: metadata)
        }
    }

    private func setState(_ state: NamespaceState, namespace name: String) {
        let managed = states.withLock { states in
            let before = states.namespaces.updateValue(state, forKey: name)
            states.managed += (state != .notManaged ? 1 : 0) - (before.map { $0 != .notManaged ? 1 : 0 } ?? 0)
            return states.managed
        }
        metrics.setManagedNamespaces(managed)
    }

    private func recordExpiry(_ namespace: String, action: Action) {
        switch action {
        case .createSecret(let desired), .updateSecret(let desired, _):
            metrics.secretExpiry(namespace: namespace, secret: desired.name, expiresAt: desired.expiresAt)
        case .deleteSecret(let name, _, _):
            metrics.secretExpiry(namespace: namespace, secret: name, expiresAt: nil)
        default:
            break
        }
    }

    /// The pass's result for metrics and the log: `success`, `conflict` (a stale read) or `error` (a failed
    /// write, or credentials that could not be had).
    static func result(_ write: WriteResult, state: NamespaceState) -> String {
        switch write {
        case .none, .succeeded: state == .failing ? "error" : "success"
        case .failed(let failure): failure.kind == .stale ? "conflict" : "error"
        }
    }

    static func describe(_ requeue: PassOutcome.PassRequeue) -> String {
        switch requeue {
        case .never: "never"
        case .after(let delay): "\(delay)"
        case .backoff(let cap): cap.map { "backoff (at most \($0))" } ?? "backoff"
        }
    }

    /// The Event reasons that mean "the config does not grant this" (PRODUCT.md §3, tenancy).
    static let refusalReasons: Set<String> = ["IdentityRefused", "RegistryRefused", "ScopeRefused"]

    // MARK: The write

    /// Performs the decision's one write; never throws: a failure is a value the outcome is built from.
    func perform(_ action: Action, namespace: String) async -> WriteResult {
        if action.isRead { return .none }
        do {
            try await execute(action, namespace: namespace)
            return .succeeded
        } catch {
            let failure = Self.classify(error)
            if failure.kind == .alreadyExists, case .createSecret(let desired) = action {
                await noteExisting(namespace: namespace, name: desired.name)
            }
            return .failed(failure)
        }
    }

    static func classify(_ error: any Error) -> WriteFailure {
        guard let error = error as? KubernetesError else {
            return WriteFailure(kind: .other, code: nil, message: "\(error)")
        }
        let kind: WriteFailure.Kind =
            error.isNamespaceTerminating
            ? .terminating
            : error.isAlreadyExists
                ? .alreadyExists : (error.isConflict || error.isInvalid || error.isNotFound) ? .stale : .other
        return WriteFailure(kind: kind, code: error.code, message: "\(error)")
    }

    /// Updates start from the cached object so foreign labels, annotations, data keys and unknown fields survive.
    private func execute(_ action: Action, namespace: String) async throws {
        switch action {
        case .none, .fetchCredentials:
            return
        case .createSecret(let desired):
            var secret = Secret(metadata: ObjectMeta(name: desired.name, namespace: namespace))
            secret.metadata.labels = desired.labels
            secret.metadata.annotations = desired.annotations
            secret.type = SecretLayout.dockerConfigJSONType
            secret.data = [SecretLayout.dockerConfigJSONKey: desired.dockerConfigJSON]
            try await client.createDiscardingResult(secret)
        case .updateSecret(let desired, let resourceVersion):
            var secret =
                secrets.cache.get(namespace: namespace, name: desired.name)
                ?? Secret(metadata: ObjectMeta(name: desired.name, namespace: namespace))
            secret.metadata.resourceVersion = resourceVersion
            secret.metadata.labels = (secret.metadata.labels ?? [:]).merging(desired.labels) { $1 }
            secret.metadata.annotations = (secret.metadata.annotations ?? [:]).merging(desired.annotations) { $1 }
            if desired.expiresAt == nil { secret.metadata.annotations?[SecretLayout.expiresAtAnnotation] = nil }
            secret.type = SecretLayout.dockerConfigJSONType
            secret.stringData = nil
            var data = secret.data ?? [:]
            data[SecretLayout.dockerConfigJSONKey] = desired.dockerConfigJSON
            secret.data = data
            try await client.updateDiscardingResult(secret)
        case .deleteSecret(let name, let uid, let resourceVersion):
            let preconditions = DeleteOptions.Preconditions(
                uid: uid.isEmpty ? nil : uid, resourceVersion: resourceVersion)
            try await client.delete(
                Secret.self, name: name, namespace: namespace, options: DeleteOptions(preconditions: preconditions))
        case .attach(let account, let secret, let resourceVersion, let createList):
            let entry: JSONValue = ["name": .string(secret)]
            let operations: [JSONPatchOperation] = [
                .test("/metadata/resourceVersion", .string(resourceVersion)),
                createList ? .add("/imagePullSecrets", .array([entry])) : .add("/imagePullSecrets/-", entry),
            ]
            try await client.patchDiscardingResult(
                ServiceAccount.self, name: account, namespace: namespace, patch: .json(operations))
        case .detach(let account, let secret, let index, let resourceVersion):
            let operations: [JSONPatchOperation] = [
                .test("/metadata/resourceVersion", .string(resourceVersion)),
                .test("/imagePullSecrets/\(index)/name", .string(secret)),
                .remove("/imagePullSecrets/\(index)"),
            ]
            try await client.patchDiscardingResult(
                ServiceAccount.self, name: account, namespace: namespace, patch: .json(operations))
        }
    }

    /// A create hit an existing Secret the label-filtered cache does not show: read it once to see whose it is.
    /// A read that fails is said in the log; the backoff brings the next try.
    private func noteExisting(namespace: String, name: String) async {
        let secret: Secret
        do {
            secret = try await client.get(Secret.self, name: name, namespace: namespace)
        } catch {
            logger.warning(
                "could not read the existing Secret a create met",
                metadata: ["namespace.name": "\(namespace)", "secret.name": "\(name)", "error": "\(error)"])
            return
        }
        let observed = ObservedSecret(secret)
        if !observed.isManaged {
            let seen = clock.date()
            foreignSecrets.withLock { $0["\(namespace)/\(name)"] = (observed, seen) }
        }
    }

    /// The cache holds Secrets without their tokens. When a credential could not be had, the pass keeps the old,
    /// still valid entry for that registry, so it reads the Secret itself (one GET, only then).
    func readRedactedSecretsIfNeeded(_ input: inout ReconcileInput) async {
        guard let outcomes = input.credentials,
            outcomes.values.contains(where: { if case .ready = $0 { false } else { true } }),
            let namespace = input.namespace?.name
        else { return }
        for index in input.secrets.indices where input.secrets[index].isRedacted {
            let name = input.secrets[index].name
            do {
                input.secrets[index] = ObservedSecret(
                    try await client.get(Secret.self, name: name, namespace: namespace))
            } catch {
                // Without it the reconciler writes nothing (it never drops a valid entry nor writes a placeholder);
                // the failure's backoff brings the namespace back.
                logger.notice(
                    "could not read the Secret to keep its valid entries",
                    metadata: ["namespace.name": "\(namespace)", "secret.name": "\(name)", "error": "\(error)"])
            }
        }
    }

    // MARK: Gathering

    /// The observed state of one namespace, from the caches (and the memo of foreign Secrets).
    func gather(_ name: String) -> ReconcileInput {
        let namespace = namespaces.cache.get(namespace: nil, name: name)
        var observedSecrets = secretIndex.names(in: name).compactMap { secrets.cache.get(namespace: name, name: $0) }
            .map(ObservedSecret.init)
        let resync = reconciler.config.refresh.resync.seconds
        let date = clock.date()
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
            serviceAccounts: observedAccounts, now: date)
    }

    private func reference(for namespace: String) -> (EventNote.Subject) -> ObjectReference {
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

    /// No write (nothing, or credentials still to fetch).
    var isRead: Bool {
        switch self {
        case .none, .fetchCredentials: true
        default: false
        }
    }

    /// What a failed write is about, for its Warning Event.
    var subject: EventNote.Subject {
        switch self {
        case .createSecret(let desired), .updateSecret(let desired, _): .secret(desired.name)
        case .deleteSecret(let name, _, _): .secret(name)
        case .attach(let account, _, _, _), .detach(let account, _, _, _): .serviceAccount(account)
        case .none, .fetchCredentials: .namespace
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
        var annotations = secret.metadata.annotations ?? [:]
        // The cache's redacted copy carries the stored payload's hash (SecretRedaction).
        let payloadHash = annotations.removeValue(forKey: SecretRedaction.payloadHashAnnotation)
        self.init(
            name: secret.metadata.name ?? "", labels: secret.metadata.labels ?? [:], annotations: annotations,
            type: secret.type ?? "Opaque", data: secret.data ?? [:],
            resourceVersion: secret.metadata.resourceVersion ?? "", uid: secret.metadata.uid ?? "",
            payloadHash: payloadHash)
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
