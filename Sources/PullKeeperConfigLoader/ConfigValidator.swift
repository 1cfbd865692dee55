import PullKeeperConfig
import YAML

/// The schema of the operator config: every key, its type and its cross-field rules.
enum ConfigValidator {
    static let topLevelKeys = [
        "cloud", "authorityHost", "registrySuffixes", "registries", "caFile", "tokenAudience", "defaultIdentity",
        "secretName", "serviceAccounts", "excludeNamespaces", "namespaceSelector", "attach", "repairPods",
        "repairPodsPerMinute", "refresh", "selfCheck", "timeouts", "events", "identities",
    ]

    static func read(_ root: YAMLNode, reader: inout ConfigReader) -> OperatorConfig {
        var config = OperatorConfig()
        guard let fields = reader.mapping(root, "", allowed: topLevelKeys) else { return config }

        if let node = fields["cloud"], let text = reader.string(node, "cloud") {
            if let cloud = Cloud(rawValue: text) {
                config.cloud = cloud
            } else {
                reader.report(node, "cloud", "must be one of public, china, usgov, custom, found \"\(text)\"")
            }
        }
        if let node = fields["authorityHost"], let text = reader.string(node, "authorityHost"), !text.isEmpty {
            if let problem = HTTPSURL.problem(with: text) {
                reader.report(node, "authorityHost", problem)
            } else {
                config.authorityHost = text
            }
        }
        if config.cloud == .custom && config.authorityHost == nil {
            reader.report(fields["cloud"], "authorityHost", "is required when cloud is custom")
        }
        if let node = fields["registrySuffixes"], let items = reader.stringList(node, "registrySuffixes") {
            for (index, (suffix, item)) in items.enumerated() {
                let bare = suffix.hasPrefix(".") ? String(suffix.dropFirst()) : suffix
                if let problem = LoginServer.problem(with: bare), !bare.isEmpty {
                    reader.report(item, "registrySuffixes[\(index)]", "suffix \(problem)")
                } else if !bare.contains(".") {
                    reader.report(
                        item, "registrySuffixes[\(index)]", "suffix \"\(suffix)\" must have at least two labels")
                } else {
                    config.registrySuffixes.append(bare)
                }
            }
        }
        if let node = fields["registries"] { config.registries = readRegistries(node, reader: &reader) }
        if let node = fields["caFile"], let text = reader.nonEmptyString(node, "caFile") { config.caFile = text }
        if let node = fields["tokenAudience"], let text = reader.string(node, "tokenAudience") {
            if let audience = TokenAudience(rawValue: text) {
                config.tokenAudience = audience
            } else {
                reader.report(node, "tokenAudience", "must be acr or arm, found \"\(text)\"")
            }
        }
        if let node = fields["secretName"], let text = reader.string(node, "secretName") {
            if let problem = KubernetesName.subdomainProblem(text) {
                reader.report(node, "secretName", problem)
            } else {
                config.secretName = text
            }
        }
        if let node = fields["serviceAccounts"], let items = reader.stringList(node, "serviceAccounts") {
            config.serviceAccounts = []
            for (index, (name, item)) in items.enumerated() {
                if name != "*", let problem = KubernetesName.subdomainProblem(name) {
                    reader.report(item, "serviceAccounts[\(index)]", problem)
                } else {
                    config.serviceAccounts.append(name)
                }
            }
        }
        if let node = fields["excludeNamespaces"], let items = reader.stringList(node, "excludeNamespaces") {
            config.excludeNamespaces = []
            for (index, (name, item)) in items.enumerated() {
                if let problem = KubernetesName.labelProblem(name) {
                    reader.report(item, "excludeNamespaces[\(index)]", problem)
                } else {
                    config.excludeNamespaces.append(name)
                }
            }
        }
        if let node = fields["attach"], let text = reader.string(node, "attach") {
            if let mode = AttachMode(rawValue: text) {
                config.attach = mode
            } else {
                reader.report(node, "attach", "must be serviceAccounts, pods or both, found \"\(text)\"")
            }
        }
        if let node = fields["repairPods"], let value = reader.bool(node, "repairPods") { config.repairPods = value }
        if let node = fields["repairPodsPerMinute"], let value = reader.double(node, "repairPodsPerMinute") {
            if value >= 1 && value <= 1000 && value == value.rounded() {
                config.repairPodsPerMinute = Int(value)
            } else {
                reader.report(
                    node, "repairPodsPerMinute", "must be a whole number from 1 to 1000, found \(Self.text(node))")
            }
        }
        if let node = fields["refresh"] { config.refresh = readRefresh(node, reader: &reader) }
        if let node = fields["selfCheck"], let value = reader.bool(node, "selfCheck") { config.selfCheck = value }
        if let node = fields["timeouts"] { config.timeouts = readTimeouts(node, reader: &reader) }
        if let node = fields["events"] { config.events = readEvents(node, reader: &reader) }
        if let node = fields["identities"] {
            config.identities = IdentityValidator.readAll(node, config: config, reader: &reader)
        }
        if let node = fields["namespaceSelector"] {
            config.namespaceSelector = readNamespaceSelector(node, reader: &reader)
        }
        if let node = fields["defaultIdentity"], let name = reader.nonEmptyString(node, "defaultIdentity") {
            if config.identity(named: name) == nil {
                let known = config.identities.map(\.name).joined(separator: ", ")
                reader.report(
                    node, "defaultIdentity",
                    "names no configured identity: \"\(name)\" (known: \(known.isEmpty ? "none" : known))")
            }
            config.defaultIdentity = name
        }
        checkRegistryReferences(config, fields: fields, reader: &reader)
        return config
    }

