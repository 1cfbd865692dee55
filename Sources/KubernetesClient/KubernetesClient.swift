import KubernetesModel

/// The Kubernetes API operations pullkeeper needs, generic over the resource kind.
///
/// `namespace` is ignored for cluster-scoped kinds; for namespaced kinds `nil` means all namespaces (list/watch).
public protocol KubernetesClient: Sendable {
    /// Reads one object.
    func get<R: KubernetesResource>(_ type: R.Type, name: String, namespace: String?) async throws -> R
    /// Reads one page of objects.
    func list<R: KubernetesResource>(
        _ type: R.Type, namespace: String?, options: ListOptions
    ) async throws -> KubernetesList<R>
    /// Opens a watch; the stream ends when the server closes it (`timeoutSeconds`) and throws on errors
    /// (`KubernetesError.isGone` after compaction).
    func watch<R: KubernetesResource>(
        _ type: R.Type, namespace: String?, options: WatchOptions
    ) async throws -> WatchStream<R>
    /// Creates the object in `object.metadata.namespace`.
    func create<R: KubernetesResource>(_ object: R) async throws -> R
    /// Replaces the object (PUT); a `metadata.resourceVersion` makes it conditional (409 when stale).
    func update<R: KubernetesResource>(_ object: R) async throws -> R
    /// Patches the object with a merge, strategic-merge or JSON patch.
    func patch<R: KubernetesResource>(
        _ type: R.Type, name: String, namespace: String?, patch: KubernetesPatch
    ) async throws -> R
    /// Deletes the object, optionally only if its uid / resourceVersion still match.
    func delete<R: KubernetesResource>(
        _ type: R.Type, name: String, namespace: String?, options: DeleteOptions
    ) async throws
    /// Evicts a pod through the Eviction API (`POST pods/NAME/eviction`), so PodDisruptionBudgets hold; `uid`
    /// makes it evict only that pod. A budget's refusal is a `KubernetesError` with `isTooManyRequests`, not retried.
    func evict(pod name: String, namespace: String, uid: String?) async throws
    /// `create` for a caller that does not read the answer: the server's copy is not decoded.
    func createDiscardingResult<R: KubernetesResource>(_ object: R) async throws
    /// `update` for a caller that does not read the answer.
    func updateDiscardingResult<R: KubernetesResource>(_ object: R) async throws
    /// `patch` for a caller that does not read the answer.
    func patchDiscardingResult<R: KubernetesResource>(
        _ type: R.Type, name: String, namespace: String?, patch: KubernetesPatch
    ) async throws
}

extension KubernetesClient {
    /// Clients that cannot evict say so loudly.
    public func evict(pod name: String, namespace: String, uid: String?) async throws {
        throw KubernetesError(
            kind: .configuration, operation: "create pods/eviction \(namespace)/\(name)",
            message: "this client does not support evictions")
    }

    public func createDiscardingResult<R: KubernetesResource>(_ object: R) async throws {
        _ = try await create(object)
    }

    public func updateDiscardingResult<R: KubernetesResource>(_ object: R) async throws {
        _ = try await update(object)
    }

    public func patchDiscardingResult<R: KubernetesResource>(
        _ type: R.Type, name: String, namespace: String?, patch: KubernetesPatch
    ) async throws {
        _ = try await self.patch(type, name: name, namespace: namespace, patch: patch)
    }

    /// Reads a cluster-scoped object.
    public func get<R: KubernetesResource>(_ type: R.Type, name: String) async throws -> R {
        try await get(type, name: name, namespace: nil)
    }

    /// Reads one page with default options.
    public func list<R: KubernetesResource>(
        _ type: R.Type, namespace: String? = nil, labelSelector: String? = nil
    ) async throws -> KubernetesList<R> {
        try await list(type, namespace: namespace, options: ListOptions(labelSelector: labelSelector))
    }

    /// Reads every page (following `continue`) and returns the items and the first page's resourceVersion.
    public func listAll<R: KubernetesResource>(
        _ type: R.Type, namespace: String? = nil, options: ListOptions = ListOptions()
    ) async throws -> KubernetesList<R> {
        var options = options
        if options.limit == nil { options.limit = 500 }
        var page = try await list(type, namespace: namespace, options: options)
        var all = page
        while let token = page.continueToken {
            try Task.checkCancellation()
            options.continue = token
            // A continue token pins the snapshot; the resourceVersion must not be sent with it.
            options.resourceVersion = nil
            options.resourceVersionMatch = nil
            page = try await list(type, namespace: namespace, options: options)
            all.items.append(contentsOf: page.items)
        }
        all.metadata.continue = nil
        all.metadata.remainingItemCount = nil
        return all
    }

    /// Deletes without preconditions.
    public func delete<R: KubernetesResource>(_ type: R.Type, name: String, namespace: String? = nil) async throws {
        try await delete(type, name: name, namespace: namespace, options: DeleteOptions())
    }
}
