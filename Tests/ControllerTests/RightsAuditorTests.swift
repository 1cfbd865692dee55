import AzureSimulator
import Controller
import Foundation
import PullKeeperConfig
import PullKeeperCore
import PullKeeperTesting
import Testing

extension SimulatedTime {
    /// Issue 14 §3: the controller audits each identity × registry once after start (not per namespace) and each
    /// day, and says in `pullkeeper_identity_excess_rights` which credentials can do more than pull.
    @Suite("Rights audit in the controller: once per identity × registry, a metric, a daily round")
    struct RightsAuditorTests {
        @Test("AcrPull → 0, AcrPush and the admin account → 1, an unreachable pair has no value and is retried")
        func excessRightsMetric() async throws {
            try await FastWorld.run { world in
                let ready = world.sim.readyMade
                // sp-cert's principal can push too: what an AcrPush assignment added by hand looks like.
                try world.simulator.assignRole(.acrPush, principal: ready.spCertClientID, registry: world.registry)
                var config = world.config
                func identity(_ name: String, registries: [String]) throws -> IdentityConfig {
                    var identity = try #require(world.config.identity(named: name))
                    identity.registries = registries
                    return identity
                }
                config.identities = [
                    try identity("sp-secret", registries: [world.registry]),
                    try identity("sp-cert", registries: [world.registry]),
                    try identity("admin", registries: [world.registry]),
                    try identity("workload", registries: [world.deniedRegistry]),  // no role there
                ]
                // Namespaces served by the same identities: the audit adds one token request per pair, not per
                // namespace.
                let namespaces = (1...12).map { "team-\($0)" }
                for namespace in namespaces { try await world.cluster.optIn(namespace) }
                let schedule = RightsAuditor.Schedule(
                    initialDelay: .seconds(60), interval: .seconds(86_400), retryAfter: .seconds(3_600))
                let runtime = try world.runtime(config: config, rightsAudit: schedule)
                let task = world.start(runtime)
                await world.settle(runtime)
                #expect(!runtime.metrics.render().contains("pullkeeper_identity_excess_rights"), "not before 60 s")
                let tokensBefore = world.simulator.requestCount(.token)

                func value(_ identity: String) -> String? {
                    let prefix =
                        "pullkeeper_identity_excess_rights{identity=\"\(identity)\",registry=\"\(world.registry)\"} "
                    return runtime.metrics.render().split(separator: "\n").first { $0.hasPrefix(prefix) }
                        .flatMap { Double($0.dropFirst(prefix.count)) }.map { $0 == 0 ? "0" : "1" }
                }
                #expect(
                    await world.advance(runtime, limit: .seconds(61)) {
                        value("sp-secret") != nil && value("sp-cert") != nil && value("admin") != nil
                    })
                await world.settle(runtime)
                #expect(value("sp-secret") == "0")
                #expect(value("sp-cert") == "1")
                #expect(value("admin") == "1")
                #expect(
                    !runtime.metrics.render().contains("pullkeeper_identity_excess_rights{identity=\"workload\""),
                    "not asked: no value")
                // Token-endpoint requests of the round: the audit's own per pair (sp-secret, sp-cert, admin; the
                // workload pair fails at the exchange) and the admin login's first probe, at most two per pair:
                // nothing scales with the twelve namespaces.
                let perRound = world.simulator.requestCount(.token) - tokensBefore
                #expect(perRound >= 3 && perRound <= 2 * config.identities.count && perRound < namespaces.count)

                // The failed pair makes the next round come after an hour, not a day.
                #expect(
                    await world.advance(runtime, limit: .seconds(3_601)) {
                        world.simulator.requestCount(.token) >= tokensBefore + 2 * perRound
                    })
                // The role is withdrawn: the next round reports 0.
                world.simulator.removeRole(principal: ready.spCertClientID, registry: world.registry)
                try world.simulator.assignRole(.acrPull, principal: ready.spCertClientID, registry: world.registry)
                #expect(await world.advance(runtime, limit: .seconds(3_601)) { value("sp-cert") == "0" })
                try await world.stop(runtime, task)
            }
        }
    }
}
