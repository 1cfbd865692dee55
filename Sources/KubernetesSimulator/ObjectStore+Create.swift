import Foundation

extension ObjectStore {
    /// POST: validates, defaults and stores a new object (201), or fails with 400/403/404/409/422.
    func create(_ resource: ResourceType, namespace: String?, body: JSONValue) throws(APIError) -> JSONValue {
        guard body.isObject else { throw APIError.badRequest("the body of the request must be a JSON object") }
        guard resource.namespaced == (namespace != nil) else {
            throw APIError.badRequest("\(resource.plural) are \(resource.namespaced ? "" : "not ")namespaced")
        }
        var object = resource.storageForm(body)
        try checkTypeMeta(body, resource)
        try Decoding.check(body, resource: resource)
        var name = object.value(at: ["metadata", "name"])?.stringValue ?? ""
        if name.isEmpty, let prefix = object.value(at: ["metadata", "generateName"])?.stringValue, !prefix.isEmpty {
            name = prefix + Self.randomSuffix()
            object.setValue(.string(name), at: ["metadata", "name"])
        }
        if name.isEmpty {
            throw APIError.invalid(
                resource, name: "",
                causes: [
                    StatusCause(
                        reason: "FieldValueRequired", message: "Required value: name or generateName is required",
                        field: "metadata.name")
                ])
        }
        try checkNamespaceField(&object, namespace: namespace, resource: resource)
        try validate(object, view: body, resource: resource, name: name, previous: nil)
        return try state.withLock { (state) throws(APIError) -> JSONValue in
            let key = ObjectKey(namespace: namespace ?? "", name: name)
            if let namespace { try Self.checkNamespaceAccepts(state, namespace, resource: resource, name: name) }
            if state.buckets[resource.storage]?[key] != nil { throw APIError.alreadyExists(resource, name: name) }
            if resource == .pods { try admitPod(&object, namespace: namespace ?? "", name: name, state: state) }
            let created = insert(object, resource: resource, key: key, state: &state)
            if resource == .namespaces { createDefaultServiceAccount(in: name, state: &state) }
            return resource.view(created)
        }
    }

    /// Stores a brand-new object: server-owned metadata, defaults, a fresh revision.
    func insert(_ object: JSONValue, resource: ResourceType, key: ObjectKey, state: inout StoreState) -> JSONValue {
        var object = Self.defaulted(object, resource: resource)
        let revision = state.nextRevision()
        object.setValue(.string(UUID().uuidString.lowercased()), at: ["metadata", "uid"])
        object.setValue(.string(Self.timestamp(now())), at: ["metadata", "creationTimestamp"])
        object.setValue(.string(String(revision)), at: ["metadata", "resourceVersion"])
        object.setValue(1, at: ["metadata", "generation"])
        for field in ["deletionTimestamp", "deletionGracePeriodSeconds", "managedFields", "selfLink"] {
            object.setValue(nil, at: ["metadata", field])
        }
        object.setValue(
            Self.managedFields(nil, writing: object, resource: resource, at: Self.timestamp(now())),
            at: ["metadata", "managedFields"])
        state.put(
            object, storage: resource.storage, key: key, type: .added, previous: nil, revision: revision,
            historyLimit: configuration.historyLimit)
        return object
    }

    /// Like a real cluster's service-account controller: every namespace gets `default`.
    func createDefaultServiceAccount(in namespace: String, state: inout StoreState) {
        let key = ObjectKey(namespace: namespace, name: "default")
        guard state.buckets[ResourceType.serviceAccounts.storage]?[key] == nil else { return }
        let account: JSONValue = [
            "apiVersion": "v1", "kind": "ServiceAccount",
            "metadata": ["name": "default", "namespace": .string(namespace)],
        ]
        _ = insert(account, resource: .serviceAccounts, key: key, state: &state)
    }

