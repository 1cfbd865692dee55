import Foundation
import Prometheus
import PullKeeperCore
import Synchronization

/// The metrics of PRODUCT.md §5 on one Prometheus registry. Label values are names and results, never secrets.
///
/// The one metric with a series per namespace, the Secrets' expiry, is kept here rather than in the registry:
/// the registry copies a metric's whole label dictionary to add a series, so 10,000 namespaces cost 50 million
/// entry copies (a quarter of the controller's CPU in an initial sync, and growing with N²). It is rendered after
/// the registry's text, in the same exposition format.
public final class ControllerMetrics: Sendable {
    public let registry: PrometheusCollectorRegistry
    /// `namespace/secret` → (namespace, secret, expiry in Unix seconds).
    private let secretExpiries = Mutex<[String: (namespace: String, secret: String, value: Double)]>([:])
    static let secretExpiryName = "pullkeeper_secret_expiry_timestamp_seconds"
    /// Counters by name and label values: the registry's lookup validates names and hashes labels on every call,
    /// and these are bumped on every API request.
    private let counters = Mutex<[[String]: Counter]>([:])
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
        secretExpiries.withLock { series in
            if let expiresAt {
                series[key] = (namespace, secret, expiresAt.timeIntervalSince1970)
            } else {
                series[key] = nil
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
        counter(
            "pullkeeper_token_requests_total",
            [("identity", identity), ("registry", name), ("endpoint", endpoint), ("result", result)],
            help: "Token requests to Entra ID, IMDS and registries."
        ).increment()
    }

    /// Counts a reconcile pass by result (`success`, `error`, `requeue`).
    public func reconcile(result: String, duration: Duration) {
        counter("pullkeeper_reconcile_total", [("result", result)], help: "Reconcile passes.").increment()
        reconcileDuration.record(duration)
    }

    /// Counts a write the API server (or the network) refused, by action and HTTP code (0 without an answer).
    public func writeFailure(action: String, code: Int?) {
        counter(
            "pullkeeper_write_failures_total", [("action", action), ("code", "\(code ?? 0)")],
            help: "Writes (create, update, delete, patch) that failed, by action and HTTP code."
        ).increment()
    }

    /// Counts a request the config does not grant, by Event reason (`IdentityRefused`, `RegistryRefused`,
    /// `ScopeRefused`).
    public func refusedRequest(reason: String) {
        counter(
            "pullkeeper_refused_requests_total", [("reason", reason)],
            help: "Namespaces' requests refused because the config does not grant them (once per occurrence)."
        ).increment()
    }

    /// Sets whether an identity's token on a registry grants more than pull (1) or not (0).
    public func identityExcessRights(identity: String, registry name: String, excess: Bool) {
        registry.makeGauge(
            name: "pullkeeper_identity_excess_rights", labels: [("identity", identity), ("registry", name)],
            help: "1 when the identity's token on the registry grants more than pull (push or delete)."
        ).set(excess ? 1.0 : 0.0)
    }

    /// Counts a pod evicted by pod repair (issue 15 §3).
    public func podRestarted() {
        counter(
            "pullkeeper_pods_restarted_total", [],
            help: "Pods stuck without the Secret that pod repair evicted so that their controller recreates them."
        ).increment()
    }

    /// Counts an eviction the API server refused (`TooManyRequests`: a disruption budget; else the HTTP code).
    public func podEvictionRefused(reason: String) {
        counter(
            "pullkeeper_pod_evictions_refused_total", [("reason", reason)],
            help: "Evictions by pod repair that the API server refused; each is retried later."
        ).increment()
    }

    /// Counts a Kubernetes API request by verb, resource and HTTP code.
    public func kubernetesRequest(verb: String, resource: String, code: Int) {
        counter(
            "pullkeeper_kubernetes_requests_total", [("verb", verb), ("resource", resource), ("code", "\(code)")],
            help: "Requests to the Kubernetes API."
        ).increment()
    }

    private func counter(_ name: String, _ labels: [(String, String)], help: String) -> Counter {
        let key = [name] + labels.map(\.1)
        if let counter = counters.withLock({ $0[key] }) { return counter }
        let counter = registry.makeCounter(name: name, labels: labels, help: help)
        counters.withLock { $0[key] = counter }
        return counter
    }

    public func setManagedNamespaces(_ count: Int) { managedNamespaces.set(to: Double(count)) }

    public func setLeader(_ isLeader: Bool) { leader.set(to: isLeader ? 1.0 : 0.0) }

    /// The exposition text for `/metrics`.
    public func render() -> String {
        var text = registry.emitToString()
        let series = secretExpiries.withLock {
            $0.values.sorted { ($0.namespace, $0.secret) < ($1.namespace, $1.secret) }
        }
        guard !series.isEmpty else { return text }
        if !text.isEmpty, !text.hasSuffix("\n") { text += "\n" }
        text += "# HELP \(Self.secretExpiryName) When the earliest token in a managed Secret expires (Unix seconds).\n"
        text += "# TYPE \(Self.secretExpiryName) gauge\n"
        for entry in series {
            text += "\(Self.secretExpiryName){namespace=\"\(Self.escaped(entry.namespace))\",secret=\""
            text += "\(Self.escaped(entry.secret))\"} \(entry.value)\n"
        }
        return text
    }

    /// A label value in the text exposition format: backslash, double quote and newline escaped.
    static func escaped(_ value: String) -> String {
        var result = ""
        for character in value {
            switch character {
            case "\\": result += "\\\\"
            case "\"": result += "\\\""
            case "\n": result += "\\n"
            default: result.append(character)
            }
        }
        return result
    }

}
