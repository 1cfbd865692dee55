import Foundation
import KubernetesModel
import Manifests
import PullKeeperCommands
import PullKeeperConfig
import PullKeeperConfigLoader
import Testing
import YAML

/// Issue 14 §2 and issue 15 §2: the admission policies, what the render flags and the config change in them.
/// What their CEL does is checked by evaluating it (scripts/manifests/cel_policies.py) and on a real API server
/// (scripts/e2e-admission); here: which objects are rendered, and with which inputs.
@Suite struct AdmissionPolicyTests {
    static let validatingFiles = [
        "validatingadmissionpolicy-namespace-metadata.yaml", "validatingadmissionpolicybinding-namespace-metadata.yaml",
        "validatingadmissionpolicy-operator-writes.yaml", "validatingadmissionpolicybinding-operator-writes.yaml",
    ]
    static let mutatingFiles = ["mutatingadmissionpolicy.yaml", "mutatingadmissionpolicybinding.yaml"]

    func render(_ arguments: [String]) throws -> [ManifestFile] {
        try RenderCommand.parse(arguments).render()
    }

    func variable(_ name: String, of policy: ValidatingAdmissionPolicy) throws -> String {
        try #require(policy.spec?.variables?.first { $0.name == name }).expression
    }

    func variable(_ name: String, of policy: MutatingAdmissionPolicy) throws -> String {
        try #require(policy.spec?.variables?.first { $0.name == name }).expression
    }

    func apiVersion(_ files: [ManifestFile], _ name: String) throws -> String? {
        let file = try #require(files.first { $0.name == name })
        return try YAML.parseDocument(try file.text())?["apiVersion"]?.scalar?.value
    }

