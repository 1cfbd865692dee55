import Controller
import Foundation
import KubernetesClient
import KubernetesModel
import Reconciler
import Testing

extension Integration {
    /// Issue 5: Events are deduplicated, at most one per reason per namespace per refresh cycle, against the
    /// simulated API server (events.k8s.io/v1 and its core/v1 view of the same objects).
    @Suite("Event deduplication")
    struct EventDedupTests {
        @Test("a Warning repeated with other messages is one Event (count; the immutable note is the first)")
        func warningsDedupByReason() async throws {
            try await World.run { world in
                _ = try await world.namespace("noisy")
                let recorder = EventRecorder(
                    client: world.admin, instance: "dedup-test", logger: World.quiet, patchInterval: .zero)
                let subject = ObjectReference(apiVersion: "v1", kind: "Secret", namespace: "noisy", name: "acr-pull")
                for message in ["Entra answered 503", "Entra answered 429", "Entra answered 500"] {
                    await recorder.record(
                        EventNote(.warning, "TokenFailed", message), namespace: "noisy",
                        reference: subject)
                }
                await recorder.record(
                    EventNote(.warning, "CredentialRejected", "registry said 401"),
                    namespace: "noisy", reference: subject)
                for _ in 0..<2 {
                    await recorder.record(
                        EventNote(.normal, "SecretCreated", "created acr-pull"),
                        namespace: "noisy", reference: subject)
                }
                let events = try await world.admin.listAll(EventV1.self, namespace: "noisy").items
                let byReason = Dictionary(grouping: events, by: \.reason)
                #expect(byReason.keys.sorted() == ["CredentialRejected", "SecretCreated", "TokenFailed"])
                let failed = try #require(byReason["TokenFailed"])
                #expect(failed.count == 1)
                #expect(failed.first?.series?.count == 3)
                // kube-apiserver refuses a changed events.k8s.io note (scripts/k8s-differential): it stays the first.
                #expect(failed.first?.note == "Entra answered 503")
                #expect(byReason["CredentialRejected"]?.count == 1)
                #expect(byReason["SecretCreated"]?.count == 1)
                #expect(byReason["SecretCreated"]?.first?.series?.count == 2)
                // The core/v1 view of the same object carries the same message.
                let core = await world.events("noisy").first { $0.reason == "TokenFailed" }
                #expect(core?.message == "Entra answered 503")
            }
        }
    }
}
