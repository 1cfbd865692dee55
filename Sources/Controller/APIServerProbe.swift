import KubernetesClient
import KubernetesModel
import Logging
import PullKeeperCore

/// The "can reach the API server" half of `/readyz` (PRODUCT.md §5): one cheap authorised call (list namespaces,
/// limit 1: a call the controller's RBAC allows), bounded in time and remembered for `ttl`, so kubelet's probes do
/// not become API traffic of their own. A replica whose API server is gone, or that is no longer allowed to read
/// it, reports not ready instead of serving stale caches as if nothing were wrong.
public actor APIServerProbe {
    let client: any KubernetesClient
    let ttl: Duration
    let timeout: Duration
    let logger: Logger
    private var last: (at: ContinuousClock.Instant, problem: String?)?
    private var inFlight: Task<String?, Never>?

    /// A probe through `client`; answers are reused for `ttl`, a call taking longer than `timeout` counts as failed.
    public init(
        client: any KubernetesClient, ttl: Duration = .seconds(5), timeout: Duration = .seconds(2),
        logger: Logger
    ) {
        self.client = client
        self.ttl = ttl
        self.timeout = timeout
        self.logger = logger
    }

    /// Whether the API server answered the last probe (made now when the remembered answer is older than `ttl`).
    public func reachable() async -> Bool { await problem() == nil }

    /// Why the API server cannot be used now (nil when it answered the last probe).
    public func problem() async -> String? {
        if let last, ContinuousClock.now - last.at < ttl { return last.problem }
        // Probes arriving together share one call.
        let task = inFlight ?? Task { [client, timeout] in await Self.call(client: client, timeout: timeout) }
        inFlight = task
        let failure = await task.value
        inFlight = nil
        let wasReachable = last.map { $0.problem == nil }
        if let failure, wasReachable != false {
            logger.warning("readiness: the API server did not answer the probe", metadata: ["error": "\(failure)"])
        } else if failure == nil, wasReachable == false {
            logger.info("readiness: the API server answers again")
        }
        let problem = failure.map { "the API server did not answer: \($0)" }
        last = (ContinuousClock.now, problem)
        return problem
    }

    /// nil when the API server answered, else what went wrong.
    private static func call(client: any KubernetesClient, timeout: Duration) async -> String? {
        await withTaskGroup(of: String?.self) { group in
            group.addTask {
                do {
                    _ = try await client.list(Namespace.self, namespace: nil, options: ListOptions(limit: 1))
                    return nil
                } catch {
                    return "\(error)"
                }
            }
            group.addTask {
                try? await Task.sleep(for: timeout)
                return "no answer within \(timeout)"
            }
            let first = await group.next() ?? "cancelled"
            group.cancelAll()
            return first
        }
    }
}
