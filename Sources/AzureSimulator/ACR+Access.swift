import Foundation

/// Who a registry token request authenticated as, and what that principal may do.
enum RegistryPrincipal: Sendable {
    /// An Entra principal (through a refresh token or app ID + secret) and its role, if any.
    case entra(subject: String, appID: String, tenant: String?, role: AcrRole?)
    case admin(username: String)
    case repositoryToken(name: String, permissions: RepositoryPermissions)
    /// An ACR access token presented as the password: it grants exactly its own `access` claim, by `type:name`.
    case accessToken(subject: String, access: [String: Set<String>])

    var subject: String {
        switch self {
        case .entra(let subject, _, _, _): subject
        case .admin(let username): username
        case .repositoryToken(let name, _): name
        case .accessToken(let subject, _): subject
        }
    }

    /// The `access` claim of a registry access token, as actions by `type:name`.
    static func access(of jwt: SimJWT) -> [String: Set<String>] {
        var access: [String: Set<String>] = [:]
        for entry in jwt.claims["access"] as? [[String: Any]] ?? [] {
            guard let type = entry["type"] as? String, let name = entry["name"] as? String else { continue }
            access["\(type):\(name)", default: []].formUnion(entry["actions"] as? [String] ?? [])
        }
        return access
    }

    /// For an access token presented as the password: the first requested scope (as text) it does not wholly
    /// cover. ACR refuses such a request rather than granting less; other principals get the intersection.
    func firstScopeBeyondToken(_ scopes: [RegistryScope]) -> String? {
        guard case .accessToken(_, let access) = self else { return nil }
        for scope in scopes {
            let held = access["\(scope.type):\(scope.name)"] ?? []
            let covered = scope.actions.allSatisfy { $0 == "*" ? held.contains("*") : held.contains($0) }
            if !covered { return "\(scope.type):\(scope.name):\(scope.actions.joined(separator: ","))" }
        }
        return nil
    }

    /// Actions on one repository.
    func actions(repository: String) -> Set<String> {
        switch self {
        case .entra(_, _, _, let role): role?.actions ?? []
        case .admin: ["pull", "push", "delete"]
        case .repositoryToken(_, let permissions):
            (permissions[repository] ?? []).union(permissions["*"] ?? [])
        case .accessToken(_, let access):
            (access["repository:\(repository)"] ?? []).union(access["artifact-repository:\(repository)"] ?? [])
        }
    }

    /// Whether `registry:catalog:*` is granted (Owner and the admin account).
    var mayListCatalog: Bool {
        switch self {
        case .entra(_, _, _, let role): role == .owner
        case .admin: true
        case .repositoryToken: false
        case .accessToken(_, let access): access["registry:catalog"]?.contains("*") == true
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
