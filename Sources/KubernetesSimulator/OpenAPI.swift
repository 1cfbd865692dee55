/// Just enough OpenAPI v3 for kubectl's field-validation check.
///
/// `kubectl apply` and `kubectl create -f` validate before sending. They first look for the PATCH operation of the
/// kind in `/openapi/v3/<group-version>` and, when it lists the `fieldValidation` query parameter, leave validation
/// to the server; without the documents they fall back to `/openapi/v2` and fail ("failed to download openapi").
/// Schemas are not served: nothing else reads them.
enum OpenAPI {
    /// The root index (`/openapi/v3`) or one group-version document (`/openapi/v3/api/v1`), nil for other paths.
    static func document(path: String) -> JSONValue? {
        let byVersion = Dictionary(grouping: ResourceType.all) { resource in
            resource.group.isEmpty ? "api/\(resource.apiVersion)" : "apis/\(resource.apiVersion)"
        }
        if path == "/openapi/v3" {
            var paths: [String: JSONValue] = [:]
            for key in byVersion.keys { paths[key] = ["serverRelativeURL": .string("/openapi/v3/\(key)")] }
            return ["paths": .object(paths)]
        }
        let prefix = "/openapi/v3/"
        guard path.hasPrefix(prefix), let resources = byVersion[String(path.dropFirst(prefix.count))] else {
            return nil
        }
        var paths: [String: JSONValue] = [:]
        for resource in resources {
            let base = "/" + (resource.group.isEmpty ? "api/" : "apis/") + resource.apiVersion
            let scope = resource.namespaced ? "/namespaces/{namespace}" : ""
            let kind: JSONValue = [
                "group": .string(resource.group), "version": .string(resource.version), "kind": .string(resource.kind),
            ]
            let patch: JSONValue = [
                "x-kubernetes-action": "patch", "x-kubernetes-group-version-kind": kind,
                "parameters": [["name": "fieldValidation", "in": "query", "schema": ["type": "string"]]],
                "responses": ["200": ["description": "OK"]],
            ]
            paths["\(base)\(scope)/\(resource.plural)/{name}"] = ["patch": patch]
        }
        return [
            "openapi": "3.0.0", "info": ["title": "Kubernetes", "version": "v1.32.0"], "paths": .object(paths),
            "components": ["schemas": [:]],
        ]
    }
}
