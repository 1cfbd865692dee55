import SimulatorPKI

/// Users, RBAC, faults, counters and the audit log.
extension KubernetesSimulator {
    /// Adds a user reachable with `token` (if given), with its groups and RBAC rules.
    public func addUser(name: String, token: String? = nil, groups: [String] = [], rules: [PolicyRule] = []) {
        core.users.add(SimulatorUser(name: name, groups: groups, rules: rules), token: token)
    }

    /// Binds more rules to a user (a RoleBinding / ClusterRoleBinding with the user as subject).
    public func grant(_ rules: [PolicyRule], toUser name: String) {
        core.users.grant(rules, toUser: name)
    }

    /// Binds rules to every member of a group (`system:authenticated` covers every user).
    public func grant(_ rules: [PolicyRule], toGroup group: String) {
        core.users.grant(rules, toGroup: group)
    }

    /// Makes a bearer token unknown (its requests get 401).
    public func revoke(token: String) {
        core.users.revoke(token: token)
    }

    /// Issues a client certificate that authenticates as `user` in `groups` (CN and O, as the API server reads them).
    public func issueClientCertificate(user: String, groups: [String] = []) throws -> IssuedCertificate {
        try pki.issue(commonName: user, organizations: groups, dnsNames: [], ipAddresses: [], usage: .client)
    }

    /// Replaces the fault rules (and reseeds the random numbers when `seed` is given).
    public func setFaults(_ rules: [FaultRule], seed: UInt64? = nil) {
        core.faults.set(rules, seed: seed)
    }

    /// Adds one fault rule.
    public func addFault(_ rule: FaultRule) {
        core.faults.add(rule)
    }

    /// Removes every fault rule.
    public func clearFaults() {
        core.faults.set([], seed: nil)
    }

    /// Requests handled so far, by verb, resource and HTTP code.
    /// The store's global revision (it moves with every change).
    public var revision: Int { core.store.revision }

    public func requestCounts() -> [RequestCountKey: Int] {
        core.log.counts
    }

    /// Requests with this verb on this resource (plural) answered with `code`; any code when nil.
    public func requestCount(verb: String, resource: String, code: Int? = nil) -> Int {
        core.log.counts.filter {
            $0.key.verb == verb && $0.key.resource == resource && (code == nil || $0.key.code == code)
        }
        .values.reduce(0, +)
    }

    /// Every request handled so far (bounded by `Configuration.auditLimit`), oldest first.
    public func auditLog() -> [AuditRecord] {
        core.log.audit
    }

    /// When the first successful write (create, update, patch, delete) of `resource` (plural) in each namespace was
    /// handled since the last reset, by namespace.
    public func firstWrites(resource: String) -> [String: ContinuousClock.Instant] {
        var times: [String: ContinuousClock.Instant] = [:]
        for (key, time) in core.log.firstWrites {
            guard let space = key.firstIndex(of: " "), key[..<space] == resource else { continue }
            times[String(key[key.index(after: space)...])] = time
        }
        return times
    }

    /// Clears counters and the audit log.
    public func resetRequestLog() {
        core.log.reset()
    }
}
