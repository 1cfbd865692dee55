import KubernetesModel
import Manifests
import Testing

/// Issue 6, item 3: least privilege, no `*` anywhere, leases only in the operator's namespace.
@Suite struct RBACTests {
    @Test func clusterRoleGrantsExactlyTheControllersCalls() throws {
        let role = Manifests.operatorClusterRole(.defaults())
        #expect(
            role.rules == [
                PolicyRule(apiGroups: [""], resources: ["namespaces"], verbs: ["get", "list", "watch"]),
                PolicyRule(
                    apiGroups: [""], resources: ["secrets"],
                    verbs: ["get", "list", "watch", "create", "update", "patch", "delete"]),
                PolicyRule(apiGroups: [""], resources: ["serviceaccounts"], verbs: ["get", "list", "watch", "patch"]),
                PolicyRule(apiGroups: ["events.k8s.io", ""], resources: ["events"], verbs: ["create", "patch"]),
            ])
        #expect(role.metadata.namespace == nil)
    }

    /// Issue 15 §3: pods list/watch and pods/eviction create only with `--repair-pods`, which also turns repair on in
    /// the default config; never `delete` on pods (evictions keep PodDisruptionBudgets in force).
    @Test func podRepairRulesOnlyWithTheFlag() throws {
        let plain = Manifests.operatorClusterRole(.defaults()).rules ?? []
        #expect(!plain.contains { ($0.resources ?? []).contains { $0.hasPrefix("pods") } })
        #expect(!(try Manifests.defaultConfigText(.defaults())).contains("repairPods"))
        var options = ManifestOptions.defaults()
        options.repairPods = true
        let rules = Manifests.operatorClusterRole(options).rules ?? []
        #expect(
            Array(rules.dropFirst(plain.count)) == [
                PolicyRule(apiGroups: [""], resources: ["pods"], verbs: ["list", "watch"]),
                PolicyRule(apiGroups: [""], resources: ["pods/eviction"], verbs: ["create"]),
            ])
        #expect(Array(rules.prefix(plain.count)) == plain)
        #expect(try Manifests.defaultConfigText(options).contains("serviceAccounts:\n- default\nrepairPods: true\n"))
    }

    @Test func leasesOnlyInTheOperatorsNamespace() throws {
        var options = ManifestOptions.defaults()
        options.namespace = "platform-pull"
        let role = Manifests.leaderElectionRole(options)
        #expect(role.metadata.namespace == "platform-pull")
        #expect(
            role.rules == [
                PolicyRule(apiGroups: ["coordination.k8s.io"], resources: ["leases"], verbs: ["create"]),
                PolicyRule(
                    apiGroups: ["coordination.k8s.io"], resources: ["leases"], resourceNames: ["pullkeeper-leader"],
                    verbs: ["get", "update", "watch"]),
            ])
        let binding = Manifests.leaderElectionRoleBinding(options)
        #expect(binding.metadata.namespace == "platform-pull")
        #expect(
            binding.roleRef == RoleRef(apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: role.metadata.name!))
        #expect(binding.subjects == [Subject(kind: "ServiceAccount", name: "pullkeeper", namespace: "platform-pull")])
        let clusterBinding = Manifests.operatorClusterRoleBinding(options)
        #expect(clusterBinding.subjects == binding.subjects)
        #expect(clusterBinding.roleRef.kind == "ClusterRole")
    }

    @Test func noRuleMentionsLeasesClusterWide() {
        let resources = Manifests.operatorRules.flatMap { $0.resources ?? [] }
        #expect(!resources.contains("leases"))
        #expect(!resources.contains("serviceaccounts/token"))
    }

    @Test(arguments: IdentityMode.allCases)
    func noWildcardInAnyRenderedFile(_ mode: IdentityMode) throws {
        for file in try Manifests.render(.defaults(mode)) {
            let wildcards = file.document.allScalars.filter { $0.contains("*") }
            #expect(wildcards.isEmpty, "\(file.name) contains \(wildcards)")
        }
    }
}
