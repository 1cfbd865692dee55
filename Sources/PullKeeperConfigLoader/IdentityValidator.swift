import PullKeeperConfig
import YAML

/// Reads `identities`: unique names, exactly one credential kind each, and what each may serve (PRODUCT.md §3,
/// tenancy: deny by default, so `namespaces` and `registries` are required).
enum IdentityValidator {
    static let kinds = ["servicePrincipal", "managedIdentity", "workloadIdentity", "environment", "static"]
    static let keys = ["name", "namespaces", "registries", "actions"] + kinds

    static func readAll(_ node: YAMLNode, config: OperatorConfig, reader: inout ConfigReader) -> [IdentityConfig] {
        guard let items = node.sequence else {
            if node.scalar?.isNull != true {
                reader.report(node, "identities", "must be a list, found \(node.kindDescription)")
            }
            return []
        }
        var identities: [IdentityConfig] = []
        var seen: [String: YAMLMark?] = [:]
        for (index, item) in items.enumerated() {
            let path = "identities[\(index)]"
            guard let fields = reader.mapping(item, path, allowed: keys) else { continue }
            guard let nameNode = fields["name"] else {
                reader.report(item, "\(path).name", "is required")
                continue
            }
            guard let name = reader.nonEmptyString(nameNode, "\(path).name") else { continue }
            if let problem = KubernetesName.labelProblem(name) {
                reader.report(nameNode, "\(path).name", problem)
                continue
            }
            if let first = seen[name] {
                let at = first.map { " (first defined at \($0))" } ?? ""
                reader.report(nameNode, "\(path).name", "duplicate identity name \"\(name)\"\(at)")
                continue
            }
            seen[name] = nameNode.mark
            let present = kinds.filter { fields[$0] != nil }
            guard present.count == 1, let kind = present.first, let kindNode = fields[kind] else {
                let message =
                    present.isEmpty
                    ? "needs exactly one credential kind (one of \(kinds.joined(separator: ", ")))"
                    : "has \(present.count) credential kinds (\(present.joined(separator: ", "))); choose one"
                reader.report(item, path, message)
                continue
            }
            guard let credential = readCredential(kind, kindNode, path: "\(path).\(kind)", reader: &reader) else {
                continue
            }
            var identity = IdentityConfig(name: name, credential: credential)
            readGrants(&identity, fields: fields, item: item, path: path, config: config, reader: &reader)
            identities.append(identity)
        }
        return identities
    }

