import Synchronization

/// Bearer tokens and the users they stand for, plus rules bound to users or groups.
final class UserRegistry: Sendable {
    private struct State {
        var tokens: [String: String] = [:]
        var users: [String: SimulatorUser] = [:]
        var groupRules: [String: [PolicyRule]] = [:]
    }

    private let state = Mutex(State())

    /// The group whose members may do everything, as in a real cluster.
    static let mastersGroup = "system:masters"

    func add(_ user: SimulatorUser, token: String?) {
        state.withLock { state in
            state.users[user.name] = user
            if let token { state.tokens[token] = user.name }
        }
    }

    func grant(_ rules: [PolicyRule], toUser name: String) {
        state.withLock { state in
            state.users[name, default: SimulatorUser(name: name)].rules += rules
        }
    }

    func grant(_ rules: [PolicyRule], toGroup group: String) {
        state.withLock { $0.groupRules[group, default: []] += rules }
    }

    func revoke(token: String) {
        state.withLock { _ = $0.tokens.removeValue(forKey: token) }
    }

    /// The user a bearer token maps to.
    func user(forToken token: String) -> SimulatorUser? {
        state.withLock { state in state.tokens[token].flatMap { state.users[$0] } }
    }

    /// A client-certificate user: name and groups come from the certificate, rules from what was granted.
    func user(certificateName name: String, groups: [String]) -> SimulatorUser {
        state.withLock { state in
            var user = state.users[name] ?? SimulatorUser(name: name)
            user.groups = Array(Set(user.groups + groups)).sorted()
            return user
        }
    }

    func authorizes(_ user: SimulatorUser, _ request: RequestAttributes) -> Bool {
        if user.groups.contains(Self.mastersGroup) { return true }
        if user.rules.contains(where: { $0.allows(request) }) { return true }
        return state.withLock { state in
            (user.groups + ["system:authenticated"]).contains { group in
                (state.groupRules[group] ?? []).contains { $0.allows(request) }
            }
        }
    }
}
