import Foundation
import PullKeeperConfig
import PullKeeperCore

/// Which service accounts get the Secret.
public enum ServiceAccountSelection: Sendable, Hashable {
    case all
    case named([String])

    public func includes(_ name: String) -> Bool {
        switch self {
        case .all: true
        case .named(let names): names.contains(name)
        }
    }
}

/// What an opted-in namespace asks for, after its annotations and the config's defaults are combined.
public struct NamespaceRequest: Sendable, Hashable {
    public var registries: [String]
    public var identity: String
    public var serviceAccounts: ServiceAccountSelection
    public var secretName: String
    public var scope: String?
    /// Whether the namespace's service accounts get the Secret (`pods`: admission injects it, they stay untouched).
    public var attach: AttachMode
}

/// The outcome of reading a namespace's opt-in.
public enum OptIn: Sendable, Hashable {
    case notOptedIn
    /// Opted in, but the request cannot be served at all (bad annotation, unknown identity): warn, write nothing.
    case invalid([EventNote])
    /// Opted in, but the config does not grant what it asks for (an identity not granted to this namespace, a
    /// scope wider than the identity's actions): warn, and remove what an earlier grant produced.
    case refused([EventNote])
    /// Opted in; `refused` registries are left out with a warning each.
    case optedIn(NamespaceRequest, refused: [EventNote])
}

extension NamespaceRequest {
    /// Most registries one namespace may ask for; beyond that the annotation is refused, not truncated.
    public static let maximumRegistries = 32

