import KubernetesModel
import Manifests
import Testing

/// Issue 6, item 4: what a security review expects of the operator's pod, in every identity mode.
@Suite struct DeploymentTests {
    func rendered(_ options: ManifestOptions) throws -> (Deployment, ServiceAccount) {
        let files = try Manifests.render(options)
        return (
            try files.decode(Deployment.self, from: "deployment.yaml"),
            try files.decode(ServiceAccount.self, from: "serviceaccount.yaml")
        )
    }

    @Test(arguments: IdentityMode.allCases)
    func readsBackAsTheTypedValue(_ mode: IdentityMode) throws {
        let (deployment, serviceAccount) = try rendered(.defaults(mode))
        #expect(deployment == Manifests.deployment(.defaults(mode)))
        #expect(serviceAccount == Manifests.serviceAccount(.defaults(mode)))
    }

    @Test(arguments: IdentityMode.allCases)
    func podIsHardened(_ mode: IdentityMode) throws {
        let (deployment, _) = try rendered(.defaults(mode))
        let spec = try #require(deployment.spec)
        let pod = try #require(spec.template.spec)
        #expect(spec.replicas == 2)
        #expect(pod.securityContext?.runAsNonRoot == true)
        #expect(pod.securityContext?.seccompProfile == SeccompProfile(type: "RuntimeDefault"))
        #expect((pod.terminationGracePeriodSeconds ?? 0) >= 20, "shutdown takes up to ~10 s")
        #expect(pod.serviceAccountName == "pullkeeper")
        #expect(
            pod.topologySpreadConstraints?.map(\.topologyKey) == [
                "topology.kubernetes.io/zone", "kubernetes.io/hostname",
            ])
        let container = try #require(pod.containers.first)
        #expect(pod.containers.count == 1)
        let security = try #require(container.securityContext)
        #expect(security.runAsNonRoot == true)
        #expect(security.readOnlyRootFilesystem == true)
        #expect(security.allowPrivilegeEscalation == false)
        #expect(security.privileged == false)
        #expect(security.capabilities == Capabilities(drop: ["ALL"]))
        #expect(security.seccompProfile == SeccompProfile(type: "RuntimeDefault"))
        #expect(container.resources?.requests?.keys.sorted() == ["cpu", "memory"])
        #expect(container.resources?.limits?.keys.sorted() == ["cpu", "memory"])
        #expect(container.livenessProbe?.httpGet == HTTPGetAction(path: "/healthz", port: "health"))
        #expect(container.readinessProbe?.httpGet == HTTPGetAction(path: "/readyz", port: "health"))
        #expect(
            container.ports == [
                ContainerPort(name: "metrics", containerPort: 8080, protocol: "TCP"),
                ContainerPort(name: "health", containerPort: 8081, protocol: "TCP"),
            ])
        #expect(container.command == ["/usr/local/bin/pullkeeper"])
        #expect(
            container.args == [
                "run", "--config=/etc/pullkeeper/config/config.yaml", "--metrics-address=0.0.0.0:8080",
                "--health-address=0.0.0.0:8081", "--leader-elect", "--log-format=json",
            ])
        #expect(container.env?.map(\.name) == ["POD_NAME", "POD_NAMESPACE"])
        #expect(container.env?.map { $0.valueFrom?.fieldRef?.fieldPath } == ["metadata.name", "metadata.namespace"])
        #expect(container.image == "ghcr.io/pullkeeper/pullkeeper:\(ManifestOptions.defaults().version)")
        let mounts = Dictionary(uniqueKeysWithValues: (container.volumeMounts ?? []).map { ($0.mountPath, $0) })
        #expect(mounts["/etc/pullkeeper/config"]?.readOnly == true)
        #expect(pod.volumes?.first { $0.name == mounts["/tmp"]?.name }?.emptyDir != nil)
        #expect(pod.volumes?.first { $0.name == "config" }?.configMap?.name == "pullkeeper-config")
    }

    @Test(arguments: IdentityMode.allCases)
    func identityModeShapesThePod(_ mode: IdentityMode) throws {
        let (deployment, serviceAccount) = try rendered(.defaults(mode))
        let pod = try #require(deployment.spec?.template)
        let container = try #require(pod.spec?.containers.first)
        let workloadLabel = pod.metadata?.labels?["azure.workload.identity/use"]
        let clientAnnotation = serviceAccount.metadata.annotations?["azure.workload.identity/client-id"]
        let credentialsMount = container.volumeMounts?.first { $0.mountPath == "/etc/pullkeeper/credentials" }
        let credentialsVolume = pod.spec?.volumes?.first { $0.secret != nil }
        switch mode {
        case .workload:
            #expect(workloadLabel == "true")
            #expect(clientAnnotation == ManifestNames.placeholderGUID)
            #expect(credentialsMount == nil && credentialsVolume == nil)
        case .managed:
            #expect(workloadLabel == nil && clientAnnotation == nil)
            #expect(credentialsMount == nil && credentialsVolume == nil)
        case .servicePrincipal, .static:
            #expect(workloadLabel == nil && clientAnnotation == nil)
            #expect(credentialsMount?.readOnly == true)
            #expect(credentialsMount?.name == credentialsVolume?.name)
            #expect(credentialsVolume?.secret?.secretName == "pullkeeper-credentials")
            #expect(credentialsVolume?.secret?.defaultMode == 0o440)
        }
    }

    @Test func workloadAnnotationsFollowTheFlags() throws {
        var options = ManifestOptions.defaults()
        options.clientID = "3f1c9a2e-1111-4a55-9d8e-0a1b2c3d4e5f"
        options.tenantID = "72f988bf-0000-4000-8000-2d7cd011db47"
        let annotations = Manifests.serviceAccount(options).metadata.annotations
        #expect(
            annotations == [
                "azure.workload.identity/client-id": "3f1c9a2e-1111-4a55-9d8e-0a1b2c3d4e5f",
                "azure.workload.identity/tenant-id": "72f988bf-0000-4000-8000-2d7cd011db47",
            ])
    }

    @Test func booleanLikeLabelStaysAStringForYAML11Readers() throws {
        let files = try Manifests.render(.defaults(.workload))
        let text = try #require(files.first { $0.name == "deployment.yaml" }).text()
        #expect(text.contains("azure.workload.identity/use: \"true\"\n"))
    }
}
