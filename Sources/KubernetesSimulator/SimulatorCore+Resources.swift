import Foundation
import Hummingbird
import NIOCore

extension SimulatorCore {
    /// Authorization, faults, then the verb; every outcome is counted and audited.
    func handleResource(
        _ request: Request, path: ResourcePath, query: QueryParameters, user: SimulatorUser
    ) async
        -> Response
    {
        let attributes = attributes(for: path, method: request.method, query: query)
        var auditResource = path.resource.plural
        if let subresource = path.subresource { auditResource += "/\(subresource)" }
        func finish(_ response: Response) -> Response {
            log.record(
                AuditRecord(
                    verb: attributes.verb, group: attributes.group, resource: auditResource, namespace: path.namespace,
                    name: path.name, user: user.name, code: response.status.code))
            return response
        }
        let decision = faults.decide(verb: attributes.verb, resource: path.resource.plural)
        if let latency = decision.latency { try? await Task.sleep(for: latency) }
        if let error = decision.error { return finish(.failure(error)) }
        guard authorizes(user, attributes) else {
            return finish(.failure(.forbidden(user: user.name, request: attributes)))
        }
        do {
            if attributes.verb == "watch" {
                let response = try watchResponse(request, path: path, query: query, faults: decision)
                return finish(response)
            }
            let manager = ObjectStore.fieldManager(
                query: query["fieldManager"], userAgent: request.headers[.userAgent])
            return finish(
                try await ObjectStore.$fieldManager.withValue(manager) {
                    try await perform(attributes.verb, request, path: path, query: query)
                })
        } catch let error as APIError {
            return finish(.failure(error))
        } catch {
            return finish(.failure(.internalError("unexpected failure")))
        }
    }

    private func perform(
        _ verb: String, _ request: Request, path: ResourcePath, query: QueryParameters
    )
        async throws -> Response
    {
        let resource = path.resource
        if resource == .pods, path.subresource == "eviction", let namespace = path.namespace, let name = path.name {
            guard verb == "create" else { throw APIError.methodNotSupported(verb, resource) }
            return .json(try store.evict(namespace: namespace, name: name, body: try await body(request)), status: 201)
        }
        if path.subresource == "status", resource.keepsStatus, let name = path.name {
            return try await statusSubresource(verb, request, resource: resource, namespace: path.namespace, name: name)
        }
        let needsNamespace = path.name != nil || verb == "create"
        if path.subresource != nil || (resource.namespaced && path.namespace == nil && needsNamespace) {
            throw APIError.pathNotFound()
        }
        let table = TableConversion.wanted(request.headers[.accept])
        switch verb {
        case "get":
            guard
                let stored = store.object(
                    storage: resource.storage, namespace: path.namespace ?? "",
                    name: path.name ?? "")
            else { throw APIError.notFound(resource, name: path.name ?? "") }
            let object = resource.view(stored)
            return .json(table ? TableConversion.table(resource, [object], includeColumns: true) : object)
        case "list":
            let page = try store.list(
                resource, filter: try filter(path, query), limit: try query.integer("limit"),
                continueToken: query["continue"])
            return .json(table ? TableConversion.table(resource, page) : Self.listObject(resource, page))
        case "create":
            let created = try store.create(resource, namespace: path.namespace, body: try await body(request))
            return .json(created, status: 201)
        case "update":
            return .json(
                try store.update(
                    resource, namespace: path.namespace, name: path.name ?? "", body: try await body(request)))
        case "patch":
            let type = try PatchType(contentType: request.headers[.contentType] ?? "")
            return .json(
                try store.patch(
                    resource, namespace: path.namespace, name: path.name ?? "", type: type,
                    body: try await body(request)))
        case "delete":
            let options = try await optionalBody(request)
            let name = path.name ?? ""
            let last = try store.delete(
                resource, namespace: path.namespace, name: name, preconditions: DeletePreconditions(body: options))
            // As kube-apiserver: the object when it stays (a Terminating namespace, finalizers), else a Status.
            if resource == .namespaces
                || store.object(storage: resource.storage, namespace: path.namespace ?? "", name: name) != nil
            {
                return .json(last)
            }
            var details: JSONValue = ["name": .string(name), "kind": .string(resource.plural)]
            if !resource.group.isEmpty { details["group"] = .string(resource.group) }
            if let uid = last.value(at: ["metadata", "uid"]) { details["uid"] = uid }
            return .json([
                "kind": "Status", "apiVersion": "v1", "metadata": [:], "status": "Success", "details": details,
            ])
        default:
            throw APIError.methodNotSupported(verb, resource)
        }
    }

    /// `NAME/status` of kinds with a status (what a kubelet writes for pods): the object, with only `status` writable.
    private func statusSubresource(
        _ verb: String, _ request: Request, resource: ResourceType, namespace: String?, name: String
    ) async throws -> Response {
        switch verb {
        case "get":
            guard let stored = store.object(storage: resource.storage, namespace: namespace ?? "", name: name) else {
                throw APIError.notFound(resource, name: name)
            }
            return .json(resource.view(stored))
        case "update":
            return .json(
                try store.update(
                    resource, namespace: namespace, name: name, body: try await body(request), statusOnly: true))
        case "patch":
            let type = try PatchType(contentType: request.headers[.contentType] ?? "")
            return .json(
                try store.patch(
                    resource, namespace: namespace, name: name, type: type, body: try await body(request),
                    statusOnly: true))
        default:
            throw APIError.methodNotSupported(verb, resource)
        }
    }

    func filter(_ path: ResourcePath, _ query: QueryParameters) throws(APIError) -> ObjectFilter {
        var filter = ObjectFilter(namespace: path.namespace)
        if let labels = query["labelSelector"] { filter.labels = try LabelSelector(parsing: labels) }
        if let fields = query["fieldSelector"] {
            filter.fields = try FieldSelector(parsing: fields, resource: path.resource)
        }
        return filter
    }

    static func listObject(_ resource: ResourceType, _ page: ListPage) -> JSONValue {
        var metadata: JSONValue = ["resourceVersion": .string(String(page.revision))]
        if let token = page.continueToken { metadata["continue"] = .string(token) }
        if let remaining = page.remainingItemCount { metadata["remainingItemCount"] = .number(Double(remaining)) }
        return [
            "kind": .string(resource.kind + "List"), "apiVersion": .string(resource.apiVersion),
            "metadata": metadata, "items": .array(page.items),
        ]
    }

    private func body(_ request: Request) async throws -> JSONValue {
        guard let value = try await optionalBody(request) else {
            throw APIError.badRequest("the request requires a JSON body")
        }
        return value
    }

    private func optionalBody(_ request: Request) async throws -> JSONValue? {
        let contentType = request.headers[.contentType] ?? "application/json"
        if contentType.contains("cbor") { throw APIError.unsupportedMediaType(contentType) }
        var request = request
        let buffer = try await request.collectBody(upTo: 3 << 20)
        if buffer.readableBytes == 0 { return nil }
        // kubectl 1.32+ sends typed creates (namespace, secret, serviceaccount) as protobuf.
        if contentType.contains("protobuf") {
            return try ProtobufBody.decode(Array(buffer.readableBytesView), contentType: contentType)
        }
        do {
            return try JSONValue.parse(buffer.readableBytesView)
        } catch {
            throw APIError.badRequest("the body of the request is not valid JSON")
        }
    }
}
