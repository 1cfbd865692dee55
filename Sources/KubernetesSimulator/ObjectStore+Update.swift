import Foundation

/// How a PATCH body is interpreted (from its Content-Type on the wire).
public enum PatchType: Sendable {
    /// `application/merge-patch+json` (RFC 7386).
    case merge
    /// `application/strategic-merge-patch+json` (lists of the served kinds are atomic).
    case strategicMerge
    /// `application/json-patch+json` (RFC 6902).
    case json

    init(contentType: String) throws(APIError) {
        let mediaType = contentType.split(separator: ";").first.map { String($0).trimmingSpaces().lowercased() } ?? ""
        switch mediaType {
        case "application/merge-patch+json": self = .merge
        case "application/strategic-merge-patch+json": self = .strategicMerge
        case "application/json-patch+json": self = .json
        default: throw APIError.unsupportedMediaType(contentType)
        }
    }
}

extension ObjectStore {
    /// PUT: replaces the object; a non-empty `metadata.resourceVersion` must be current (else 409). `statusOnly`:
    /// the status subresource, which changes `status` alone (the main resource never does, for kinds that have one).
    func update(
        _ resource: ResourceType, namespace: String?, name: String, body: JSONValue, statusOnly: Bool = false
    ) throws(APIError)
        -> JSONValue
    {
        guard body.isObject else { throw APIError.badRequest("the body of the request must be a JSON object") }
        try checkTypeMeta(body, resource)
        let bodyName = body.value(at: ["metadata", "name"])?.stringValue ?? ""
        if bodyName != name {
            throw APIError.badRequest(
                "the name of the object (\(bodyName)) does not match the name on the URL (\(name))")
        }
        return try state.withLock { (state) throws(APIError) -> JSONValue in
            try replace(resource, namespace: namespace, name: name, state: &state, statusOnly: statusOnly) { _ in body }
        }
    }

    /// PATCH: applies the patch to the current object and stores the result as an update.
    func patch(
        _ resource: ResourceType, namespace: String?, name: String, type: PatchType, body: JSONValue,
        statusOnly: Bool = false
    )
        throws(APIError) -> JSONValue
    {
        try state.withLock { (state) throws(APIError) -> JSONValue in
            try replace(resource, namespace: namespace, name: name, state: &state, statusOnly: statusOnly) {
                (current) throws(APIError) -> JSONValue in
                let patched: JSONValue
                do throws(JSONPatchError) {
                    switch type {
                    case .merge: patched = current.applyingMergePatch(body)
                    case .strategicMerge: patched = try current.applyingStrategicMergePatch(body)
                    case .json: patched = try current.applyingJSONPatch(body)
                    }
                } catch {
                    if error.isDecodeError { throw APIError.badRequest(error.reason) }
                    if error.isFailedTest { throw APIError.unprocessable(error.reason) }
                    throw APIError(code: 422, reason: "Invalid", message: error.reason)
                }
                guard patched.isObject else { throw APIError.badRequest("the patch must produce a JSON object") }
                let patchedName = patched.value(at: ["metadata", "name"])?.stringValue
                if patchedName != name {
                    throw APIError.badRequest("the patch must not change metadata.name")
                }
                return patched
            }
        }
    }

    /// The shared update path: `change` maps the served view of the current object to the desired one.
    func replace(
        _ resource: ResourceType, namespace: String?, name: String, state: inout StoreState, statusOnly: Bool = false,
        change: (JSONValue) throws(APIError) -> JSONValue
    ) throws(APIError) -> JSONValue {
        let key = ObjectKey(namespace: namespace ?? "", name: name)
        guard let current = state.buckets[resource.storage]?[key] else { throw APIError.notFound(resource, name: name) }
        var desiredView = try change(resource.view(current))
        if statusOnly {
            var kept = resource.view(current)
            kept["status"] = desiredView["status"]
            kept.setValue(desiredView.value(at: ["metadata", "resourceVersion"]), at: ["metadata", "resourceVersion"])
            desiredView = kept
        }
        var desired = resource.storageForm(desiredView)
        let currentRevision = current.value(at: ["metadata", "resourceVersion"])?.stringValue ?? ""
        if let wanted = desired.value(at: ["metadata", "resourceVersion"])?.stringValue, !wanted.isEmpty,
            wanted != currentRevision
        {
            throw APIError.conflict(resource, name: name)
        }
        try checkNamespaceField(&desired, namespace: namespace, resource: resource)
        try Decoding.check(desiredView, resource: resource)
        try validate(desired, view: desiredView, resource: resource, name: name, previous: current)
        desired = Self.defaulted(desired, resource: resource)
        // Server-owned fields come from the stored object, whatever the client sent.
        for field in ["uid", "creationTimestamp", "deletionTimestamp", "deletionGracePeriodSeconds", "generation"] {
            desired.setValue(current.value(at: ["metadata", field]), at: ["metadata", field])
        }
        desired.setValue(nil, at: ["metadata", "managedFields"])
        if resource.keepsStatus && !statusOnly { desired["status"] = current["status"] }
        desired.setValue(.string(currentRevision), at: ["metadata", "resourceVersion"])
        // A no-op write keeps the revision and sends no event, as the real API server does.
        var unchanged = current
        unchanged.setValue(nil, at: ["metadata", "managedFields"])
        if desired == unchanged { return resource.view(current) }
        desired.setValue(
            Self.managedFields(
                current.value(at: ["metadata", "managedFields"]), writing: desired, resource: resource,
                at: Self.timestamp(now())),
            at: ["metadata", "managedFields"])
        if Self.specChanged(current, desired) {
            let generation = (current.value(at: ["metadata", "generation"])?.intValue ?? 1) + 1
            desired.setValue(.number(Double(generation)), at: ["metadata", "generation"])
        }
        // The update that removes the last finalizer of an object being deleted deletes it: watchers see DELETED.
        if desired.value(at: ["metadata", "deletionTimestamp"]) != nil,
            (desired.value(at: ["metadata", "finalizers"])?.arrayValue ?? []).isEmpty, resource != .namespaces
        {
            state.buckets[resource.storage]?[key] = desired
            let last = state.remove(storage: resource.storage, key: key, historyLimit: configuration.historyLimit)
            return resource.view(last ?? desired)
        }
        let revision = state.nextRevision()
        desired.setValue(.string(String(revision)), at: ["metadata", "resourceVersion"])
        state.put(
            desired, storage: resource.storage, key: key, type: .modified, previous: current, revision: revision,
            historyLimit: configuration.historyLimit)
        return resource.view(desired)
    }

    static func specChanged(_ old: JSONValue, _ new: JSONValue) -> Bool {
        var old = old
        var new = new
        for field in ["metadata", "status"] {
            old[field] = nil
            new[field] = nil
        }
        return old != new
    }
}