    static func readRegistries(_ node: YAMLNode, reader: inout ConfigReader) -> [RegistryEntry] {
        guard let items = node.sequence else {
            if node.scalar?.isNull != true {
                reader.report(node, "registries", "must be a list, found \(node.kindDescription)")
            }
            return []
        }
        var entries: [RegistryEntry] = []
        for (index, item) in items.enumerated() {
            let path = "registries[\(index)]"
            guard let fields = reader.mapping(item, path, allowed: ["loginServer", "authEndpoint", "caFile"]) else {
                continue
            }
            guard let serverNode = fields["loginServer"] else {
                reader.report(item, "\(path).loginServer", "is required")
                continue
            }
            guard let server = reader.string(serverNode, "\(path).loginServer") else { continue }
            if let problem = LoginServer.problem(with: server) {
                reader.report(serverNode, "\(path).loginServer", "login server \(problem)")
                continue
            }
            if entries.contains(where: { $0.loginServer == server }) {
                reader.report(serverNode, "\(path).loginServer", "duplicate registry \"\(server)\"")
            }
            var entry = RegistryEntry(loginServer: server)
            if let endpoint = fields["authEndpoint"], let text = reader.string(endpoint, "\(path).authEndpoint") {
                if let problem = HTTPSURL.problem(with: text) {
                    reader.report(endpoint, "\(path).authEndpoint", problem)
                } else {
                    entry.authEndpoint = text
                }
            }
            if let ca = fields["caFile"], let text = reader.nonEmptyString(ca, "\(path).caFile") { entry.caFile = text }
            entries.append(entry)
        }
        return entries
    }

    static func readRefresh(_ node: YAMLNode, reader: inout ConfigReader) -> RefreshPolicy {
        var policy = RefreshPolicy()
        guard let fields = reader.mapping(node, "refresh", allowed: ["fraction", "jitter", "resync"]) else {
            return policy
        }
        if let node = fields["fraction"], let value = reader.double(node, "refresh.fraction") {
            if value > 0 && value < 1 {
                policy.fraction = value
            } else {
                reader.report(
                    node, "refresh.fraction", "must be between 0 and 1 (exclusive), found \(node.scalar?.value ?? "")")
            }
        }
        if let node = fields["jitter"], let value = reader.double(node, "refresh.jitter") {
            if value >= 0 && value < 1 {
                policy.jitter = value
            } else {
                reader.report(
                    node, "refresh.jitter", "must be at least 0 and below 1, found \(node.scalar?.value ?? "")")
            }
        }
        if let node = fields["resync"], let text = reader.string(node, "refresh.resync") {
            if let duration = DurationText.parse(text) {
                if duration < .seconds(10) {
                    reader.report(node, "refresh.resync", "must be at least 10s, found \"\(text)\"")
                } else {
                    policy.resync = duration
                }
            } else {
                reader.report(node, "refresh.resync", "invalid duration \"\(text)\" (write e.g. 90s, 10m, 1h30m)")
            }
        }
        return policy
    }