    /// Reads the opt-in annotations (or the config's namespace selector) of a namespace.
    public static func read(_ namespace: ObservedNamespace, config: OperatorConfig) -> OptIn {
        if config.excludeNamespaces.contains(namespace.name) { return .notOptedIn }
        let annotations = namespace.annotations
        var registriesText = annotations[SecretLayout.registriesAnnotation]
        var selectorIdentity: String?
        if registriesText == nil, let selector = config.namespaceSelector, selector.selector.matches(namespace.labels) {
            registriesText = selector.registries.joined(separator: ",")
            selectorIdentity = selector.identity
        }
        guard let registriesText else { return .notOptedIn }

        var problems: [EventNote] = []
        func invalid(_ message: String) { problems.append(EventNote(.warning, "InvalidAnnotation", message)) }

        // Newlines too: a YAML block scalar (`|`) ends the annotation with one.
        let requested = registriesText.split(separator: ",").map {
            $0.trimmedWhitespace
        }.filter { !$0.isEmpty }
        if requested.isEmpty {
            invalid("\(SecretLayout.registriesAnnotation) names no registry")
        } else if requested.count > maximumRegistries {
            invalid(
                "\(SecretLayout.registriesAnnotation) names \(requested.count) registries; at most \(maximumRegistries) are allowed"
            )
        }

        let identityName =
            annotations[SecretLayout.identityAnnotation]?.trimmedWhitespace
            ?? selectorIdentity ?? config.defaultIdentity
        var identity: IdentityConfig?
        if let identityName, !identityName.isEmpty {
            identity = config.identity(named: identityName)
            if identity == nil { invalid("identity \"\(identityName)\" is not configured") }
        } else if annotations[SecretLayout.identityAnnotation] != nil {
            invalid(
                "\(SecretLayout.identityAnnotation) is empty: name an identity of the config, or remove the annotation "
                    + "to use the default")
        } else {
            invalid("no identity: set \(SecretLayout.identityAnnotation) or the config's defaultIdentity")
        }

        var selection =
            config.serviceAccounts.contains("*") ? ServiceAccountSelection.all : .named(config.serviceAccounts)
        if let text = annotations[SecretLayout.serviceAccountsAnnotation] {
            let names = text.split(separator: ",").map { $0.trimmedWhitespace }.filter {
                !$0.isEmpty
            }
            if names == ["*"] {
                selection = .all
            } else if let bad = names.first(where: { KubernetesName.subdomainProblem($0) != nil }) {
                invalid("\(SecretLayout.serviceAccountsAnnotation): \"\(bad)\" is not a service account name")
            } else {
                selection = .named(names)
            }
        }

        var secretName = config.secretName
        if let text = annotations[SecretLayout.secretNameAnnotation] {
            if let problem = KubernetesName.subdomainProblem(text) {
                invalid("\(SecretLayout.secretNameAnnotation) \(problem)")
            } else {
                secretName = text
            }
        }

        var attach = config.attach
        if let text = annotations[SecretLayout.attachAnnotation] {
            let trimmed = text.trimmedWhitespace
            if let mode = AttachMode(rawValue: trimmed) {
                attach = mode
            } else {
                invalid("\(SecretLayout.attachAnnotation) must be serviceAccounts, pods or both, found \"\(trimmed)\"")
            }
        }

        var scope: String?
        if let text = annotations[SecretLayout.scopeAnnotation], !text.allSatisfy(\.isWhitespace) {
            let scopes = text.split(whereSeparator: \.isWhitespace).map(String.init)
            if let bad = scopes.first(where: { !Self.isValidScope($0) }) {
                invalid("\(SecretLayout.scopeAnnotation): \"\(bad)\" is not a scope like repository:team-a/app:pull")
            } else {
                scope = scopes.joined(separator: " ")
            }
        }

        guard problems.isEmpty, let identity, let identityName else { return .invalid(problems) }

        // Tenancy (PRODUCT.md §3): the identity must be granted to this namespace's name, and a scope may ask only
        // for the actions the identity grants. Whoever set the annotations, nothing else is served.
        guard identity.grants(namespace: namespace.name) else {
            return .refused([
                EventNote(
                    .warning, "IdentityRefused",
                    "identity \(identityName) is not granted to namespace \(namespace.name); a cluster admin grants it in "
                        + "the pullkeeper config (identities[].namespaces)")
            ])
        }
        if let scope {
            for item in scope.split(separator: " ") {
                let actions = item.split(separator: ":").last.map { $0.split(separator: ",").map(String.init) } ?? []
                if let excess = actions.first(where: { !identity.allows(action: $0) }) {
                    let granted = identity.actions.sorted().joined(separator: ", ")
                    return .refused([
                        EventNote(
                            .warning, "ScopeRefused",
                            "\(SecretLayout.scopeAnnotation) \"\(item)\" asks for \(excess), which identity \(identityName) "
                                + "does not grant (it grants \(granted)); nothing is written")
                    ])
                }
            }
        }

        var refused: [EventNote] = []
        var registries: [String] = []
        for registry in requested where !registries.contains(registry) {
            if let refusal = config.refusal(forRegistry: registry) {
                refused.append(EventNote(.warning, "RegistryRefused", refusal))
            } else if !identity.allows(registry: registry) {
                refused.append(
                    EventNote(
                        .warning, "RegistryRefused",
                        "identity \(identityName) is not granted registry \(registry); a cluster admin grants it in the "
                            + "pullkeeper config (identities[].registries)"))
            } else {
                registries.append(registry)
            }
        }
        let request = NamespaceRequest(
            registries: registries, identity: identityName, serviceAccounts: selection, secretName: secretName,
            scope: scope, attach: attach)
        return .optedIn(request, refused: refused)
    }

    /// `<type>:<name>:<actions>` with a known type, a name without spaces and known actions.
    static func isValidScope(_ scope: String) -> Bool {
        let parts = scope.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 3 else { return false }
        let types: Set<Substring> = ["repository", "registry", "artifact-repository"]
        let actions: Set<Substring> = [
            "pull", "push", "delete", "*", "metadata_read", "metadata_write", "content_read",
        ]
        let name = parts[1]
        let nameOK =
            !name.isEmpty && name.allSatisfy { $0.isASCII && ($0.isLowercase || $0.isNumber || "-_./".contains($0)) }
        return types.contains(parts[0]) && nameOK && parts[2].split(separator: ",").allSatisfy { actions.contains($0) }
            && !parts[2].isEmpty
    }
}
