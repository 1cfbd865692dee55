import Foundation
import Hummingbird
import Logging
import NIOCore
import NIOSSL
import X509

/// Everything a request touches: store, users, faults, counters. Shared by the server and the in-process API.
final class SimulatorCore: Sendable {
    let store: ObjectStore
    let users = UserRegistry()
    let faults: FaultInjector
    let log: RequestLog
    let configuration: KubernetesSimulator.Configuration

    init(configuration: KubernetesSimulator.Configuration) {
        self.configuration = configuration
        store = ObjectStore(
            configuration: StoreConfiguration(
                historyLimit: max(1, configuration.historyLimit),
                continueTokenLifetime: configuration.continueTokenLifetime.seconds,
                namespaceDeletionDelay: configuration.namespaceDeletionDelay.seconds),
            now: { Date() })
        faults = FaultInjector(seed: configuration.faultSeed)
        faults.set(configuration.faults, seed: nil)
        log = RequestLog(auditLimit: configuration.auditLimit)
    }

    /// Answers one HTTP request.
    func handle(_ request: Request, channel: any Channel) async -> Response {
        let path = request.uri.path
        let query = QueryParameters(request.uri.query ?? "")
        let user: SimulatorUser
        do {
            user = try await authenticate(request, channel: channel)
        } catch {
            var record = AuditRecord(
                verb: "get", group: "", resource: path, namespace: nil, name: nil, user: nil, code: 401)
            if let resourcePath = ResourcePath(path) {
                let attributes = attributes(for: resourcePath, method: request.method, query: query)
                record.verb = attributes.verb
                record.group = attributes.group
                record.resource = attributes.resource
                record.namespace = resourcePath.namespace
                record.name = resourcePath.name
            }
            log.record(record)
            return .failure(error)
        }
        let effective: SimulatorUser
        do {
            effective = try impersonated(request, by: user)
        } catch {
            log.record(
                AuditRecord(
                    verb: "impersonate", group: "", resource: "users", namespace: nil, name: nil, user: user.name,
                    code: error.code))
            return .failure(error)
        }
        guard let resourcePath = ResourcePath(path) else {
            return Discovery.respond(path: path)
        }
        return await handleResource(request, path: resourcePath, query: query, user: effective)
    }

    /// `Impersonate-User` and `Impersonate-Group`, as kube-apiserver handles them: the authenticated user needs the
    /// `impersonate` verb on `users` (and `groups`) for those names; the request then runs as the impersonated
    /// user, member of the given groups and `system:authenticated`, with the rules bound to that name.
    func impersonated(_ request: Request, by user: SimulatorUser) throws(APIError) -> SimulatorUser {
        let name = request.headers.first { $0.name.canonicalName == "impersonate-user" }?.value
        let groups = request.headers.filter { $0.name.canonicalName == "impersonate-group" }.map(\.value)
        guard let name else {
            if !groups.isEmpty {
                throw APIError.internalError("requested groups without impersonating a user")
            }
            return user
        }
        var checks = [RequestAttributes(verb: "impersonate", group: "", resource: "users", name: name)]
        checks += groups.map { RequestAttributes(verb: "impersonate", group: "", resource: "groups", name: $0) }
        for check in checks where !authorizes(user, check) {
            throw APIError(
                code: 403, reason: "Forbidden",
                message:
                    "\(check.resource) \"\(check.name ?? "")\" is forbidden: User \"\(user.name)\" cannot impersonate "
                    + "resource \"\(check.resource)\" in API group \"\" at the cluster scope",
                name: check.name, kind: check.resource)
        }
        var impersonated = users.user(certificateName: name, groups: groups)
        impersonated.groups = Array(Set(groups + ["system:authenticated"])).sorted()
        return impersonated
    }

    /// The simulator's own grants (`addUser`, `grant`) or the RBAC objects stored through the API.
    func authorizes(_ user: SimulatorUser, _ request: RequestAttributes) -> Bool {
        users.authorizes(user, request) || store.rbacAllows(user, request)
    }

    /// Bearer token first, then the TLS client certificate (CN = user, O = groups).
    func authenticate(_ request: Request, channel: any Channel) async throws(APIError) -> SimulatorUser {
        if let header = request.headers[.authorization] {
            guard header.lowercased().hasPrefix("bearer "),
                let user = users.user(forToken: String(header.dropFirst(7)).trimmingSpaces())
            else { throw APIError.unauthorized() }
            return user
        }
        if let certificate = try? await channel.nioSSL_peerCertificate().get(),
            let der = try? certificate.toDERBytes(), let parsed = try? Certificate(derEncoded: der)
        {
            var name: String?
            var groups: [String] = []
            for rdn in parsed.subject {
                for attribute in rdn {
                    if attribute.type == .RDNAttributeType.commonName { name = String(attribute.value) }
                    if attribute.type == .RDNAttributeType.organizationName, let group = String(attribute.value) {
                        groups.append(group)
                    }
                }
            }
            if let name, !name.isEmpty { return users.user(certificateName: name, groups: groups) }
        }
        throw APIError.unauthorized()
    }

    func attributes(for path: ResourcePath, method: HTTPRequest.Method, query: QueryParameters) -> RequestAttributes {
        let verb: String
        switch (method, path.name) {
        case (.get, nil): verb = query.flag("watch") ? "watch" : "list"
        case (.get, _): verb = query.flag("watch") ? "watch" : "get"
        case (.post, _): verb = "create"
        case (.put, _): verb = "update"
        case (.patch, _): verb = "patch"
        case (.delete, nil): verb = "deletecollection"
        case (.delete, _): verb = "delete"
        default: verb = method.rawValue.lowercased()
        }
        // As kube-apiserver does: a list or watch whose field selector requires `metadata.name=X` (alone or with
        // other terms) is authorized as a request about X, so a rule with resourceNames can allow watching one object.
        var name = path.name
        if name == nil, verb == "list" || verb == "watch", let fields = query["fieldSelector"] {
            for term in fields.split(separator: ",").map({ $0.trimmingCharacters(in: .whitespaces) }) {
                guard term.hasPrefix("metadata.name") else { continue }
                let rest = term.dropFirst("metadata.name".count).trimmingCharacters(in: .whitespaces)
                let value = rest.hasPrefix("==") ? rest.dropFirst(2) : rest.hasPrefix("=") ? rest.dropFirst() : nil
                if let value, !value.isEmpty {
                    name = value.trimmingCharacters(in: .whitespaces)
                    break
                }
            }
        }
        return RequestAttributes(
            verb: verb, group: path.resource.group, resource: path.resource.plural, subresource: path.subresource,
            namespace: path.namespace ?? (path.resource == .namespaces ? path.name : nil), name: name)
    }
}

extension Duration {
    /// The duration in (fractional) seconds.
    var seconds: Double {
        let (seconds, attoseconds) = components
        return Double(seconds) + Double(attoseconds) / 1e18
    }
}
