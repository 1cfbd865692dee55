import Foundation
import KubernetesModel
import NIOHTTP1

extension HTTPKubernetesClient {
    /// `/api/v1[/namespaces/ns]/plural[/name]` or `/apis/group/version/...`.
    static func path<R: KubernetesResource>(_ type: R.Type, namespace: String?, name: String? = nil) -> String {
        var path = R.group.isEmpty ? "/api/\(R.version)" : "/apis/\(R.apiVersion)"
        if R.namespaced, let namespace, !namespace.isEmpty {
            path += "/namespaces/" + encodePathSegment(namespace)
        }
        path += "/" + R.plural
        if let name { path += "/" + encodePathSegment(name) }
        return path
    }

    static func target(namespace: String?, name: String?) -> String {
        [namespace, name].compactMap { $0 }.filter { !$0.isEmpty }.joined(separator: "/")
    }

    func decode<T: Decodable>(_ type: T.Type, _ bytes: [UInt8], operation: String) throws -> T {
        do {
            return try JSONDecoder().decode(type, from: Data(bytes))
        } catch {
            throw KubernetesError(kind: .decoding, operation: operation, message: "invalid response: \(error)")
        }
    }

    func encode<T: Encodable>(_ value: T, operation: String) throws -> [UInt8] {
        do {
            return Array(try JSONEncoder().encode(value))
        } catch {
            throw KubernetesError(kind: .decoding, operation: operation, message: "cannot encode body: \(error)")
        }
    }

    static func requireName<R: KubernetesResource>(_ object: R, verb: String) throws -> String {
        guard let name = object.metadata.name, !name.isEmpty else {
            throw KubernetesError(
                kind: .configuration, operation: "\(verb) \(R.plural)", message: "metadata.name is required")
        }
        return name
    }

    public func get<R: KubernetesResource>(_ type: R.Type, name: String, namespace: String?) async throws -> R {
        let call = Call(
            verb: "get", resource: R.plural, method: .GET, path: Self.path(type, namespace: namespace, name: name),
            idempotent: true, target: Self.target(namespace: namespace, name: name))
        return try decode(R.self, try await perform(call), operation: call.operation)
    }

    public func list<R: KubernetesResource>(
        _ type: R.Type, namespace: String?, options: ListOptions
    ) async throws -> KubernetesList<R> {
        let call = Call(
            verb: "list", resource: R.plural, method: .GET, path: Self.path(type, namespace: namespace),
            query: options.queryItems, idempotent: true, target: namespace ?? "")
        return try decode(KubernetesList<R>.self, try await perform(call), operation: call.operation)
    }

    public func create<R: KubernetesResource>(_ object: R) async throws -> R {
        let call = try createCall(object)
        return try decode(R.self, try await perform(call), operation: call.operation)
    }

    public func createDiscardingResult<R: KubernetesResource>(_ object: R) async throws {
        _ = try await perform(try createCall(object))
    }

    public func update<R: KubernetesResource>(_ object: R) async throws -> R {
        let call = try updateCall(object)
        return try decode(R.self, try await perform(call), operation: call.operation)
    }

    public func updateDiscardingResult<R: KubernetesResource>(_ object: R) async throws {
        _ = try await perform(try updateCall(object))
    }

    public func patch<R: KubernetesResource>(
        _ type: R.Type, name: String, namespace: String?, patch: KubernetesPatch
    ) async throws -> R {
        let call = try patchCall(type, name: name, namespace: namespace, patch: patch)
        return try decode(R.self, try await perform(call), operation: call.operation)
    }

    public func patchDiscardingResult<R: KubernetesResource>(
        _ type: R.Type, name: String, namespace: String?, patch: KubernetesPatch
    ) async throws {
        _ = try await perform(try patchCall(type, name: name, namespace: namespace, patch: patch))
    }

    private func createCall<R: KubernetesResource>(_ object: R) throws -> Call {
        let namespace = object.metadata.namespace
        var call = Call(
            verb: "create", resource: R.plural, method: .POST, path: Self.path(R.self, namespace: namespace),
            idempotent: false, target: Self.target(namespace: namespace, name: object.metadata.name))
        call.body = try encode(object.typed, operation: call.operation)
        return call
    }

    private func updateCall<R: KubernetesResource>(_ object: R) throws -> Call {
        let name = try Self.requireName(object, verb: "update")
        let namespace = object.metadata.namespace
        var call = Call(
            verb: "update", resource: R.plural, method: .PUT,
            path: Self.path(R.self, namespace: namespace, name: name), idempotent: false,
            target: Self.target(namespace: namespace, name: name))
        call.body = try encode(object.typed, operation: call.operation)
        return call
    }

    private func patchCall<R: KubernetesResource>(
        _ type: R.Type, name: String, namespace: String?, patch: KubernetesPatch
    ) throws -> Call {
        var call = Call(
            verb: "patch", resource: R.plural, method: .PATCH,
            path: Self.path(type, namespace: namespace, name: name), idempotent: false,
            target: Self.target(namespace: namespace, name: name))
        switch patch {
        case .merge(let value), .strategicMerge(let value): call.body = try encode(value, operation: call.operation)
        case .json(let operations): call.body = try encode(operations, operation: call.operation)
        }
        call.contentType = patch.contentType
        return call
    }

    public func delete<R: KubernetesResource>(
        _ type: R.Type, name: String, namespace: String?, options: DeleteOptions
    ) async throws {
        var call = Call(
            verb: "delete", resource: R.plural, method: .DELETE,
            path: Self.path(type, namespace: namespace, name: name), idempotent: false,
            target: Self.target(namespace: namespace, name: name))
        if !options.isEmpty { call.body = try encode(options, operation: call.operation) }
        _ = try await perform(call)
    }

    public func evict(pod name: String, namespace: String, uid: String?) async throws {
        var call = Call(
            verb: "create", resource: "pods/eviction", method: .POST,
            path: Self.path(Pod.self, namespace: namespace, name: name) + "/eviction", idempotent: false,
            target: Self.target(namespace: namespace, name: name))
        call.retriesTooManyRequests = false
        call.body = try encode(Eviction(name: name, namespace: namespace, uid: uid), operation: call.operation)
        _ = try await perform(call)
    }
}
