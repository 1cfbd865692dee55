import FuzzSupport
import PullKeeperConfig
import PullKeeperConfigLoader

/// libFuzzer harness for the operator config loader (YAML → validation → `OperatorConfig` or `ConfigError`), plus
/// the small validators it uses, fed the raw input as one string.
@main enum FuzzConfig {
    static func main() { FuzzHarness.run(fuzzConfig) }
}

@Sendable func fuzzConfig(_ bytes: [UInt8]) {
    let text = String(decoding: bytes, as: UTF8.self)
    do {
        let config = try ConfigLoader.parse(text, file: "fuzz.yaml")
        use(config)
    } catch {
        // Every problem renders as `file:line:column: path: message`.
        _ = error.lines
        _ = error.description
    }

    _ = LoginServer.problem(with: text)
    _ = LoginServer.hasAllowedSuffix(text, suffixes: ["azurecr.io", ".example.com"])
    _ = KubernetesName.labelProblem(text)
    _ = KubernetesName.subdomainProblem(text)
    _ = KubernetesName.labelKeyProblem(text)
    _ = KubernetesName.labelValueProblem(text)
    // A parsed duration formats to text that parses back to the same duration.
    if let duration = DurationText.parse(text) {
        let formatted = DurationText.format(duration)
        guard DurationText.parse(formatted) == duration else {
            fatalError("duration \(duration) formats as \"\(formatted)\", which does not parse back to it")
        }
    }
}

/// What the reconciler asks of a loaded config.
private func use(_ config: OperatorConfig) {
    _ = config.allowedSuffixes
    for identity in config.identities {
        _ = config.identity(named: identity.name)
        for registry in identity.registries ?? [] { _ = config.refusal(forRegistry: registry) }
        _ = identity.allows(registry: "contoso.azurecr.io")
        _ = identity.grants(namespace: "team-ci")
    }
    for entry in config.registries { _ = config.refusal(forRegistry: entry.loginServer) }
    if let selector = config.namespaceSelector {
        _ = selector.selector.matches(["pullkeeper.io/enabled": "true"])
        for registry in selector.registries { _ = config.refusal(forRegistry: registry) }
    }
}
