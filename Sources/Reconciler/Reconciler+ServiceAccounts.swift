import Foundation

extension Reconciler {
    /// One service-account edit, if any is due: attach our Secret where it is wanted and missing, detach it where it
    /// is no longer wanted (with `attach: pods` nowhere: admission puts it into the pods). Foreign entries and their
    /// order are never touched.
    func attachments(_ request: NamespaceRequest, input: ReconcileInput, events: [EventNote]) -> Decision? {
        for account in input.serviceAccounts.sorted(by: { $0.name < $1.name }) {
            let index = account.imagePullSecrets.firstIndex(of: request.secretName)
            let wanted = request.attach.patchesServiceAccounts && request.serviceAccounts.includes(account.name)
            if wanted && index == nil {
                let note = EventNote(
                    .normal, "ServiceAccountPatched",
                    "added \(request.secretName) to imagePullSecrets of service account \(account.name)",
                    subject: .serviceAccount(account.name))
                return Decision(
                    .attach(
                        serviceAccount: account.name, secret: request.secretName,
                        resourceVersion: account.resourceVersion, createList: !account.hasImagePullSecrets),
                    events: events, writeEvent: note, state: .refreshing, reason: .attach)
            }
            if !wanted, let index {
                return Decision(
                    .detach(
                        serviceAccount: account.name, secret: request.secretName, index: index,
                        resourceVersion: account.resourceVersion),
                    events: events, state: .refreshing, reason: .detach)
            }
        }
        return nil
    }

    /// Removes what pullkeeper made and no longer needs: entries for our old Secrets first (so no pod is left
    /// pointing at a deleted Secret), then the Secrets themselves. Only Secrets with our label are considered.
    func cleanUp(managed: [ObservedSecret], keep: String?, input: ReconcileInput) -> Decision? {
        let stale = managed.filter { $0.name != keep }.sorted { $0.name < $1.name }
        guard !stale.isEmpty else { return nil }
        let staleNames = Set(stale.map(\.name))
        for account in input.serviceAccounts.sorted(by: { $0.name < $1.name }) {
            if let index = account.imagePullSecrets.firstIndex(where: { $0.map(staleNames.contains) ?? false }),
                let name = account.imagePullSecrets[index]
            {
                return Decision(
                    .detach(
                        serviceAccount: account.name, secret: name, index: index,
                        resourceVersion: account.resourceVersion),
                    state: .cleaningUp, reason: .cleanUp)
            }
        }
        let secret = stale[0]
        return Decision(
            .deleteSecret(name: secret.name, uid: secret.uid, resourceVersion: secret.resourceVersion),
            state: .cleaningUp, reason: .cleanUp)
    }
}
