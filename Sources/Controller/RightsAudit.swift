import AzureAuth
import Foundation
import Logging
import PullKeeperConfig
import PullKeeperCore
import ServiceLifecycle

/// What one identity's credential may do on one registry (PRODUCT.md §4 `audit`, §5
/// `pullkeeper_identity_excess_rights`).
public struct RightsFinding: Sendable {
    public var identity: String
    public var registry: String
    /// The granted actions, or why the registry could not be asked (a message without secret material).
    public var result: Result<GrantedRights, RightsAuditError>

    /// Actions beyond pull; nil when the audit failed.
    public var excess: [String]? {
        if case .success(let rights) = result { return rights.excess }
        return nil
    }
}

/// Why one identity × registry could not be audited.
public struct RightsAuditError: Error, Sendable, CustomStringConvertible {
    public var description: String
}

/// Asks each configured identity's registries what the identity's credential is granted. Every identity of the
/// config serves namespaces (its `namespaces` grant is required), so every one is audited, on every registry of
/// its `registries` list. Shares the token cache: an identity's refresh token obtained here serves its
/// namespaces, and theirs serves the audit.
public struct RightsAudit: Sendable {
    public let factory: CredentialFactory
    public let provider: TokenProvider
    /// Pairs asked at once.
    public var concurrency = 4

    public init(factory: CredentialFactory, provider: TokenProvider) {
        self.factory = factory
        self.provider = provider
    }

    /// Identity × registry pairs of the config, optionally narrowed to one identity and/or one registry, in config
    /// order.
    public func pairs(identity: String? = nil, registry: String? = nil) -> [(identity: String, registry: String)] {
        factory.config.identities
            .filter { identity == nil || $0.name == identity }
            .flatMap { config in
                config.registries
                    .filter { registry == nil || $0.lowercased() == registry?.lowercased() }
                    .map { (config.name, $0) }
            }
    }

    /// Audits every pair (at most `concurrency` at once); findings come back in the pairs' order.
    public func run(
        _ pairs: [(identity: String, registry: String)], repository: String = TokenProvider.auditRepository
    ) async -> [RightsFinding] {
        var findings = [RightsFinding?](repeating: nil, count: pairs.count)
        await withTaskGroup(of: (Int, RightsFinding).self) { group in
            var next = 0
            func addNext() {
                guard next < pairs.count else { return }
                let index = next
                next += 1
                group.addTask { (index, await self.audit(pairs[index], repository: repository)) }
            }
            for _ in 0..<max(1, concurrency) { addNext() }
            while let (index, finding) = await group.next() {
                findings[index] = finding
                addNext()
            }
        }
        return findings.compactMap { $0 }
    }

    func audit(_ pair: (identity: String, registry: String), repository: String) async -> RightsFinding {
        do {
            let identity = try factory.identity(named: pair.identity)
            let rights = try await provider.grantedRights(
                identity: identity, registry: factory.registry(pair.registry), repository: repository)
            return RightsFinding(identity: pair.identity, registry: pair.registry, result: .success(rights))
        } catch let error as AzureAuthError {
            return RightsFinding(
                identity: pair.identity, registry: pair.registry,
                result: .failure(RightsAuditError(description: error.description)))
        } catch {
            return RightsFinding(
                identity: pair.identity, registry: pair.registry,
                result: .failure(RightsAuditError(description: "unexpected \(type(of: error))")))
        }
    }
}

/// The controller's periodic audit: once per identity × registry shortly after start and then every `interval`
/// (not per namespace). An identity with more than pull is a warning in the log and
/// `pullkeeper_identity_excess_rights{identity,registry} 1`; a pair that could not be asked is tried again after
/// `retryAfter`.
public struct RightsAuditor: ServiceLifecycle.Service {
    /// When audits run.
    public struct Schedule: Sendable, Hashable {
        /// After start, before the first audit (the initial sync goes first).
        public var initialDelay: Duration
        public var interval: Duration
        /// After a round in which a pair could not be asked.
        public var retryAfter: Duration

        public init(
            initialDelay: Duration = .seconds(60), interval: Duration = .seconds(86_400),
            retryAfter: Duration = .seconds(3_600)
        ) {
            self.initialDelay = initialDelay
            self.interval = interval
            self.retryAfter = retryAfter
        }

        public static let daily = Schedule()
    }

    let audit: RightsAudit
    let schedule: Schedule
    let metrics: ControllerMetrics
    let logger: Logger
    let clock: RuntimeClock

    public init(
        audit: RightsAudit, schedule: Schedule, metrics: ControllerMetrics, logger: Logger, clock: RuntimeClock
    ) {
        self.audit = audit
        self.schedule = schedule
        self.metrics = metrics
        self.logger = logger
        self.clock = clock
    }

    public func run() async throws {
        await cancelWhenGracefulShutdown {
            var delay = schedule.initialDelay
            while true {
                do { try await clock.sleep(for: delay) } catch { return }
                let complete = await round()
                delay = complete ? schedule.interval : min(schedule.retryAfter, schedule.interval)
            }
        }
    }

    /// One audit of every pair; whether every pair could be asked.
    @discardableResult
    public func round() async -> Bool {
        let findings = await audit.run(audit.pairs())
        var complete = true
        for finding in findings {
            var logger = self.logger
            logger[metadataKey: "identity.name"] = "\(finding.identity)"
            logger[metadataKey: "registry.host"] = "\(finding.registry)"
            switch finding.result {
            case .success(let rights):
                metrics.identityExcessRights(
                    identity: finding.identity, registry: finding.registry, excess: !rights.excess.isEmpty)
                if rights.excess.isEmpty {
                    logger.info("rights audit: pull only", metadata: ["audit.actions": "\(rights.ordered)"])
                } else {
                    let message =
                        "rights audit: the identity's credential can \(rights.excess.joined(separator: " and ")) on "
                        + "this registry, more than a pull Secret needs; grant it AcrPull only (or use a "
                        + "repository-scoped token) so that a leaked Secret cannot change images"
                    logger.warning("\(message)", metadata: ["audit.actions": "\(rights.ordered)"])
                }
            case .failure(let error):
                complete = false
                logger.notice("rights audit: the registry could not be asked", metadata: ["error": "\(error)"])
            }
        }
        return complete
    }
}
