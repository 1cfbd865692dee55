import Foundation
import PullKeeperCore

extension Reconciler {
    /// With credentials in hand: write the Secret, or keep the old one when the new credentials cannot be had.
    /// Nil when the Secret already holds exactly these credentials.
    func write(
        _ request: NamespaceRequest, hash: String, current: SecretSnapshot?, observed: ObservedSecret?,
        credentials: [String: CredentialOutcome], refused: [EventNote], namespace: ObservedNamespace,
        input: ReconcileInput, reason: DecisionReason
    ) -> Decision? {
        let credentials = credentials.mapValues(Self.writable)
        var entries: [String: DockerConfig.Entry] = [:]
        var expiries: [Date] = []
        var failures: [(String, CredentialFailure)] = []
        var pending: [String] = []
        var keepsRedacted = false
        let currentValid = current?.isValid(at: input.now) ?? false
        for registry in request.registries {
            let outcome =
                credentials[registry]
                ?? .failed(CredentialFailure(message: "no credential was fetched", retryable: true))
            switch outcome {
            case .ready(let credential):
                entries[registry] = DockerConfig.Entry(username: credential.username, password: credential.password)
                if let expiresOn = credential.expiresOn { expiries.append(expiresOn) }
                continue
            case .pending:
                pending.append(registry)
            case .failed(let failure):
                failures.append((registry, failure))
            }
            // Never destroy what still works: keep the old entry for this registry while it is valid. A redacted
            // copy's entry is a placeholder, never written (the controller reads the Secret itself for this case).
            if currentValid, let old = current?.entries[registry], let expiresAt = current?.expiresAt {
                if current?.redacted == true {
                    keepsRedacted = true
                } else {
                    entries[registry] = old
                    expiries.append(expiresAt)
                }
            }
        }
        // About the Secret that could not be refreshed, so the namespace's users see it next to it. A pending
        // request is no failure yet: no Event, and the namespace comes back within seconds.
        let failureEvents = failures.map { registry, failure in
            EventNote(
                .warning, failure.reason,
                failure.message.contains(registry) ? failure.message : "registry \(registry): \(failure.message)",
                subject: .secret(request.secretName))
        }
        // Retryable failures back off (retrying before the old credential expires); terminal ones (a wrong secret)
        // wait for the resync, since a rotated secret file brings no watch event.
        let untilExpiry = current?.expiresAt.map { Duration.seconds(max(1, $0.timeIntervalSince(input.now) - 1)) }
        let onlyPending = failures.isEmpty && !pending.isEmpty
        let retry: Requeue =
            onlyPending
            ? .backoff(cap: min(untilExpiry ?? .seconds(5), .seconds(5)))
            : failures.contains(where: \.1.retryable) ? .backoff(cap: untilExpiry) : .after(self.config.refresh.resync)
        let incomplete = !failures.isEmpty || !pending.isEmpty
        // Nothing new to write: either nothing could be had, or only old entries would be rewritten.
        let fresh = request.registries.filter { if case .ready = credentials[$0] { true } else { false } }
        // A valid entry to keep is known only as a placeholder (the Secret could not be read): writing now would
        // drop it, so nothing is written and the namespace comes back.
        if fresh.isEmpty || keepsRedacted {
            let state: NamespaceState = onlyPending ? (current == nil ? .pending : .refreshing) : .failing
            return Decision(.none, events: refused + failureEvents, requeue: retry, state: state)
        }
        let expiresAt = expiries.min()
        let config = DockerConfig(auths: entries)
        let data = config.encoded()
        if let current, case .success = current.config, current.payloadHash == SecretLayout.contentHash(data),
            current.hash == hash, current.expiresAt == expiresAt
        {
            // Same credentials as already written (a cached token): nothing to do.
            return !incomplete
                ? nil
                : Decision(
                    .none, events: refused + failureEvents, requeue: retry, state: onlyPending ? .refreshing : .failing)
        }
        var annotations = [
            SecretLayout.refreshedAtAnnotation: SecretLayout.timestamp(input.now),
            SecretLayout.inputsHashAnnotation: hash,
            SecretLayout.contentHashAnnotation: SecretLayout.contentHash(data),
        ]
        if let expiresAt { annotations[SecretLayout.expiresAtAnnotation] = SecretLayout.timestamp(expiresAt) }
        let desired = DesiredSecret(
            name: request.secretName, labels: [SecretLayout.managedByLabel: SecretLayout.managedByValue],
            annotations: annotations, dockerConfigJSON: data,
            registries: request.registries.filter { entries[$0] != nil },
            expiresAt: expiresAt)
        let expiry = expiresAt.map { ", expires \(SecretLayout.timestamp($0))" } ?? ""
        let registryList = desired.registries.joined(separator: ", ")
        let stateAfter: NamespaceState = failures.isEmpty ? (observed == nil ? .pending : .refreshing) : .failing
        if let observed {
            let event = EventNote(
                .normal, "SecretRefreshed", "refreshed credentials for \(registryList)\(expiry)",
                subject: .secret(request.secretName))
            return Decision(
                .updateSecret(desired, resourceVersion: observed.resourceVersion),
                events: refused + failureEvents, writeEvent: event, requeue: incomplete ? retry : .never,
                state: stateAfter, reason: reason)
        }
        let event = EventNote(
            .normal, "SecretCreated", "created credentials for \(registryList)\(expiry)",
            subject: .secret(request.secretName))
        return Decision(
            .createSecret(desired), events: refused + failureEvents, writeEvent: event,
            requeue: incomplete ? retry : .never, state: stateAfter, reason: reason)
    }

    /// A username with ":" cannot go into a Secret: `auth` is base64(user:password), which every client splits at
    /// the first colon, so it would read another username and password (pullkeeper's own reader calls it corrupt).
    static func writable(_ outcome: CredentialOutcome) -> CredentialOutcome {
        guard case .ready(let credential) = outcome, credential.username.contains(":") else { return outcome }
        return .failed(
            CredentialFailure(
                message: "the username contains \":\", which a .dockerconfigjson auth (user:password) cannot hold",
                retryable: false, reason: CredentialFailure.credentialRejected))
    }
}
