import Logging

extension KubernetesSimulator {
    /// How the simulated API server listens and behaves.
    public struct Configuration: Sendable {
        /// Address to bind; loopback by default.
        public var host = "127.0.0.1"
        /// Port to bind; 0 picks a free one (read it from `port` / `baseURL` after `start()`).
        public var port = 0
        /// Changes kept for watches; a watch or continue token from before the window gets 410 Expired.
        public var historyLimit = 10_000
        /// How long a list's continue token stays valid.
        public var continueTokenLifetime: Duration = .seconds(300)
        /// How long a deleted namespace stays Terminating (0: removed as soon as its contents are gone).
        public var namespaceDeletionDelay: Duration = .zero
        /// Interval between BOOKMARK events on watches that asked for them.
        public var bookmarkInterval: Duration = .seconds(10)
        /// Watch duration when the client sends no `timeoutSeconds`.
        public var defaultWatchTimeout: Duration = .seconds(1800)
        /// Namespaces that exist from the start (each with its `default` ServiceAccount).
        public var initialNamespaces = ["default", "kube-system", "kube-public", "kube-node-lease"]
        /// The admin's bearer token (member of `system:masters`); random when nil.
        public var adminToken: String?
        /// Seed of the fault injector's random numbers.
        public var faultSeed: UInt64 = 0x5EED
        /// Fault rules active from the start.
        public var faults: [FaultRule] = []
        /// Audit records kept (oldest dropped first).
        public var auditLimit = 100_000
        /// Logger for server events (never request bodies).
        public var logger = Logger(label: "pullkeeper.kubernetes-simulator")

        /// Defaults: loopback, ephemeral port, 10,000 changes of history.
        public init() {}
    }
}
