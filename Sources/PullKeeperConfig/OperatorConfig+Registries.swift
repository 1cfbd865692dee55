extension OperatorConfig {
    /// Suffixes a login server may end in: the cloud's own plus `registrySuffixes`.
    public var allowedSuffixes: [String] {
        (cloud.registrySuffix.map { [$0] } ?? []) + registrySuffixes
    }

    /// The explicit registry entry for a login server, if one is configured.
    public func registryEntry(for loginServer: String) -> RegistryEntry? {
        registries.first { $0.loginServer == loginServer }
    }

    /// Why pullkeeper refuses to serve this login server at all, or nil when it may.
    public func refusal(forRegistry loginServer: String) -> String? {
        if registryEntry(for: loginServer) != nil { return nil }
        if let problem = LoginServer.problem(with: loginServer) { return "registry \(problem)" }
        if LoginServer.hasAllowedSuffix(loginServer, suffixes: allowedSuffixes) { return nil }
        let list = allowedSuffixes.map { "*.\($0)" }.joined(separator: ", ")
        return "registry \"\(loginServer)\" is not an allowed login server (allowed: \(list.isEmpty ? "none" : list), "
            + "or an entry of the config's registries)"
    }
}

extension IdentityConfig {
    /// Whether this identity may serve the registry (its explicit list, case-insensitively).
    public func allows(registry loginServer: String) -> Bool {
        registries.contains { $0.lowercased() == loginServer.lowercased() }
    }

    /// Whether the namespace of this name may use the identity: one of its names or patterns matches.
    public func grants(namespace name: String) -> Bool {
        namespaces.contains { $0.matches(name) }
    }

    /// Whether a scope may ask for this action through the identity.
    public func allows(action: String) -> Bool {
        actions.contains("*") || actions.contains(action)
    }

    /// Whether it is a username and password used as they are (an admin account can push and delete).
    public var isStatic: Bool {
        if case .static = credential { return true }
        return false
    }
}
