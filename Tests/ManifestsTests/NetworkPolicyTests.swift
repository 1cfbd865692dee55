import KubernetesModel
import Manifests
import Testing

@Suite struct NetworkPolicyTests {
    static func tcp(_ port: Int32) -> NetworkPolicyPort { NetworkPolicyPort(protocol: "TCP", port: .int(port)) }

    @Test(arguments: IdentityMode.allCases)
    func ingressOnlyToMetricsAndHealth(_ mode: IdentityMode) {
        let policy = Manifests.networkPolicy(.defaults(mode))
        #expect(policy.spec?.policyTypes == ["Ingress", "Egress"])
        #expect(policy.spec?.ingress == [NetworkPolicyIngressRule(ports: [Self.tcp(8080), Self.tcp(8081)])])
        #expect(policy.spec?.podSelector == LabelSelector(matchLabels: Manifests.selectorLabels))
    }

    @Test(arguments: IdentityMode.allCases)
    func egressToDNSHTTPSAndTheAPIServer(_ mode: IdentityMode) {
        var expected = [
            NetworkPolicyEgressRule(ports: [NetworkPolicyPort(protocol: "UDP", port: 53), Self.tcp(53)]),
            NetworkPolicyEgressRule(ports: [Self.tcp(443), Self.tcp(6443)]),
        ]
        if mode == .managed {
            expected.append(
                NetworkPolicyEgressRule(
                    to: [NetworkPolicyPeer(ipBlock: IPBlock(cidr: "169.254.169.254/32"))], ports: [Self.tcp(80)]))
        }
        #expect(Manifests.networkPolicy(.defaults(mode)).spec?.egress == expected)
    }

    @Test func withoutMetricsOnlyHealthIsOpenAndNoServiceIsRendered() throws {
        var options = ManifestOptions.defaults()
        options.metrics = false
        #expect(Manifests.networkPolicy(options).spec?.ingress == [NetworkPolicyIngressRule(ports: [Self.tcp(8081)])])
        #expect(try Manifests.render(options).map(\.name).contains("service.yaml") == false)
    }

    @Test func serviceAndBudgetSelectThePods() {
        let service = Manifests.metricsService(.defaults())
        #expect(service.spec?.selector == Manifests.selectorLabels)
        #expect(
            service.spec?.ports == [ServicePort(name: "metrics", protocol: "TCP", port: 8080, targetPort: "metrics")])
        let budget = Manifests.podDisruptionBudget(.defaults())
        #expect(budget.spec?.maxUnavailable == 1)
        #expect(budget.spec?.selector == LabelSelector(matchLabels: Manifests.selectorLabels))
    }
}
