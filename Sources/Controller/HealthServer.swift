import Hummingbird
import Logging
import NIOCore
import ServiceLifecycle

/// `/healthz` (process alive), `/readyz` (caches synced and the API server reachable) and `/metrics` (Prometheus
/// text), on their own address. A `Service`: it stops on the graceful shutdown of the group that runs it and never
/// handles signals itself (the process's one `ServiceGroup` owns them; a second owner would stop this server on its
/// own, which the group reports as a service that finished unexpectedly).
public struct HealthServer: Service {
    public let host: String
    public let port: Int
    let metrics: ControllerMetrics
    let isReady: @Sendable () async -> Controller.Readiness
    let logger: Logger
    let onBound: @Sendable (Int) async -> Void

    public init(
        host: String, port: Int, metrics: ControllerMetrics, logger: Logger,
        isReady: @escaping @Sendable () async -> Controller.Readiness,
        onBound: @escaping @Sendable (Int) async -> Void = { _ in }
    ) {
        self.host = host
        self.port = port
        self.metrics = metrics
        self.isReady = isReady
        self.logger = logger
        self.onBound = onBound
    }

    public func run() async throws {
        let router = Router()
        router.get("healthz") { _, _ in "ok\n" }
        router.get("readyz") { _, _ -> Response in
            let readiness = await isReady()
            let text = readiness.ready ? "ok\n" : "not ready: \(readiness.reason ?? "unknown")\n"
            return Response(
                status: readiness.ready ? .ok : .serviceUnavailable,
                body: ResponseBody(byteBuffer: ByteBuffer(string: text)))
        }
        router.get("metrics") { _, _ -> Response in
            var headers = HTTPFields()
            headers[.contentType] = "text/plain; version=0.0.4; charset=utf-8"
            return Response(
                status: .ok, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(string: metrics.render())))
        }
        let onBound = self.onBound
        let app = Application(
            router: router, configuration: .init(address: .hostname(host, port: port), serverName: nil),
            onServerRunning: { channel in await onBound(channel.localAddress?.port ?? 0) },
            logger: logger)
        try await app.run()
    }
}