    static func readTimeouts(_ node: YAMLNode, reader: inout ConfigReader) -> Timeouts {
        var timeouts = Timeouts()
        let keys: [(String, WritableKeyPath<Timeouts, Duration>)] = [
            ("connect", \.connect), ("entra", \.entra), ("imds", \.imds), ("registry", \.registry),
            ("pending", \.pending),
        ]
        guard let fields = reader.mapping(node, "timeouts", allowed: keys.map(\.0)) else { return timeouts }
        for (key, path) in keys {
            guard let node = fields[key], let text = reader.string(node, "timeouts.\(key)") else { continue }
            guard let duration = DurationText.parse(text) else {
                reader.report(node, "timeouts.\(key)", "invalid duration \"\(text)\" (write e.g. 5s, 30s, 1m)")
                continue
            }
            if duration < .seconds(1) || duration > Timeouts.maximum {
                reader.report(node, "timeouts.\(key)", "must be between 1s and 60s, found \"\(text)\"")
                continue
            }
            timeouts[keyPath: path] = duration
            if ["entra", "imds", "registry"].contains(key), duration >= Timeouts.passWait {
                reader.warn(
                    node, "timeouts.\(key)",
                    "\(text) is not below the \(Int(Timeouts.passWait.components.seconds))s a reconcile pass waits "
                        + "for a credential: a slow endpoint is reported only after a further pass")
            }
        }
        return timeouts
    }

    static func readEvents(_ node: YAMLNode, reader: inout ConfigReader) -> EventPolicy {
        var events = EventPolicy()
        guard let fields = reader.mapping(node, "events", allowed: ["routine"]) else { return events }
        if let node = fields["routine"], let value = reader.bool(node, "events.routine") { events.routine = value }
        return events
    }

    static func readNamespaceSelector(_ node: YAMLNode, reader: inout ConfigReader) -> NamespaceSelector? {
        let path = "namespaceSelector"
        let allowed = ["matchLabels", "matchExpressions", "registries", "identity"]
        guard let fields = reader.mapping(node, path, allowed: allowed) else { return nil }
        let selector = LabelSelectorReader.read(fields, path: path, reader: &reader)
        if selector.matchLabels.isEmpty && selector.matchExpressions.isEmpty {
            reader.report(
                node, path, "needs matchLabels or matchExpressions (an empty selector would opt in every namespace)")
        }
        var registries: [String] = []
        if let list = fields["registries"], let items = reader.stringList(list, "\(path).registries") {
            registries = items.map(\.0)
            if registries.isEmpty { reader.report(list, "\(path).registries", "must name at least one registry") }
        } else if fields["registries"] == nil {
            reader.report(node, "\(path).registries", "is required")
        }
        var identity: String?
        if let node = fields["identity"] { identity = reader.nonEmptyString(node, "\(path).identity") }
        return NamespaceSelector(selector: selector, registries: registries, identity: identity)
    }

    /// Registries named by the namespace selector must be servable, and its identity must exist.
    static func checkRegistryReferences(
        _ config: OperatorConfig, fields: [String: YAMLNode], reader: inout ConfigReader
    ) {
        if let selector = config.namespaceSelector, let node = fields["namespaceSelector"] {
            let listNode = node["registries"]
            for (index, registry) in selector.registries.enumerated() {
                if let refusal = config.refusal(forRegistry: registry) {
                    reader.report(
                        listNode?.sequence?[safe: index] ?? node, "namespaceSelector.registries[\(index)]", refusal)
                }
            }
            if let name = selector.identity, config.identity(named: name) == nil {
                reader.report(
                    node["identity"], "namespaceSelector.identity", "names no configured identity: \"\(name)\"")
            }
        }
    }

    static func text(_ node: YAMLNode) -> String { node.scalar.map { "\"\($0.value)\"" } ?? node.kindDescription }
}

extension Array {
    subscript(safe index: Int) -> Element? { indices.contains(index) ? self[index] : nil }
}
