import Foundation
import Prometheus
import Synchronization

/// The metrics of PRODUCT.md §5 on one Prometheus registry. Label values are names and results, never secrets.
public final class ControllerMetrics: Sendable {
    public let registry: PrometheusCollectorRegistry
    private let secretExpiries = Mutex<[String: Gauge]>([:])
    private let reconcileDuration: DurationHistogram
    private let managedNamespaces: Gauge
    private let leader: Gauge

    public init(registry: PrometheusCollectorRegistry = PrometheusCollectorRegistry()) {
        self.registry = registry
        reconcileDuration = registry.makeDurationHistogram(
            name: "pullkeeper_reconcile_duration_seconds",
            buckets: [
                .milliseconds(1), .milliseconds(5), .milliseconds(25), .milliseconds(100), .milliseconds(500),
                .seconds(1), .seconds(5), .seconds(30),
            ],
            help: "Time one reconcile pass of one namespace took.")
        managedNamespaces = registry.makeGauge(name: "pullkeeper_managed_namespaces", help: "Namespaces opted in.")
        leader = registry.makeGauge(name: "pullkeeper_leader", help: "1 while this replica leads.")
    }

    /// Sets or clears the expiry of a managed Secret.
    public func secretExpiry(namespace: String, secret: String, expiresAt: Date?) {
        let key = "\(namespace)/\(secret)"
        secretExpiries.withLock { gauges in
            if let expiresAt {
                let gauge =
                    gauges[key]
                    ?? registry.makeGauge(
                        name: "pullkeeper_secret_expiry_timestamp_seconds",
                        labels: [("namespace", namespace), ("secret", secret)],
                        help: "When the earliest token in a managed Secret expires (Unix seconds).")
                gauge.set(expiresAt.timeIntervalSince1970)
                gauges[key] = gauge
            } else if let gauge = gauges.removeValue(forKey: key) {
                registry.unregisterGauge(gauge)
            }
        }
    }

    public func tokenExpiry(identity: String, registry name: String, expiresAt: Date) {
        registry.makeGauge(
            name: "pullkeeper_token_expiry_timestamp_seconds", labels: [("identity", identity), ("registry", name)],
            help: "When the cached token for an identity and registry expires (Unix seconds)."
        ).set(expiresAt.timeIntervalSince1970)
    }

    /// Counts a token request by endpoint (`entra`, `imds`, `exchange`, `token`, `static`) and result.
    public func tokenRequest(identity: String, registry name: String, endpoint: String, result: String) {
        registry.makeCounter(
            name: "pullkeeper_token_requests_total",
            labels: [("identity", identity), ("registry", name), ("endpoint", endpoint), ("result", result)],
            help: "Token requests to Entra ID, IMDS and registries."
        ).increment()
    }

    /// Counts a reconcile pass by result (`success`, `error`, `requeue`).
    public func reconcile(result: String, duration: Duration) {
        registry.makeCounter(
            name: "pullkeeper_reconcile_total", labels: [("result", result)], help: "Reconcile passes."
        )
        .increment()
        reconcileDuration.record(duration)
    }

    /// Counts a Kubernetes API request by verb, resource and HTTP code.
    public func kubernetesRequest(verb: String, resource: String, code: Int) {
        registry.makeCounter(
            name: "pullkeeper_kubernetes_requests_total",
            labels: [("verb", verb), ("resource", resource), ("code", "\(code)")],
            help: "Requests to the Kubernetes API."
        ).increment()
    }

    public func setManagedNamespaces(_ count: Int) { managedNamespaces.set(to: Double(count)) }

    public func setLeader(_ isLeader: Bool) { leader.set(to: isLeader ? 1.0 : 0.0) }

    /// The exposition text for `/metrics`.
    public func render() -> String { registry.emitToString() }
}
