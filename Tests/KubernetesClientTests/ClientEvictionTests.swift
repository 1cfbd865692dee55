import Foundation
import KubernetesClient
import KubernetesModel
import KubernetesSimulator
import Testing

/// Issue 15: `evict(pod:)` posts a policy/v1 Eviction with a uid precondition; a budget's 429 is the answer, not
/// throttling: it comes back at once with its cause, without the client's 429 retries.
@Suite("HTTPKubernetesClient evictions against the simulator over HTTPS")
struct ClientEvictionTests {
    static func createPod(_ cluster: SimulatedCluster, _ name: String, running: Bool) throws -> String {
        let pod: SimJSON = [
            "apiVersion": "v1", "kind": "Pod", "metadata": ["name": .string(name), "labels": ["app": "web"]],
            "spec": ["containers": [["name": "app", "image": "contoso.azurecr.io/web:1"]]],
        ]
        let created = try cluster.simulator.create(.pods, namespace: "team-a", pod)
        if running {
            try cluster.simulator.setPodStatus(
                namespace: "team-a", name: name,
                ["phase": "Running", "conditions": [["type": "Ready", "status": "True"]]])
        }
        return created.value(at: ["metadata", "uid"])?.stringValue ?? ""
    }

    @Test("an eviction deletes the pod; a wrong uid is 409; a budget's refusal is one 429 with its cause")
    func evictions() async throws {
        try await SimulatedCluster.with { cluster in
            let client = cluster.client
            try await cluster.createNamespace("team-a")
            let uid = try Self.createPod(cluster, "web-1", running: false)
            let pending = try await client.list(
                Pod.self, namespace: "team-a", options: .init(fieldSelector: "status.phase=Pending"))
            #expect(pending.items.map(\.metadata.name) == ["web-1"])
            #expect(pending.items.first?.status?.phase == "Pending")

            await #expect(throws: KubernetesError.self) {
                try await client.evict(pod: "web-1", namespace: "team-a", uid: "not-\(uid)")
            }
            try await client.evict(pod: "web-1", namespace: "team-a", uid: uid)
            #expect(cluster.simulator.object(.pods, namespace: "team-a", name: "web-1") == nil)

            _ = try Self.createPod(cluster, "web-2", running: true)
            try cluster.simulator.create(
                .podDisruptionBudgets, namespace: "team-a",
                [
                    "apiVersion": "policy/v1", "kind": "PodDisruptionBudget", "metadata": ["name": "web"],
                    "spec": ["minAvailable": 1, "selector": ["matchLabels": ["app": "web"]]],
                ])
            let before = cluster.simulator.requestCount(verb: "create", resource: "pods/eviction")
            do {
                try await client.evict(pod: "web-2", namespace: "team-a", uid: nil)
                Issue.record("the budget should have refused")
            } catch let error as KubernetesError {
                #expect(error.isTooManyRequests)
                #expect(
                    error.status?.details?.causes?.first?.message
                        == "The disruption budget web needs 1 healthy pods and has 1 currently")
            }
            #expect(cluster.simulator.requestCount(verb: "create", resource: "pods/eviction") == before + 1)
        }
    }
}
