/// Phases a test can force on a namespace.
public enum NamespacePhase: String, Sendable {
    case active = "Active"
    case terminating = "Terminating"
}

/// Direct in-process access for tests and seeding: no authentication, RBAC, faults or counters.
extension KubernetesSimulator {
    /// The stored object, as `resource`'s API serves it.
    public func object(_ resource: ResourceType, namespace: String? = nil, name: String) -> JSONValue? {
        core.store.object(storage: resource.storage, namespace: namespace ?? "", name: name).map(resource.view)
    }

    /// All stored objects of a resource (in one namespace when given), sorted by namespace and name.
    public func objects(_ resource: ResourceType, namespace: String? = nil) -> [JSONValue] {
        core.store.objects(storage: resource.storage, namespace: namespace).map(resource.view)
    }

    /// Creates an object as a POST would (same validation and defaults).
    @discardableResult
    public func create(
        _ resource: ResourceType, namespace: String? = nil, _ object: JSONValue
    ) throws
        -> JSONValue
    {
        do { return try core.store.create(resource, namespace: namespace, body: object) } catch {
            throw KubernetesSimulatorError(error)
        }
    }

    /// Replaces an object as a PUT would (a non-empty resourceVersion must be current).
    @discardableResult
    public func update(_ resource: ResourceType, namespace: String? = nil, _ object: JSONValue) throws -> JSONValue {
        let name = object.value(at: ["metadata", "name"])?.stringValue ?? ""
        do { return try core.store.update(resource, namespace: namespace, name: name, body: object) } catch {
            throw KubernetesSimulatorError(error)
        }
    }

    /// Applies a patch as a PATCH would (merge by default).
    @discardableResult
    public func patch(
        _ resource: ResourceType, namespace: String? = nil, name: String, type: PatchType = .merge,
        _ patch: JSONValue
    ) throws -> JSONValue {
        do { return try core.store.patch(resource, namespace: namespace, name: name, type: type, body: patch) } catch {
            throw KubernetesSimulatorError(error)
        }
    }

    /// Deletes an object as a DELETE would (a namespace terminates and takes its contents with it).
    @discardableResult
    public func delete(_ resource: ResourceType, namespace: String? = nil, name: String) throws -> JSONValue {
        do {
            return try core.store.delete(
                resource, namespace: namespace, name: name, preconditions: DeletePreconditions(body: nil))
        } catch {
            throw KubernetesSimulatorError(error)
        }
    }

    /// Forces a namespace's phase without deleting anything (e.g. to test creates in a terminating namespace).
    public func setNamespacePhase(_ name: String, _ phase: NamespacePhase) throws {
        let deletion: JSONValue = phase == .terminating ? .string(ObjectStore.timestamp(core.store.now())) : .null
        let key = ObjectKey(namespace: "", name: name)
        try core.store.state.withLock { (state) throws(KubernetesSimulatorError) -> Void in
            guard var namespace = state.buckets["namespaces"]?[key] else {
                throw KubernetesSimulatorError(.namespaceNotFound(name))
            }
            let previous = namespace
            namespace.setValue(.string(phase.rawValue), at: ["status", "phase"])
            namespace.setValue(deletion == .null ? nil : deletion, at: ["metadata", "deletionTimestamp"])
            guard namespace != previous else { return }
            let revision = state.nextRevision()
            namespace.setValue(.string(String(revision)), at: ["metadata", "resourceVersion"])
            state.put(
                namespace, storage: "namespaces", key: key, type: .modified, previous: previous, revision: revision,
                historyLimit: core.store.configuration.historyLimit)
        }
    }

    /// The current global resourceVersion.
    public var resourceVersion: Int { core.store.revision }

    /// Compacts the history now: watches and continue tokens from older revisions get 410 `Expired`; running
    /// watches receive an ERROR event with code 410 and end when `notifyWatches` is true.
    public func compact(notifyWatches: Bool = true) {
        core.store.compact(notifyWatches: notifyWatches)
    }

    /// Ends every running watch, as a dropped connection would.
    public func dropWatches() {
        core.store.closeAllWatches()
    }

    /// Number of watches currently streaming.
    public var activeWatchCount: Int { core.store.watchCount }
}

/// Pods, which no kubelet runs here: the test plays the kubelet.
extension KubernetesSimulator {
    /// Replaces a pod's `status` as the kubelet would through the status subresource (watchers see MODIFIED).
    public func setPodStatus(namespace: String, name: String, _ status: JSONValue) throws {
        let key = ObjectKey(namespace: namespace, name: name)
        try core.store.state.withLock { (state) throws(KubernetesSimulatorError) -> Void in
            guard var pod = state.buckets[ResourceType.pods.storage]?[key] else {
                throw KubernetesSimulatorError(.notFound(.pods, name: name))
            }
            let previous = pod
            pod["status"] = status
            guard pod != previous else { return }
            let revision = state.nextRevision()
            pod.setValue(.string(String(revision)), at: ["metadata", "resourceVersion"])
            state.put(
                pod, storage: ResourceType.pods.storage, key: key, type: .modified, previous: previous,
                revision: revision, historyLimit: core.store.configuration.historyLimit)
        }
    }
}
