import Foundation

/// Who a registry token request authenticated as, and what that principal may do.
enum RegistryPrincipal: Sendable {
    /// An Entra principal (through a refresh token or app ID + secret) and its role, if any.
    case entra(subject: String, appID: String, tenant: String?, role: AcrRole?)
    case admin(username: String)
    case repositoryToken(name: String, permissions: RepositoryPermissions)

    var subject: String {
        switch self {
        case .entra(let subject, _, _, _): subject
        case .admin(let username): username
        case .repositoryToken(let name, _): name
        }
    }

    /// Actions on one repository.
    func actions(repository: String) -> Set<String> {
        switch self {
        case .entra(_, _, _, let role): role?.actions ?? []
        case .admin: ["pull", "push", "delete"]
        case .repositoryToken(_, let permissions):
            (permissions[repository] ?? []).union(permissions["*"] ?? [])
        }
    }

    /// Whether `registry:catalog:*` is granted (Owner and the admin account).
    var mayListCatalog: Bool {
        switch self {
        case .entra(_, _, _, let role): role == .owner
        case .admin: true
        case .repositoryToken: false
        }
    }
}

/// One `type:name:actions` scope (protocols.md §3.4).
struct RegistryScope: Sendable, Hashable {
    var type: String
    var name: String
    var actions: [String]

    /// Parses a scope; the name may itself contain `:` (it is everything between the first and last colon).
    init?(_ text: String) {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
        guard parts.count >= 3, let first = parts.first, let last = parts.last, !first.isEmpty else { return nil }
        type = first
        name = parts[1..<(parts.count - 1)].joined(separator: ":")
        actions = last.split(separator: ",").map(String.init)
        guard !name.isEmpty, !actions.isEmpty else { return nil }
    }

    /// Every scope in repeated and space-separated `scope` values; malformed ones are skipped.
    static func all(in values: [String]) -> [RegistryScope] {
        values.flatMap { $0.split(separator: " ") }.compactMap { RegistryScope(String($0)) }
    }
}

extension RegistryPrincipal {
    /// The `access` claim: each requested scope reduced to what the principal may do; empty grants dropped.
    func grantedAccess(_ scopes: [RegistryScope]) -> [[String: Any]] {
        var merged: [(type: String, name: String, actions: [String])] = []
        for scope in scopes {
            let granted: [String]
            switch scope.type {
            case "repository", "artifact-repository":
                let allowed = actions(repository: scope.name)
                granted =
                    scope.actions.contains("*")
                    ? allowed.sorted() : scope.actions.filter { allowed.contains($0) }
            case "registry" where scope.name == "catalog":
                granted = mayListCatalog ? ["*"] : []
            default:
                granted = []
            }
            guard !granted.isEmpty else { continue }
            if let index = merged.firstIndex(where: { $0.type == scope.type && $0.name == scope.name }) {
                for action in granted where !merged[index].actions.contains(action) {
                    merged[index].actions.append(action)
                }
            } else {
                merged.append((scope.type, scope.name, granted))
            }
        }
        return merged.map { ["type": $0.type, "name": $0.name, "actions": $0.actions] }
    }
}
