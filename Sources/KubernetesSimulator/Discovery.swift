import Hummingbird

/// `/version`, `/api`, `/apis` and the group-version resource lists kubectl reads before anything else.
enum Discovery {
    static func respond(path: String) -> Response {
        let trimmed = path.count > 1 && path.hasSuffix("/") ? String(path.dropLast()) : path
        switch trimmed {
        case "/version":
            return .json([
                "major": "1", "minor": "32", "gitVersion": "v1.32.0-pullkeeper-simulator", "gitCommit": "simulator",
                "gitTreeState": "clean", "buildDate": "2026-01-01T00:00:00Z", "goVersion": "go1.23",
                "compiler": "gc", "platform": "linux/amd64",
            ])
        case "/healthz", "/readyz", "/livez":
            return Response(status: .ok, body: ResponseBody(byteBuffer: .init(string: "ok")))
        case "/api":
            return .json([
                "kind": "APIVersions", "versions": ["v1"],
                "serverAddressByClientCIDRs": [["clientCIDR": "0.0.0.0/0", "serverAddress": "127.0.0.1"]],
            ])
        case "/apis":
            return .json(["kind": "APIGroupList", "apiVersion": "v1", "groups": .array(groups.map(groupObject))])
        default:
            break
        }
        for resources in Dictionary(grouping: ResourceType.all, by: \.apiVersion).values {
            guard let first = resources.first else { continue }
            let prefix = first.group.isEmpty ? "/api/" : "/apis/"
            if trimmed == prefix + first.apiVersion {
                return .json(resourceList(first.apiVersion, resources))
            }
            if !first.group.isEmpty, trimmed == "/apis/" + first.group {
                return .json(groupObject(first.group))
            }
        }
        if let document = OpenAPI.document(path: trimmed) { return .json(document) }
        // /openapi/v2 stays 404: with the v3 documents kubectl validates on the server (fieldValidation).
        return .failure(.pathNotFound())
    }

    static var groups: [String] {
        var seen: [String] = []
        for resource in ResourceType.all where !resource.group.isEmpty && !seen.contains(resource.group) {
            seen.append(resource.group)
        }
        return seen
    }

    static func groupObject(_ group: String) -> JSONValue {
        let version: JSONValue = ["groupVersion": .string("\(group)/v1"), "version": "v1"]
        return [
            "kind": "APIGroup", "apiVersion": "v1", "name": .string(group), "versions": [version],
            "preferredVersion": version,
        ]
    }

    static func resourceList(_ groupVersion: String, _ resources: [ResourceType]) -> JSONValue {
        var entries: [JSONValue] = []
        for resource in resources {
            var entry: JSONValue = [
                "name": .string(resource.plural), "singularName": .string(resource.singular),
                "namespaced": .bool(resource.namespaced), "kind": .string(resource.kind),
                "verbs": .array(ResourceType.verbs.map { .string($0) }),
            ]
            if !resource.shortNames.isEmpty { entry["shortNames"] = .array(resource.shortNames.map { .string($0) }) }
            entries.append(entry)
        }
        return [
            "kind": "APIResourceList", "apiVersion": "v1", "groupVersion": .string(groupVersion),
            "resources": .array(entries),
        ]
    }
}
