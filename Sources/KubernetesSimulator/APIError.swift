/// One entry of `details.causes` in a Kubernetes Status.
struct StatusCause: Sendable, Hashable {
    var reason: String
    var message: String
    var field: String?

    var json: JSONValue {
        var value: JSONValue = ["reason": .string(reason), "message": .string(message)]
        if let field { value["field"] = .string(field) }
        return value
    }
}

/// A failed request, rendered as a Kubernetes `Status` object (protocols.md §6.2).
struct APIError: Error, Sendable {
    var code: Int
    var reason: String
    var message: String
    var name: String?
    var group: String?
    var kind: String?
    var causes: [StatusCause] = []
    var retryAfterSeconds: Int?
    /// `metadata.continue` of a 410 for an expired continue token: where an inconsistent continuation starts.
    var continueToken: String?

    /// The `Status` body.
    var status: JSONValue {
        var value: JSONValue = [
            "kind": "Status", "apiVersion": "v1", "metadata": [:], "status": "Failure",
            "message": .string(message), "reason": .string(reason), "code": .number(Double(code)),
        ]
        if let continueToken { value["metadata"] = ["continue": .string(continueToken)] }
        var details: [String: JSONValue] = [:]
        if let name { details["name"] = .string(name) }
        if let group, !group.isEmpty { details["group"] = .string(group) }
        if let kind { details["kind"] = .string(kind) }
        if !causes.isEmpty { details["causes"] = .array(causes.map(\.json)) }
        if let retryAfterSeconds { details["retryAfterSeconds"] = .number(Double(retryAfterSeconds)) }
        if !details.isEmpty { value["details"] = .object(details) }
        return value
    }
}

extension APIError {
    static func badRequest(_ message: String) -> APIError {
        APIError(code: 400, reason: "BadRequest", message: message)
    }

    static func unauthorized() -> APIError {
        APIError(code: 401, reason: "Unauthorized", message: "Unauthorized")
    }

    static func forbidden(user: String, request: RequestAttributes) -> APIError {
        let what = request.subresource.map { "\(request.resource)/\($0)" } ?? request.resource
        var message = "User \"\(user)\" cannot \(request.verb) resource \"\(what)\" in API group \"\(request.group)\""
        if let namespace = request.namespace {
            message += " in the namespace \"\(namespace)\""
        } else {
            message += " at the cluster scope"
        }
        let subject = request.name.map { "\(what) \"\($0)\" is forbidden: " } ?? "\(what) is forbidden: "
        return APIError(
            code: 403, reason: "Forbidden", message: subject + message, name: request.name, group: request.group,
            kind: request.resource)
    }

    static func namespaceTerminating(_ namespace: String, resource: ResourceType, name: String?) -> APIError {
        APIError(
            code: 403, reason: "Forbidden",
            message: "\(resource.plural) \"\(name ?? "")\" is forbidden: unable to create new content in namespace "
                + "\(namespace) because it is being terminated",
            name: name, group: resource.group, kind: resource.plural,
            causes: [
                StatusCause(
                    reason: "NamespaceTerminating",
                    message: "namespace \(namespace) is being terminated", field: "metadata.namespace")
            ])
    }

    static func notFound(_ resource: ResourceType, name: String) -> APIError {
        APIError(
            code: 404, reason: "NotFound", message: "\(resource.qualifiedPlural) \"\(name)\" not found", name: name,
            group: resource.group, kind: resource.plural)
    }

    static func namespaceNotFound(_ namespace: String) -> APIError {
        APIError(
            code: 404, reason: "NotFound", message: "namespaces \"\(namespace)\" not found", name: namespace,
            kind: "namespaces")
    }

    static func pathNotFound() -> APIError {
        APIError(code: 404, reason: "NotFound", message: "the server could not find the requested resource")
    }

    static func methodNotSupported(_ verb: String, _ resource: ResourceType) -> APIError {
        APIError(
            code: 405, reason: "MethodNotAllowed",
            message: "\(verb) is not supported on resources of kind \"\(resource.plural)\"", group: resource.group,
            kind: resource.plural)
    }

    static func alreadyExists(_ resource: ResourceType, name: String) -> APIError {
        APIError(
            code: 409, reason: "AlreadyExists", message: "\(resource.qualifiedPlural) \"\(name)\" already exists",
            name: name, group: resource.group, kind: resource.plural)
    }

    static func conflict(_ resource: ResourceType, name: String) -> APIError {
        APIError(
            code: 409, reason: "Conflict",
            message: "Operation cannot be fulfilled on \(resource.qualifiedPlural) \"\(name)\": the object has been "
                + "modified; please apply your changes to the latest version and try again",
            name: name, group: resource.group, kind: resource.plural)
    }

    static func preconditionFailed(
        _ resource: ResourceType, name: String, field: String, expected: String,
        actual: String
    ) -> APIError {
        APIError(
            code: 409, reason: "Conflict",
            message: "Operation cannot be fulfilled on \(resource.qualifiedPlural) \"\(name)\": Precondition failed: "
                + "\(field): \(expected), \(field) in object meta: \(actual)",
            // kube-apiserver names the kind here (Secret), not the resource (secrets)
            name: name, group: resource.group, kind: resource.kind)
    }

    static func expired(_ message: String) -> APIError {
        APIError(code: 410, reason: "Expired", message: message)
    }

    static func unsupportedMediaType(_ contentType: String) -> APIError {
        APIError(
            code: 415, reason: "UnsupportedMediaType",
            message: "the body of the request was in an unknown format - accepted media types include: "
                + "application/json-patch+json, application/merge-patch+json, "
                + "application/strategic-merge-patch+json (got \"\(contentType)\")")
    }

    static func invalid(_ resource: ResourceType, name: String, causes: [StatusCause]) -> APIError {
        let list = causes.map { cause in cause.field.map { "\($0): \(cause.message)" } ?? cause.message }
        let summary = list.count == 1 ? list[0] : "[" + list.joined(separator: ", ") + "]"
        return APIError(
            code: 422, reason: "Invalid", message: "\(resource.kind) \"\(name)\" is invalid: \(summary)", name: name,
            group: resource.group, kind: resource.kind, causes: causes)
    }

    static func unprocessable(_ message: String) -> APIError {
        APIError(code: 422, reason: "Invalid", message: message)
    }

    static func internalError(_ message: String) -> APIError {
        APIError(code: 500, reason: "InternalError", message: "Internal error occurred: \(message)")
    }

    /// The error a fault rule injects for `code`.
    static func injected(code: Int, retryAfter: Int?) -> APIError {
        switch code {
        case 429:
            return APIError(
                code: 429, reason: "TooManyRequests", message: "Too many requests, please try again later.",
                retryAfterSeconds: retryAfter)
        case 503:
            return APIError(
                code: 503, reason: "ServiceUnavailable",
                message: "the server is currently unable to handle the "
                    + "request", retryAfterSeconds: retryAfter)
        case 504:
            return APIError(
                code: 504, reason: "Timeout",
                message: "the server was unable to return a response in "
                    + "the time allotted", retryAfterSeconds: retryAfter)
        default:
            return APIError(
                code: code, reason: code >= 500 ? "InternalError" : "BadRequest",
                message: "Internal error occurred: injected fault", retryAfterSeconds: retryAfter)
        }
    }
}
