import KubernetesModel

extension Manifests {
    /// The metrics Service (`pullkeeper-metrics`), with the common Prometheus scrape annotations.
    public static func metricsService(_ options: ManifestOptions) -> Service {
        let annotations = [
            "prometheus.io/scrape": "true",
            "prometheus.io/port": "\(ManifestNames.metricsPort)",
            "prometheus.io/path": "/metrics",
        ]
        return Service(
            metadata: metadata(ManifestNames.metricsService, options, annotations: annotations),
            spec: ServiceSpec(
                type: "ClusterIP", selector: selectorLabels,
                ports: [
                    ServicePort(
                        name: "metrics", protocol: "TCP", port: ManifestNames.metricsPort, targetPort: "metrics")
                ]))
    }

    /// Keeps one pod while nodes drain; `maxUnavailable` (not `minAvailable`) so one replica never blocks a drain.
    public static func podDisruptionBudget(_ options: ManifestOptions) -> PodDisruptionBudget {
        PodDisruptionBudget(
            metadata: metadata(ManifestNames.app, options),
            spec: PodDisruptionBudgetSpec(maxUnavailable: 1, selector: LabelSelector(matchLabels: selectorLabels)))
    }

    /// Ingress only to the metrics and health ports; egress to DNS, HTTPS and the API server (and IMDS in managed
    /// mode). Egress is by port, not by address: Entra ID, IMDS and the registries live outside the cluster and
    /// behind addresses that change.
    public static func networkPolicy(_ options: ManifestOptions) -> NetworkPolicy {
        var ingressPorts = [NetworkPolicyPort(protocol: "TCP", port: .int(ManifestNames.healthPort))]
        if options.metrics {
            ingressPorts.insert(NetworkPolicyPort(protocol: "TCP", port: .int(ManifestNames.metricsPort)), at: 0)
        }
        var egress = [
            NetworkPolicyEgressRule(ports: [
                NetworkPolicyPort(protocol: "UDP", port: 53), NetworkPolicyPort(protocol: "TCP", port: 53),
            ]),
            NetworkPolicyEgressRule(ports: [
                NetworkPolicyPort(protocol: "TCP", port: 443), NetworkPolicyPort(protocol: "TCP", port: 6443),
            ]),
        ]
        if options.identityMode == .managed {
            egress.append(
                NetworkPolicyEgressRule(
                    to: [NetworkPolicyPeer(ipBlock: IPBlock(cidr: "169.254.169.254/32"))],
                    ports: [NetworkPolicyPort(protocol: "TCP", port: 80)]))
        }
        return NetworkPolicy(
            metadata: metadata(ManifestNames.app, options),
            spec: NetworkPolicySpec(
                podSelector: LabelSelector(matchLabels: selectorLabels), policyTypes: ["Ingress", "Egress"],
                ingress: [NetworkPolicyIngressRule(ports: ingressPorts)], egress: egress))
    }
}