    @Test func renderedByDefaultAndReadBackAsTheTypedValues() throws {
        let files = try render([])
        let names = files.map(\.name)
        for name in Self.validatingFiles + Self.mutatingFiles { #expect(names.contains(name), "\(name)") }
        let options = try RenderCommand.parse([]).manifestOptions(configText: nil)
        #expect(
            try files.decode(ValidatingAdmissionPolicy.self, from: Self.validatingFiles[0])
                == Manifests.namespaceMetadataPolicy(options))
        #expect(
            try files.decode(ValidatingAdmissionPolicy.self, from: Self.validatingFiles[2])
                == Manifests.operatorWritesPolicy(options))
        #expect(
            try files.decode(MutatingAdmissionPolicy.self, from: "mutatingadmissionpolicy.yaml")
                == Manifests.injectPullSecretPolicy(options))
        #expect(try apiVersion(files, "mutatingadmissionpolicy.yaml") == "admissionregistration.k8s.io/v1")
        #expect(try apiVersion(files, "mutatingadmissionpolicybinding.yaml") == "admissionregistration.k8s.io/v1")
        let bindings = [Self.validatingFiles[1], Self.validatingFiles[3]]
        for name in bindings {
            let binding = try files.decode(ValidatingAdmissionPolicyBinding.self, from: name)
            #expect(binding.spec?.validationActions == ["Deny"])
            #expect(binding.spec?.matchResources == nil, "bound cluster-wide")
        }
        let mutatingBinding = try files.decode(MutatingAdmissionPolicyBinding.self, from: Self.mutatingFiles[1])
        #expect(mutatingBinding.spec?.policyName == ManifestNames.injectPullSecretPolicy)
    }

    @Test func policiesHaveTheFailurePoliciesTheProductNeeds() {
        let options = ManifestOptions.defaults()
        #expect(Manifests.namespaceMetadataPolicy(options).spec?.failurePolicy == "Fail")
        #expect(Manifests.operatorWritesPolicy(options).spec?.failurePolicy == "Fail")
        let injection = Manifests.injectPullSecretPolicy(options).spec
        #expect(injection?.failurePolicy == "Ignore", "pullkeeper must never block pod creation")
        #expect(injection?.reinvocationPolicy == "IfNeeded")
        #expect(injection?.mutations?.map(\.patchType) == ["JSONPatch"])
    }

    @Test func namespaceMetadataMatchesOnlyNamespaceCreateAndUpdate() {
        let rules = Manifests.namespaceMetadataPolicy(.defaults()).spec?.matchConstraints?.resourceRules
        #expect(
            rules == [
                NamedRuleWithOperations(
                    operations: ["CREATE", "UPDATE"], apiGroups: [""], apiVersions: ["v1"], resources: ["namespaces"])
            ])
    }

    @Test func operatorWritesMatchesOnlyTheOperatorsWrites() throws {
        var options = ManifestOptions.defaults()
        options.namespace = "platform-pull"
        let spec = try #require(Manifests.operatorWritesPolicy(options).spec)
        #expect(
            spec.matchConditions == [
                AdmissionMatchCondition(
                    name: "operator",
                    expression: "request.userInfo.username == 'system:serviceaccount:platform-pull:pullkeeper'")
            ])
        #expect(
            spec.matchConstraints?.resourceRules == [
                NamedRuleWithOperations(
                    operations: ["CREATE", "UPDATE", "DELETE"], apiGroups: [""], apiVersions: ["v1"],
                    resources: ["secrets"]),
                NamedRuleWithOperations(
                    operations: ["UPDATE"], apiGroups: [""], apiVersions: ["v1"], resources: ["serviceaccounts"]),
            ])
        let compared = try variable("serviceAccountChanges", of: Manifests.operatorWritesPolicy(options))
        for field in [
            "metadata.labels", "metadata.annotations", "metadata.finalizers", "metadata.ownerReferences", "secrets",
            "automountServiceAccountToken",
        ] {
            #expect(compared.contains("['\(field)']"), "\(field) is compared")
        }
        for field in ["resourceVersion", "managedFields", "generation", "imagePullSecrets"] {
            #expect(!compared.contains(field), "\(field) changes on every write or is what the operator may change")
        }
    }

    @Test func noAdmissionPoliciesLeavesOutBothValidatingPoliciesAndTheirBindings() throws {
        let files = try render(["--no-admission-policies"])
        let names = files.map(\.name)
        for name in Self.validatingFiles { #expect(!names.contains(name), "\(name)") }
        for name in Self.mutatingFiles { #expect(names.contains(name), "\(name)") }
        let kustomization = try files.decode(Kustomization.self, from: "kustomization.yaml")
        #expect(kustomization.resources == names.filter { $0 != "kustomization.yaml" })
    }

    @Test func noPodInjectionLeavesOutTheMutatingPolicyAndItsBinding() throws {
        let names = try render(["--no-pod-injection"]).map(\.name)
        for name in Self.mutatingFiles { #expect(!names.contains(name), "\(name)") }
        for name in Self.validatingFiles { #expect(names.contains(name), "\(name)") }
        let neither = try render(["--no-pod-injection", "--no-admission-policies"]).map(\.name)
        #expect(neither.filter { $0.contains("admissionpolicy") }.isEmpty)
    }

    @Test func admissionAPIv1beta1SwitchesOnlyTheMutatingPolicyAndItsBinding() throws {
        let files = try render(["--admission-api", "v1beta1"])
        #expect(try apiVersion(files, "mutatingadmissionpolicy.yaml") == "admissionregistration.k8s.io/v1beta1")
        #expect(try apiVersion(files, "mutatingadmissionpolicybinding.yaml") == "admissionregistration.k8s.io/v1beta1")
        for name in Self.validatingFiles {
            #expect(try apiVersion(files, name) == "admissionregistration.k8s.io/v1", "\(name)")
        }
        // The same object under either version.
        #expect(
            try files.decode(MutatingAdmissionPolicy.self, from: "mutatingadmissionpolicy.yaml")
                == Manifests.injectPullSecretPolicy(.defaults()))
        #expect(throws: (any Error).self) { try RenderCommand.parse(["--admission-api", "v2"]) }
    }

    @Test func defaultNamespaceAdminsAreSystemMastersAndTheNamespaceAdminsGroup() throws {
        let policy = Manifests.namespaceMetadataPolicy(.defaults())
        #expect(
            try variable("namespaceAdmin", of: policy) == """
                request.userInfo.username in [] ||
                  (has(request.userInfo.groups) && request.userInfo.groups.exists(g, g in ['system:masters', 'pullkeeper:namespace-admins']))
                """)
        let message = try #require(policy.spec?.validations?.first?.messageExpression)
        #expect(
            message.hasPrefix(
                "'only members of system:masters, pullkeeper:namespace-admins may set pullkeeper.io/ namespace metadata (user ' + request.userInfo.username"
            ))
        #expect(message.hasSuffix("'); ask a cluster admin'"))
    }

    @Test func namespaceAdminFlagsReplaceTheDefaults() throws {
        let files = try render([
            "--namespace-admin-group", "platform", "--namespace-admin-group", "system:masters",
            "--namespace-admin-user", "alice", "--namespace-admin-user", "system:serviceaccount:argocd:argocd-server",
        ])
        let policy = try files.decode(ValidatingAdmissionPolicy.self, from: Self.validatingFiles[0])
        #expect(
            try variable("namespaceAdmin", of: policy) == """
                request.userInfo.username in ['alice', 'system:serviceaccount:argocd:argocd-server'] ||
                  (has(request.userInfo.groups) && request.userInfo.groups.exists(g, g in ['platform', 'system:masters']))
                """)
        let message = try #require(policy.spec?.validations?.first?.messageExpression)
        #expect(
            message.contains(
                "only members of platform, system:masters and the users alice, system:serviceaccount:argocd:argocd-server may set"
            ))
        var options = ManifestOptions.defaults()
        options.namespaceAdminGroups = []
        options.namespaceAdminUsers = ["alice"]
        let onlyUsers = try #require(Manifests.namespaceMetadataPolicy(options).spec?.validations?.first)
        #expect(onlyUsers.messageExpression?.hasPrefix("'only the users alice may set") == true)
    }

    @Test func namesAreEscapedIntoOneCELStringEach() throws {
        var options = ManifestOptions.defaults()
        options.namespaceAdminGroups = ["o'brien\\ops"]
        let expression = try variable("namespaceAdmin", of: Manifests.namespaceMetadataPolicy(options))
        #expect(expression.contains("g in ['o\\'brien\\\\ops']"))
    }

    @Test(arguments: [
        ["--namespace-admin-group", ""], ["--namespace-admin-user", ""], ["--namespace-admin-group", "a\tb"],
    ])
    func badNamespaceAdminsAreUsageErrors(_ arguments: [String]) {
        #expect(throws: (any Error).self) { try RenderCommand.parse(arguments) }
    }

    @Test func nobodyAllowedIsAProblemOnlyWithThePolicies() {
        var options = ManifestOptions.defaults()
        options.namespaceAdminGroups = []
        #expect(options.problems.count == 1)
        options.admissionPolicies = false
        #expect(options.problems.isEmpty)
    }

    static let selectorConfig = OperatorConfig(
        secretName: "registry-pull", excludeNamespaces: ["kube-system", "legacy"],
        namespaceSelector: NamespaceSelector(
            selector: PullKeeperConfig.LabelSelector(
                matchLabels: ["team": "platform", "pullkeeper.io/enabled": "true"],
                matchExpressions: [
                    .init(key: "env", operator: .in, values: ["prod", "staging"]),
                    .init(key: "tier", operator: .notIn, values: ["test"]),
                    .init(key: "team", operator: .exists),
                    .init(key: "frozen", operator: .doesNotExist),
                ]),
            registries: ["contoso.azurecr.io"]))

    @Test func configOptInLabelKeysAreProtected() throws {
        var options = ManifestOptions.defaults()
        options.policyConfig = RenderCommand.policyConfig(Self.selectorConfig)
        let policy = Manifests.namespaceMetadataPolicy(options)
        #expect(
            try variable("optInLabelKeys", of: policy)
                == "['env', 'frozen', 'pullkeeper.io/enabled', 'team', 'tier']")
        let message = try #require(policy.spec?.validations?.first?.messageExpression)
        #expect(
            message.contains(
                "may set pullkeeper.io/ namespace metadata or the opt-in labels env, frozen, pullkeeper.io/enabled, team, tier (user "
            ))
        #expect(try variable("optInLabelKeys", of: Manifests.namespaceMetadataPolicy(.defaults())) == "[]")
    }

    @Test func configDecidesWhichNamespacesAndWhichSecretThePodsGet() throws {
        var options = ManifestOptions.defaults()
        options.policyConfig = RenderCommand.policyConfig(Self.selectorConfig)
        let policy = Manifests.injectPullSecretPolicy(options)
        #expect(
            policy.spec?.matchConditions?.first
                == AdmissionMatchCondition(
                    name: "not-in-excluded-namespace", expression: "!(request.namespace in ['kube-system', 'legacy'])"))
        #expect(
            try variable("optedIn", of: policy) == """
                'pullkeeper.io/registries' in variables.namespaceAnnotations ||
                  (('pullkeeper.io/enabled' in variables.namespaceLabels && variables.namespaceLabels['pullkeeper.io/enabled'] == 'true') && \
                ('team' in variables.namespaceLabels && variables.namespaceLabels['team'] == 'platform') && \
                ('env' in variables.namespaceLabels && variables.namespaceLabels['env'] in ['prod', 'staging']) && \
                !('tier' in variables.namespaceLabels && variables.namespaceLabels['tier'] in ['test']) && \
                'team' in variables.namespaceLabels && !('frozen' in variables.namespaceLabels))
                """)
        #expect(try variable("secretName", of: policy).hasSuffix(": 'registry-pull'"))

        let defaults = Manifests.injectPullSecretPolicy(.defaults())
        #expect(try variable("optedIn", of: defaults) == "'pullkeeper.io/registries' in variables.namespaceAnnotations")
        #expect(try variable("secretName", of: defaults).hasSuffix(": 'acr-pull'"))
        #expect(
            defaults.spec?.matchConditions?.first?.expression
                == "!(request.namespace in ['kube-system', 'kube-public', 'kube-node-lease'])")
    }

    @Test func noExcludedNamespacesNoCondition() throws {
        var options = ManifestOptions.defaults()
        options.policyConfig.excludeNamespaces = []
        #expect(
            Manifests.injectPullSecretPolicy(options).spec?.matchConditions?.map(\.name) == ["not-a-mirror-pod"])
    }

    @Test func exampleConfigReachesThePoliciesThroughRender() throws {
        let example = Repository.root.appendingPathComponent("examples/config.yaml")
        let config = try ConfigLoader.parse(try Repository.text(example))
        let files = try render(["--config", example.path])
        let policy = try files.decode(MutatingAdmissionPolicy.self, from: "mutatingadmissionpolicy.yaml")
        #expect(try variable("secretName", of: policy).hasSuffix(": '\(config.secretName)'"))
        let metadataPolicy = try files.decode(ValidatingAdmissionPolicy.self, from: Self.validatingFiles[0])
        let keys = Set(config.namespaceSelector.map { Array($0.selector.matchLabels.keys) } ?? [])
        for key in keys { #expect(try variable("optInLabelKeys", of: metadataPolicy).contains("'\(key)'")) }
    }

    @Test(arguments: AttachMode.allCases)
    func defaultAttachModeDecidesNamespacesWithoutAnAnnotation(_ mode: AttachMode) throws {
        var options = ManifestOptions.defaults()
        options.policyConfig.defaultAttach = mode
        let expression = try variable("attachesToPods", of: Manifests.injectPullSecretPolicy(options))
        if mode == .serviceAccounts {
            #expect(
                expression == """
                    'pullkeeper.io/attach' in variables.namespaceAnnotations &&
                      variables.namespaceAnnotations['pullkeeper.io/attach'] in ['pods', 'both']
                    """)
        } else {
            #expect(
                expression == """
                    !('pullkeeper.io/attach' in variables.namespaceAnnotations) ||
                      variables.namespaceAnnotations['pullkeeper.io/attach'] != 'serviceAccounts'
                    """)
        }
    }

    /// kube-apiserver 1.36 panics on a JSONPatch value that is a list of `Object.…{}` values, and a panic fails
    /// the pod's creation whatever the failurePolicy: the list is created empty, then appended to.
    @Test func noJSONPatchValueIsAListOfTypedObjects() throws {
        let patch = try #require(Manifests.injectPullSecretPolicy(.defaults()).spec?.mutations?.first?.jsonPatch)
        #expect(!patch.expression.contains("value: [Object"))
        #expect(patch.expression.contains("path: '/spec/imagePullSecrets', value: []"))
        #expect(patch.expression.contains("path: '/spec/imagePullSecrets/-'"))
    }

    @Test func everyAdmissionFileExplainsWhy() throws {
        for file in try render([]) where file.name.contains("admissionpolicy") {
            #expect(file.comment.count >= 2, "\(file.name)")
        }
        let v1beta1 = try render(["--admission-api", "v1beta1"]).first { $0.name == "mutatingadmissionpolicy.yaml" }
        #expect(v1beta1?.comment.joined().contains("1.34-1.35") == true)
    }
}
