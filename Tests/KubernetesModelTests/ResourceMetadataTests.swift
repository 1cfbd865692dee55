import Foundation
import KubernetesModel
import Testing

@Suite("Resource type metadata and manifests")
struct ResourceMetadataTests {
    @Test func groupsAndVersions() {
        #expect(Secret.group == "" && Secret.version == "v1")
        #expect(Lease.group == "coordination.k8s.io" && Lease.version == "v1")
        #expect(EventV1.group == "events.k8s.io")
        #expect(Deployment.group == "apps" && Deployment.plural == "deployments")
        #expect(ClusterRole.namespaced == false && Role.namespaced)
        #expect(Namespace(metadata: ObjectMeta(name: "a")).key == "a")
    }

    @Test func deploymentEncodesIntOrStringAndKeywords() throws {
        let deployment = Deployment(
            metadata: ObjectMeta(name: "pullkeeper", namespace: "acr-system"),
            spec: DeploymentSpec(
                replicas: 2, selector: LabelSelector(matchLabels: ["app": "pullkeeper"]),
                template: PodTemplateSpec(
                    metadata: ObjectMeta(labels: ["app": "pullkeeper"]),
                    spec: PodSpec(
                        containers: [
                            Container(
                                name: "operator", image: "pullkeeper:1",
                                ports: [ContainerPort(name: "metrics", containerPort: 8080, protocol: "TCP")],
                                readinessProbe: Probe(httpGet: HTTPGetAction(path: "/readyz", port: "metrics")))
                        ], serviceAccountName: "pullkeeper")),
                strategy: DeploymentStrategy(
                    type: "RollingUpdate", rollingUpdate: RollingUpdateDeployment(maxUnavailable: 0, maxSurge: "25%"))))
        let json = try JSONDecoder().decode(JSONValue.self, from: try JSONEncoder().encode(deployment.typed))
        #expect(json["apiVersion"] == "apps/v1")
        #expect(json["spec"]?["strategy"]?["rollingUpdate"]?["maxUnavailable"] == 0)
        #expect(json["spec"]?["strategy"]?["rollingUpdate"]?["maxSurge"] == "25%")
        let container = json["spec"]?["template"]?["spec"]?["containers"]?.arrayValue?.first
        #expect(container?["ports"]?.arrayValue?.first?["protocol"] == "TCP")
        #expect(container?["readinessProbe"]?["httpGet"]?["port"] == "metrics")
        let back = try JSONDecoder().decode(Deployment.self, from: try JSONEncoder().encode(deployment))
        #expect(back == deployment)
    }

    @Test func eventsV1RequiredFields() throws {
        let event = EventV1(
            metadata: ObjectMeta(name: "acr-pull.1", namespace: "team-a"),
            eventTime: MicroTime(Date(timeIntervalSince1970: 0)), reportingController: "acr.example.com/operator",
            reportingInstance: "pod-1", action: "RefreshToken", reason: "TokenRefreshed",
            regarding: ObjectReference(to: Secret(metadata: ObjectMeta(name: "acr-pull", namespace: "team-a"))))
        let json = try JSONDecoder().decode(JSONValue.self, from: try JSONEncoder().encode(event.typed))
        #expect(json["eventTime"] == "1970-01-01T00:00:00.000000Z")
        #expect(json["regarding"]?["kind"] == "Secret")
        #expect(json["apiVersion"] == "events.k8s.io/v1")
    }
}
