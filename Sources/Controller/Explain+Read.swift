import Foundation
import KubernetesClient
import KubernetesModel
import PullKeeperConfig
import Reconciler

extension Explain {
    /// The namespace, its managed Secret and pullkeeper's Events about it.
    package static func read(
        _ client: any KubernetesClient, namespace name: String, config: OperatorConfig?
    ) async throws -> ExplainInput {
        let namespace: Namespace?
        do {
            namespace = try await client.get(Namespace.self, name: name)
        } catch let error as KubernetesError where error.isNotFound {
            namespace = nil
        }
        let secretName =
            namespace?.metadata.annotations?[SecretLayout.secretNameAnnotation] ?? config?.secretName ?? "acr-pull"
        var input = ExplainInput(namespaceName: name, namespace: namespace, config: config, secret: nil, now: Date())
        if namespace != nil {
            do {
                input.secret = try await client.get(Secret.self, name: secretName, namespace: name)
            } catch let error as KubernetesError where error.isNotFound {
                input.secret = nil
            } catch let error as KubernetesError where error.code == 403 {
                input.secretUnreadable = "your kubeconfig's user may not get Secrets in \(name) (HTTP 403)"
            }
            input.events = await events(client, namespace: name, secret: secretName)
        }
        return input
    }

    /// pullkeeper's Events about the namespace (kept in `default`), its Secret and its pods, oldest first; Events
    /// that cannot be read are left out.
    static func events(_ client: any KubernetesClient, namespace: String, secret: String) async -> [ExplainEvent] {
        var events: [ExplainEvent] = []
        for eventNamespace in Set([namespace, "default"]) {
            let v1 = (try? await client.listAll(EventV1.self, namespace: eventNamespace).items) ?? []
            for event in v1 where event.reportingController.hasPrefix("pullkeeper") {
                guard let regarding = event.regarding, let kind = regarding.kind, let name = regarding.name,
                    kind == "Namespace" ? name == namespace : eventNamespace == namespace
                else { continue }
                events.append(
                    ExplainEvent(
                        type: event.type ?? "Normal", reason: event.reason, message: event.note ?? "", kind: kind,
                        name: name, time: event.series?.lastObservedTime.date ?? event.eventTime.date))
            }
            let core = (try? await client.listAll(Event.self, namespace: eventNamespace).items) ?? []
            for event in core
            where (event.reportingComponent ?? event.source?.component ?? "").hasPrefix("pullkeeper") {
                guard let kind = event.involvedObject.kind, let name = event.involvedObject.name,
                    kind == "Namespace" ? name == namespace : eventNamespace == namespace
                else { continue }
                let time = event.lastTimestamp?.date ?? event.eventTime?.date ?? event.firstTimestamp?.date
                events.append(
                    ExplainEvent(
                        type: event.type ?? "Normal", reason: event.reason ?? "", message: event.message ?? "",
                        kind: kind, name: name, time: time ?? .distantPast))
            }
        }
        return events.sorted { $0.time < $1.time }
    }
}
