import Foundation

/// `DeleteOptions.preconditions`.
struct DeletePreconditions: Sendable {
    var uid: String?
    var resourceVersion: String?

    init(body: JSONValue?) {
        uid = body?.value(at: ["preconditions", "uid"])?.stringValue
        resourceVersion = body?.value(at: ["preconditions", "resourceVersion"])?.stringValue
    }
}

extension ObjectStore {
    /// DELETE: removes the object (a namespace starts terminating) and returns its last state.
    func delete(
        _ resource: ResourceType, namespace: String?, name: String, preconditions: DeletePreconditions
    )
        throws(APIError) -> JSONValue
    {
        try state.withLock { (state) throws(APIError) -> JSONValue in
            let key = ObjectKey(namespace: namespace ?? "", name: name)
            guard let current = state.buckets[resource.storage]?[key] else {
                throw APIError.notFound(resource, name: name)
            }
            let uid = current.value(at: ["metadata", "uid"])?.stringValue ?? ""
            let revision = current.value(at: ["metadata", "resourceVersion"])?.stringValue ?? ""
            if let expected = preconditions.uid, expected != uid {
                throw APIError.preconditionFailed(
                    resource, name: name, field: "UID", expected: expected, actual: uid)
            }
            if let expected = preconditions.resourceVersion, expected != revision {
                throw APIError.preconditionFailed(
                    resource, name: name, field: "ResourceVersion", expected: expected, actual: revision)
            }
            if resource == .namespaces { return terminate(namespace: name, state: &state) }
            if let marked = markForDeletion(storage: resource.storage, key: key, state: &state) {
                return resource.view(marked)
            }
            return resource.view(
                state.remove(storage: resource.storage, key: key, historyLimit: configuration.historyLimit) ?? current)
        }
    }

    /// An object with `metadata.finalizers` is not removed: it gets a `deletionTimestamp` (once) and stays until
    /// an update removes its last finalizer. Returns it then; nil when it has no finalizers.
    func markForDeletion(storage: String, key: ObjectKey, state: inout StoreState) -> JSONValue? {
        guard var object = state.buckets[storage]?[key],
            !(object.value(at: ["metadata", "finalizers"])?.arrayValue ?? []).isEmpty
        else { return nil }
        if object.value(at: ["metadata", "deletionTimestamp"]) != nil { return object }
        let previous = object
        object.setValue(.string(Self.timestamp(now())), at: ["metadata", "deletionTimestamp"])
        object.setValue(0, at: ["metadata", "deletionGracePeriodSeconds"])
        let revision = state.nextRevision()
        object.setValue(.string(String(revision)), at: ["metadata", "resourceVersion"])
        state.put(
            object, storage: storage, key: key, type: .modified, previous: previous, revision: revision,
            historyLimit: configuration.historyLimit)
        return object
    }

    /// Deletes the namespace's contents; those with finalizers stay, marked, until their finalizers are removed.
    func deleteContents(of namespace: String, state: inout StoreState) {
        for storage in state.buckets.keys.sorted() where storage != "namespaces" {
            let keys = (state.buckets[storage] ?? [:]).keys.filter { $0.namespace == namespace }.sorted()
            for contained in keys where markForDeletion(storage: storage, key: contained, state: &state) == nil {
                _ = state.remove(storage: storage, key: contained, historyLimit: configuration.historyLimit)
            }
        }
    }

    /// Whether anything is still stored in the namespace.
    static func hasContents(_ namespace: String, state: StoreState) -> Bool {
        state.buckets.contains { storage, objects in
            storage != "namespaces" && objects.keys.contains { $0.namespace == namespace }
        }
    }

    /// Marks a namespace Terminating, deletes its contents, and removes it now or after the configured delay.
    func terminate(namespace name: String, state: inout StoreState) -> JSONValue {
        let key = ObjectKey(namespace: "", name: name)
        guard var namespace = state.buckets["namespaces"]?[key] else { return .null }
        if namespace.value(at: ["metadata", "deletionTimestamp"]) == nil {
            let previous = namespace
            namespace.setValue(.string(Self.timestamp(now())), at: ["metadata", "deletionTimestamp"])
            namespace.setValue("Terminating", at: ["status", "phase"])
            let revision = state.nextRevision()
            namespace.setValue(.string(String(revision)), at: ["metadata", "resourceVersion"])
            state.put(
                namespace, storage: "namespaces", key: key, type: .modified, previous: previous, revision: revision,
                historyLimit: configuration.historyLimit)
        }
        deleteContents(of: name, state: &state)
        if configuration.namespaceDeletionDelay <= 0 && !Self.hasContents(name, state: state) {
            _ = state.remove(storage: "namespaces", key: key, historyLimit: configuration.historyLimit)
        } else if state.pendingNamespaceRemovals[name] == nil {
            // Removed by the reaper once the delay has passed and nothing (held by a finalizer) is left in it.
            state.pendingNamespaceRemovals[name] = now().addingTimeInterval(configuration.namespaceDeletionDelay)
        }
        return namespace
    }

    /// Removes terminating namespaces whose delay has passed; returns when the next one is due.
    @discardableResult
    func removeExpiredNamespaces() -> Date? {
        let now = now()
        return state.withLock { state in
            for (name, due) in state.pendingNamespaceRemovals where due <= now {
                // Objects created by the in-process API while terminating go too (or are marked, with finalizers).
                deleteContents(of: name, state: &state)
                if Self.hasContents(name, state: state) { continue }
                state.pendingNamespaceRemovals[name] = nil
                _ = state.remove(
                    storage: "namespaces", key: ObjectKey(namespace: "", name: name),
                    historyLimit: configuration.historyLimit)
            }
            return state.pendingNamespaceRemovals.values.min()
        }
    }
}