    /// `namespaces`, `registries` and `actions`: who may use the identity, for which registries and actions.
    static func readGrants(
        _ identity: inout IdentityConfig, fields: [String: YAMLNode], item: YAMLNode, path: String,
        config: OperatorConfig, reader: inout ConfigReader
    ) {
        let isStatic = identity.isStatic
        if let node = fields["namespaces"] {
            if node.mapping != nil {
                reader.report(
                    node, "\(path).namespaces",
                    "the label-selector form (matchLabels/matchExpressions) was removed: tenants can set labels. "
                        + "List namespace names or glob patterns instead, e.g. [team-a, \"team-*\"]")
            } else if let list = reader.stringList(node, "\(path).namespaces") {
                if list.isEmpty { reader.report(node, "\(path).namespaces", "must name at least one namespace") }
                for (position, (text, patternNode)) in list.enumerated() {
                    let itemPath = "\(path).namespaces[\(position)]"
                    if let problem = Self.patternProblem(text) {
                        reader.report(patternNode, itemPath, problem)
                    } else if isStatic && text.allSatisfy({ $0 == "*" || $0 == "?" }) {
                        reader.report(
                            patternNode, itemPath,
                            "a static identity (an admin account or token, which can push and delete) must name its "
                                + "namespaces; \"\(text)\" would hand it to every namespace that opts in")
                    } else {
                        if text == "*" {
                            reader.warn(
                                patternNode, itemPath,
                                "identity \(identity.name) serves every namespace that opts in; prefer names or patterns"
                            )
                        }
                        identity.namespaces.append(NamespacePattern(text))
                    }
                }
            }
        } else {
            reader.report(
                item, "\(path).namespaces",
                "is required: list the namespaces (names or glob patterns like \"team-*\") that may use identity "
                    + "\(identity.name); [\"*\"] for all")
        }
        if let node = fields["registries"] {
            if let list = reader.stringList(node, "\(path).registries") {
                if list.isEmpty { reader.report(node, "\(path).registries", "must name at least one registry") }
                for (position, (registry, registryNode)) in list.enumerated() {
                    if let refusal = config.refusal(forRegistry: registry) {
                        reader.report(registryNode, "\(path).registries[\(position)]", refusal)
                    }
                }
                identity.registries = list.map(\.0)
            }
        } else {
            reader.report(
                item, "\(path).registries", "is required: list the registries identity \(identity.name) may be used for"
            )
        }
        if let node = fields["actions"], let list = reader.stringList(node, "\(path).actions") {
            var actions: Set<String> = []
            for (position, (action, actionNode)) in list.enumerated() {
                if IdentityConfig.knownActions.contains(action) {
                    actions.insert(action)
                } else {
                    reader.report(
                        actionNode, "\(path).actions[\(position)]",
                        "unknown action \"\(action)\" (known: \(IdentityConfig.knownActions.sorted().joined(separator: ", ")))"
                    )
                }
            }
            if list.isEmpty { reader.report(node, "\(path).actions", "must name at least one action (e.g. [pull])") }
            identity.actions = actions
        }
        if isStatic {
            reader.warn(
                fields["static"], "\(path).static",
                "identity \(identity.name) is a static credential: an admin account (and many repository tokens) can push "
                    + "and delete, and every namespace it serves gets that password; prefer an identity with AcrPull")
        }
    }

    /// A namespace name or a glob: DNS-label characters plus `*` and `?`, at most 63.
    static func patternProblem(_ text: String) -> String? {
        guard !text.isEmpty else { return "must not be empty" }
        guard text.count <= 63 else { return "is longer than 63 characters" }
        let allowed = text.allSatisfy { ($0.isASCII && ($0.isLowercase || $0.isNumber)) || "-*?".contains($0) }
        guard allowed else {
            return "\"\(text)\" is not a namespace name or pattern (lower-case letters, digits, '-', '*' and '?')"
        }
        return nil
    }

