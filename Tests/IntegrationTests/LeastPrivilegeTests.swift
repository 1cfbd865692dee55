import Foundation
import KubernetesModel
import KubernetesSimulator
import PullKeeperCommands
import PullKeeperCore
import Reconciler
import Testing
import YAML

extension Integration {
    /// The RBAC in `deploy/` is enough for the controller, and every rule in it is needed (issue 6, issue 9 §6).
    @Suite("Least privilege: the controller with exactly deploy/'s RBAC", .serialized)
    struct LeastPrivilegeTests {
        static let user = "system:serviceaccount:pullkeeper:pullkeeper"
        static let token = "operator-token"

        static var repository: URL {
            URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
                .deletingLastPathComponent()
        }

        /// The ClusterRole's rules (cluster-wide) and the Role's (in the operator's namespace), read from deploy/.
        static func deployRules() throws -> (cluster: [SimulatorRule], lease: [SimulatorRule]) {
            func load<R: Decodable>(_ type: R.Type, _ file: String) throws -> R {
                try YAMLDecoder().decode(
                    type, from: String(contentsOf: repository.appendingPathComponent("deploy/\(file)"), encoding: .utf8)
                )
            }
            let clusterRole = try load(ClusterRole.self, "clusterrole.yaml")
            let role = try load(Role.self, "role.yaml")
            func convert(_ rule: KubernetesModel.PolicyRule, namespaces: [String]?) -> SimulatorRule {
                .init(
                    apiGroups: rule.apiGroups ?? [], resources: rule.resources ?? [], verbs: rule.verbs,
                    resourceNames: rule.resourceNames ?? [], namespaces: namespaces)
            }
            let namespace = try #require(role.metadata.namespace)
            return (
                (clusterRole.rules ?? []).map { convert($0, namespaces: nil) },
                (role.rules ?? []).map { convert($0, namespaces: [namespace]) }
            )
        }

        struct Outcome {
            var converged: Bool
            var forbidden: [AuditRecord]
            var writesOutsideOptedIn: [AuditRecord]
        }

        /// The controller's integration scenario as the operator's service account bound to `rules`: a namespace
        /// opts in (Secret, entries on two service accounts, Events), another opts out again.
        static func exercise(rules: [SimulatorRule], patience: Duration) async throws -> Outcome {
            var outcome = Outcome(converged: false, forbidden: [], writesOutsideOptedIn: [])
            try await World.run { world in
                try await world.namespace("pullkeeper")
                world.kube.addUser(name: user, token: token, rules: rules)
                try await world.optIn("lp-in", extra: [SecretLayout.serviceAccountsAnnotation: "*"])
                var builder = ServiceAccount(metadata: ObjectMeta(name: "builder", namespace: "lp-in"))
                builder.imagePullSecrets = [LocalObjectReference(name: "foreign")]
                _ = try await world.admin.create(builder)
                try await world.optIn("lp-out")
                try await world.namespace("bystander")
                let runtime = try world.runtime(
                    token: token,
                    leaderElection: .init(
                        namespace: "pullkeeper", identity: "operator", timing: LeaderElectionTests.timing)
                )
                let task = world.start(runtime)
                var converged = await eventually(timeout: patience) {
                    let builder = await world.pullSecretNames("lp-in", "builder")
                    let account = await world.pullSecretNames("lp-in")
                    let secret = await world.secret("lp-out")
                    let reasons = await world.eventReasons("lp-in")
                    return builder == ["foreign", "acr-pull"] && account == ["acr-pull"] && secret != nil
                        && reasons.contains("SecretCreated")
                }
                if converged {
                    _ = try await world.admin.patch(
                        Namespace.self, name: "lp-out", namespace: nil,
                        patch: .merge(["metadata": ["annotations": [SecretLayout.registriesAnnotation: .null]]]))
                    converged = await eventually(timeout: patience) {
                        let secret = await world.secret("lp-out")
                        let names = await world.pullSecretNames("lp-out")
                        return secret == nil && names.isEmpty
                    }
                }
                try await world.stop(runtime, task)
                let mine = world.kube.auditLog().filter { $0.user == user }
                outcome = Outcome(
                    converged: converged, forbidden: mine.filter { $0.code == 403 },
                    writesOutsideOptedIn: mine.filter { record in
                        ["create", "update", "patch", "delete"].contains(record.verb)
                            && ["secrets", "serviceaccounts"].contains(record.resource)
                            && !["lp-in", "lp-out"].contains(record.namespace ?? "")
                    })
            }
            return outcome
        }

        @Test("deploy/'s ClusterRole and Role are enough: the scenario converges with no 403 and no stray write")
        func deployRulesAreEnough() async throws {
            let rules = try Self.deployRules()
            let outcome = try await Self.exercise(rules: rules.cluster + rules.lease, patience: .seconds(30))
            #expect(outcome.converged)
            #expect(outcome.forbidden.isEmpty, "\(outcome.forbidden)")
            #expect(outcome.writesOutsideOptedIn.isEmpty, "\(outcome.writesOutsideOptedIn)")
        }

        @Test("removing any one rule breaks something (a refused call, and the scenario does not complete)")
        func everyRuleIsNeeded() async throws {
            let rules = try Self.deployRules()
            let all = rules.cluster + rules.lease
            #expect(all.count >= 6)
            let outcomes = try await withThrowingTaskGroup(of: (Int, Outcome).self) { group in
                for index in all.indices {
                    var reduced = all
                    reduced.remove(at: index)
                    group.addTask { (index, try await Self.exercise(rules: reduced, patience: .seconds(8))) }
                }
                var outcomes: [Int: Outcome] = [:]
                for try await (index, outcome) in group { outcomes[index] = outcome }
                return outcomes
            }
            for (index, rule) in all.enumerated() {
                let outcome = try #require(outcomes[index])
                #expect(
                    !outcome.forbidden.isEmpty && !outcome.converged,
                    "without \(rule.apiGroups) \(rule.resources) \(rule.verbs) the scenario still worked")
            }
        }
    }
}