    /// Type defaults applied on every write (create, update, patch).
    static func defaulted(_ input: JSONValue, resource: ResourceType) -> JSONValue {
        var object = input
        object["apiVersion"] = .string(resource == .eventsV1 ? "v1" : resource.apiVersion)
        object["kind"] = .string(resource.kind)
        switch resource {
        case .namespaces:
            let name = object.value(at: ["metadata", "name"])?.stringValue ?? ""
            object.setValue(.string(name), at: ["metadata", "labels", "kubernetes.io/metadata.name"])
            if object.value(at: ["spec", "finalizers"]) == nil {
                object.setValue(["kubernetes"], at: ["spec", "finalizers"])
            }
            if object.value(at: ["status", "phase"]) == nil { object.setValue("Active", at: ["status", "phase"]) }
        case .secrets:
            if object["type"] == nil || object["type"] == .string("") { object["type"] = "Opaque" }
            // stringData is write-only: merged into data, never stored.
            if let strings = object["stringData"]?.objectValue {
                var data = object["data"]?.objectValue ?? [:]
                for (key, value) in strings {
                    data[key] = .string(Data((value.stringValue ?? "").utf8).base64EncodedString())
                }
                object["data"] = .object(data)
                object["stringData"] = nil
            }
        default:
            break
        }
        return object
    }

    func checkTypeMeta(_ body: JSONValue, _ resource: ResourceType) throws(APIError) {
        if let kind = body["kind"]?.stringValue, !kind.isEmpty, kind != resource.kind {
            throw APIError.badRequest("the kind \(kind) does not match the expected kind \(resource.kind)")
        }
        if let version = body["apiVersion"]?.stringValue, !version.isEmpty, version != resource.apiVersion {
            throw APIError.badRequest(
                "the API version in the data (\(version)) does not match the expected API version "
                    + "(\(resource.apiVersion))")
        }
    }

    func checkNamespaceField(
        _ object: inout JSONValue, namespace: String?, resource: ResourceType
    )
        throws(APIError)
    {
        let declared = object.value(at: ["metadata", "namespace"])?.stringValue ?? ""
        if let namespace {
            if !declared.isEmpty, declared != namespace {
                throw APIError.badRequest(
                    "the namespace of the provided object does not match the namespace sent on the request")
            }
            object.setValue(.string(namespace), at: ["metadata", "namespace"])
        } else {
            object.setValue(nil, at: ["metadata", "namespace"])
        }
    }

    /// Name, metadata and type rules; `previous` is the stored object on update.
    func validate(
        _ object: JSONValue, view: JSONValue, resource: ResourceType, name: String, previous: JSONValue?
    )
        throws(APIError)
    {
        var causes = Validation.nameCauses(name, resource: resource) + Validation.metadataCauses(object)
        let defaulted = Self.defaulted(object, resource: resource)
        switch resource.storage {
        case "secrets":
            causes += Validation.secretCauses(defaulted)
            if let previous, previous["type"] != defaulted["type"] {
                causes.append(
                    StatusCause(
                        reason: "FieldValueInvalid",
                        message: "Invalid value: \"\(defaulted["type"]?.stringValue ?? "")\""
                            + ": field is immutable", field: "type"))
            }
        case "events":
            causes +=
                resource == .eventsV1
                ? Validation.eventsV1Causes(defaulted, previous: previous) : Validation.coreEventCauses(defaulted)
        case "leases":
            causes += Validation.leaseCauses(defaulted)
        case "pods":
            causes += Validation.podCauses(defaulted)
        default:
            break
        }
        if !causes.isEmpty {
            var error = APIError.invalid(resource, name: name, causes: causes)
            // Both Event APIs validate the internal (core) Event: no group in the details.
            if resource == .eventsV1 { error.group = nil }
            throw error
        }
    }

    /// 404 when the namespace is missing, 403 `NamespaceTerminating` when it is being deleted.
    static func checkNamespaceAccepts(
        _ state: StoreState, _ namespace: String, resource: ResourceType, name: String?
    )
        throws(APIError)
    {
        let key = ObjectKey(namespace: "", name: namespace)
        guard let stored = state.buckets[ResourceType.namespaces.storage]?[key] else {
            throw APIError.namespaceNotFound(namespace)
        }
        if stored.value(at: ["status", "phase"])?.stringValue == "Terminating" {
            throw APIError.namespaceTerminating(namespace, resource: resource, name: name)
        }
    }

    static func timestamp(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.string(from: date)
    }

    static func randomSuffix() -> String {
        let alphabet = Array("bcdfghjklmnpqrstvwxz2456789")
        return String((0..<5).map { _ in alphabet.randomElement() ?? "x" })
    }
}
