import Foundation

extension AzureSimulator {
    /// Registers a registry by login server (`contoso.azurecr.io`, `127.0.0.1:5000`); it is the `service` of the
    /// token service and the `aud` of its tokens. `allowsARMAudience` mirrors the authentication-as-arm policy.
    public func addRegistry(_ loginServer: String, allowsARMAudience: Bool = true) {
        state.withLock { state in
            let key = loginServer.lowercased()
            var registry = state.registries[key] ?? SimRegistry(loginServer: key, allowsARMAudience: allowsARMAudience)
            registry.allowsARMAudience = allowsARMAudience
            state.registries[key] = registry
        }
    }

    /// Gives a principal (app/client ID or object ID) a role on a registry, replacing any previous one.
    public func assignRole(_ role: AcrRole, principal: String, registry: String) throws {
        try withRegistry(registry) { _ in }
        state.withLock { $0.roles[principal.lowercased(), default: [:]][registry.lowercased()] = role }
    }

    /// Removes a principal's role on a registry.
    public func removeRole(principal: String, registry: String) {
        state.withLock { $0.roles[principal.lowercased()]?[registry.lowercased()] = nil }
    }

    /// Enables the admin account (full access) with its two passwords.
    public func enableAdmin(registry: String, username: String, password: String, password2: String) throws {
        try withRegistry(registry) {
            $0.admin = SimPasswordAccount(username: username, password: password, password2: password2)
        }
    }

    /// Disables the admin account.
    public func disableAdmin(registry: String) throws {
        try withRegistry(registry) { $0.admin = nil }
    }

    /// Replaces one admin password (like `az acr credential renew`); the other keeps working.
    public func rotateAdminPassword(registry: String, slot: PasswordSlot, newPassword: String) throws {
        try withRegistry(registry) { registry in
            guard registry.admin != nil else { return }
            switch slot {
            case .password: registry.admin?.password = newPassword
            case .password2: registry.admin?.password2 = newPassword
            }
        }
        guard try withRegistry(registry, { $0.admin != nil }) else {
            throw AzureSimulatorError.notRegistered("admin account of registry \(registry)")
        }
    }

    /// Adds a repository-scoped token (scope map) with up to two passwords.
    public func addRepositoryToken(
        registry: String, name: String, password: String?, password2: String? = nil,
        permissions: RepositoryPermissions
    ) throws {
        try withRegistry(registry) { registry in
            registry.tokens[name] = SimRepositoryToken(
                account: SimPasswordAccount(username: name, password: password, password2: password2),
                permissions: permissions)
        }
    }

    @discardableResult
    private func withRegistry<T>(_ loginServer: String, _ body: (inout SimRegistry) -> T) throws -> T {
        try state.withLock { state in
            let key = loginServer.lowercased()
            guard var registry = state.registries[key] else {
                throw AzureSimulatorError.notRegistered("registry \(loginServer)")
            }
            let result = body(&registry)
            state.registries[key] = registry
            return result
        }
    }
}