    static func readCredential(
        _ kind: String, _ node: YAMLNode, path: String, reader: inout ConfigReader
    ) -> CredentialConfig? {
        switch kind {
        case "servicePrincipal":
            let allowed = [
                "tenantID", "clientID", "clientSecretFile", "certificateFile", "legacyRS256", "sendCertificateChain",
            ]
            guard let fields = reader.mapping(node, path, allowed: allowed) else { return nil }
            let tenant = required(fields, "tenantID", in: node, path: path, reader: &reader)
            let client = required(fields, "clientID", in: node, path: path, reader: &reader)
            if let tenant, let tenantNode = fields["tenantID"], !isValidTenant(tenant) {
                reader.report(
                    tenantNode, "\(path).tenantID",
                    "must be a tenant GUID or domain (letters, digits, '-' and '.'), found \"\(tenant)\"")
            }
            let secret = fields["clientSecretFile"].flatMap { reader.nonEmptyString($0, "\(path).clientSecretFile") }
            let certificate = fields["certificateFile"].flatMap { reader.nonEmptyString($0, "\(path).certificateFile") }
            if (fields["clientSecretFile"] == nil) == (fields["certificateFile"] == nil) {
                reader.report(node, path, "needs exactly one of clientSecretFile or certificateFile")
            }
            let legacy = fields["legacyRS256"].flatMap { reader.bool($0, "\(path).legacyRS256") } ?? false
            let chain =
                fields["sendCertificateChain"].flatMap { reader.bool($0, "\(path).sendCertificateChain") } ?? false
            guard let tenant, let client, (secret == nil) != (certificate == nil) else { return nil }
            return .servicePrincipal(
                .init(
                    tenantID: tenant, clientID: client, clientSecretFile: secret,
                    certificateFile: certificate, legacyRS256: legacy, sendCertificateChain: chain))
        case "managedIdentity":
            guard let fields = reader.mapping(node, path, allowed: ["clientID", "objectID", "resourceID", "endpoint"])
            else { return nil }
            let selectors = ["clientID", "objectID", "resourceID"].filter { fields[$0] != nil }
            if selectors.count > 1 {
                reader.report(
                    node, path,
                    "takes at most one of clientID, objectID, resourceID (found \(selectors.joined(separator: ", ")))")
                return nil
            }
            var identity = CredentialConfig.ManagedIdentity()
            if let key = selectors.first, let valueNode = fields[key],
                let value = reader.nonEmptyString(valueNode, "\(path).\(key)")
            {
                identity.selector =
                    key == "clientID" ? .clientID(value) : key == "objectID" ? .objectID(value) : .resourceID(value)
            }
            if let endpointNode = fields["endpoint"], let endpoint = reader.string(endpointNode, "\(path).endpoint") {
                if let problem = HTTPSURL.problem(with: endpoint, allowHTTP: true) {
                    reader.report(endpointNode, "\(path).endpoint", problem)
                } else {
                    identity.endpoint = endpoint
                }
            }
            return .managedIdentity(identity)
        case "workloadIdentity":
            guard let fields = reader.mapping(node, path, allowed: ["tenantID", "clientID", "tokenFile"]) else {
                return nil
            }
            let tenant = required(fields, "tenantID", in: node, path: path, reader: &reader)
            let client = required(fields, "clientID", in: node, path: path, reader: &reader)
            let file = required(fields, "tokenFile", in: node, path: path, reader: &reader)
            guard let tenant, let client, let file else { return nil }
            return .workloadIdentity(.init(tenantID: tenant, clientID: client, tokenFile: file))
        case "environment":
            _ = reader.mapping(node, path, allowed: [])
            return .environment
        default:
            let allowed = ["username", "usernameFile", "passwordFile", "password2File"]
            guard let fields = reader.mapping(node, path, allowed: allowed) else { return nil }
            if (fields["username"] == nil) == (fields["usernameFile"] == nil) {
                reader.report(node, path, "needs exactly one of username or usernameFile")
            }
            var username = fields["username"].flatMap { reader.nonEmptyString($0, "\(path).username") }
            if let node = fields["username"], username?.contains(":") == true {
                // auth is base64(user:password), split at the first colon by every reader (the reconciler refuses
                // such a credential too, for one read from usernameFile).
                reader.report(
                    node, "\(path).username", "must not contain \":\" (a .dockerconfigjson auth is user:password)")
                username = nil
            }
            let usernameFile = fields["usernameFile"].flatMap { reader.nonEmptyString($0, "\(path).usernameFile") }
            let password = required(fields, "passwordFile", in: node, path: path, reader: &reader)
            let password2 = fields["password2File"].flatMap { reader.nonEmptyString($0, "\(path).password2File") }
            guard let password, (username == nil) != (usernameFile == nil) else { return nil }
            return .static(
                .init(username: username, usernameFile: usernameFile, passwordFile: password, password2File: password2))
        }
    }

    private static func required(
        _ fields: [String: YAMLNode], _ key: String, in node: YAMLNode, path: String, reader: inout ConfigReader
    ) -> String? {
        guard let value = fields[key] else {
            reader.report(node, "\(path).\(key)", "is required")
            return nil
        }
        return reader.nonEmptyString(value, "\(path).\(key)")
    }

    /// azidentity's rule: a GUID or a verified domain.
    static func isValidTenant(_ tenant: String) -> Bool {
        !tenant.isEmpty && tenant.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == ".") }
    }
}
