import PullKeeperConfig
import PullKeeperConfigLoader
import Testing

@Suite struct ConfigValidationTests {
    @Test func reportsEveryProblemAtOnce() {
        let text = """
            cloud: mars
            tokenAudience: graph
            refresh:
              fraction: 0
              jitter: 2
              resync: 1d
            identities:
              - name: a
            """
        do {
            _ = try ConfigLoader.parse(text, file: "c.yaml")
            Issue.record("accepted")
        } catch {
            #expect(
                error.lines.map { String($0.split(separator: ":", maxSplits: 3).prefix(3).joined(separator: ":")) } == [
                    "c.yaml:1:8", "c.yaml:2:16", "c.yaml:4:13", "c.yaml:5:11", "c.yaml:6:11", "c.yaml:8:5",
                ])
        }
    }

    @Test func emptyConfigGivesDefaults() throws {
        let config = try ConfigLoader.parse("")
        #expect(config == OperatorConfig())
        #expect(config.secretName == "acr-pull")
        #expect(config.serviceAccounts == ["default"])
    }

    @Test(arguments: [
        ("90s", 90_000), ("10m", 600_000), ("1h30m", 5_400_000), ("500ms", 500), ("1.5h", 5_400_000),
        ("2h0m5s", 7_205_000),
    ])
    func parsesDurations(text: String, milliseconds: Int64) {
        #expect(DurationText.parse(text) == .milliseconds(milliseconds))
    }

    @Test(arguments: ["", "10", "m", "10 m", "-5s", "0s", "1d", "10M", "1h 30m", "ten minutes", ".1ms", "0.4ms"])
    func rejectsBadDurations(text: String) {
        #expect(DurationText.parse(text) == nil)
    }

    @Test(arguments: [
        ("contoso.azurecr.io", true), ("a.azurecr.io", true), ("azurecr.io", false),
        ("contoso.azurecr.io.evil.com", false),
        ("contoso-azurecr.io", false), ("contoso.azurecr.io:443", false), ("evilazurecr.io", false),
        ("x.fabrikam.example", true),
    ])
    func suffixPolicyRefusesLookAlikes(server: String, allowed: Bool) {
        let config = OperatorConfig(registrySuffixes: ["fabrikam.example"])
        #expect((config.refusal(forRegistry: server) == nil) == allowed)
    }

    @Test(arguments: [
        "https://contoso.azurecr.io", "contoso.azurecr.io/path", "Contoso.azurecr.io", "contoso .azurecr.io",
        "cоntoso.azurecr.io", "contoso..azurecr.io", "-contoso.azurecr.io", "contoso.azurecr.io:0",
        "contoso.azurecr.io:x",
        "",
    ])
    func malformedLoginServers(server: String) {
        #expect(LoginServer.problem(with: server) != nil)
    }

    @Test func explicitRegistriesAreAllowedWhateverTheirSuffix() throws {
        let config = try ConfigLoader.parse(
            """
            registries:
              - loginServer: 127.0.0.1:5000
                authEndpoint: https://127.0.0.1:5443
            identities:
              - name: sim
                environment: {}
                namespaces: ["*"]
                registries: [127.0.0.1:5000]
            """)
        #expect(config.refusal(forRegistry: "127.0.0.1:5000") == nil)
        #expect(config.registryEntry(for: "127.0.0.1:5000")?.authEndpoint == "https://127.0.0.1:5443")
        #expect(config.refusal(forRegistry: "127.0.0.1:5001") != nil)
    }

    @Test func labelSelectorsMatchLikeKubernetes() {
        let selector = LabelSelector(
            matchLabels: ["team": "ci"],
            matchExpressions: [
                .init(key: "tier", operator: .in, values: ["a", "b"]), .init(key: "legacy", operator: .doesNotExist),
            ])
        #expect(selector.matches(["team": "ci", "tier": "a"]))
        #expect(!selector.matches(["team": "ci", "tier": "c"]))
        #expect(!selector.matches(["team": "ci", "tier": "a", "legacy": "yes"]))
        #expect(!selector.matches(["tier": "a"]))
        #expect(LabelSelector().matches([:]))
    }
}

@Suite struct TimeoutsConfigTests {
    @Test func timeoutsAreReadAndBelowThePassWaitWithoutWarning() throws {
        let loaded = try ConfigLoader.parseWithWarnings(
            "timeouts: {connect: 2s, entra: 9s, imds: 7s, registry: 6s, pending: 45s}\n", file: "c.yaml")
        #expect(
            loaded.config.timeouts
                == Timeouts(
                    connect: .seconds(2), entra: .seconds(9), imds: .seconds(7), registry: .seconds(6),
                    pending: .seconds(45)))
        #expect(loaded.warnings.isEmpty)
    }

    @Test func aTimeoutNotBelowThePassWaitIsAWarning() throws {
        let loaded = try ConfigLoader.parseWithWarnings("timeouts:\n  registry: 20s\n", file: "c.yaml")
        #expect(loaded.config.timeouts.registry == .seconds(20))
        #expect(
            loaded.warningLines == [
                "c.yaml:2:13: warning: timeouts.registry: 20s is not below the 10s a reconcile pass waits for a "
                    + "credential: a slow endpoint is reported only after a further pass"
            ])
    }
}

/// `events.routine` (issue "Scale"): the Normal Events of routine writes can be switched off.
@Suite struct EventsConfigTests {
    @Test(arguments: ["", "events:\n", "events: {}\n", "events:\n  routine: true\n"])
    func routineEventsAreOnByDefault(text: String) throws {
        #expect(try ConfigLoader.parse(text).events == EventPolicy(routine: true))
    }

    @Test(arguments: ["events:\n  routine: false\n", "events: {routine: false}\n"])
    func routineEventsCanBeSwitchedOff(text: String) throws {
        let loaded = try ConfigLoader.parseWithWarnings(text, file: "c.yaml")
        #expect(!loaded.config.events.routine)
        #expect(loaded.config == OperatorConfig(events: EventPolicy(routine: false)))
        #expect(loaded.warnings.isEmpty)
    }

    @Test(arguments: [
        ("events:\n  routine: sometimes\n", "c.yaml:2:12: events.routine: must be true or false, found \"sometimes\""),
        ("events:\n  routine: [false]\n", "c.yaml:2:12: events.routine: must be true or false, found a sequence"),
        ("events: {routin: false}\n", "c.yaml:1:10: events: unknown key \"routin\" (did you mean \"routine\"?)"),
        ("events: false\n", "c.yaml:1:9: events: must be a mapping, found a scalar"),
    ])
    func aWrongEventsSettingIsAnErrorWithItsPosition(text: String, expected: String) {
        do {
            _ = try ConfigLoader.parse(text, file: "c.yaml")
            Issue.record("accepted: \(text)")
        } catch {
            #expect(error.lines == [expected])
        }
    }
}
