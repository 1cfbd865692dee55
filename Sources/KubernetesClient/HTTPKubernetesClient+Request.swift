import AsyncHTTPClient
import Foundation
import KubernetesModel
import Logging
import NIOCore
import NIOHTTP1
import PullKeeperCore

extension HTTPKubernetesClient {
    /// One logical call: verb and resource for metrics and errors, and whether 5xx/transport errors may retry.
    struct Call {
        var verb: String
        var resource: String
        var method: HTTPMethod
        var path: String
        var query: [(String, String)] = []
        var body: [UInt8]? = nil
        var contentType: String? = nil
        var idempotent: Bool
        var target: String
        /// A 429 is throttling to wait out, except where it is the answer (an eviction a disruption budget refuses).
        var retriesTooManyRequests = true

        var operation: String { "\(verb) \(resource)\(target.isEmpty ? "" : " " + target)" }
    }

    static let maxResponseBytes = 64 * 1024 * 1024

    /// Runs a call with rate limit, credentials, deadline and retries; returns the 2xx body.
    func perform(_ call: Call) async throws -> [UInt8] {
        let timeout = configuration.requestTimeout
        let operation = call.operation
        return try await withDeadline(timeout, operation: operation) {
            try await self.performWithRetries(call, deadline: ContinuousClock.now + timeout)
        }
    }

    private func performWithRetries(_ call: Call, deadline: ContinuousClock.Instant) async throws -> [UInt8] {
        var attempt = 0
        var refreshCredentials = false
        var refreshedOnce = false
        while true {
            attempt += 1
            let outcome: Outcome
            do {
                outcome = try await attemptOnce(call, refreshCredentials: refreshCredentials, deadline: deadline)
            } catch let error as KubernetesError where error.kind == .transport {
                guard call.idempotent, attempt < configuration.retry.maxAttempts else { throw error }
                try await sleepBeforeRetry(call, attempt: attempt, retryAfter: nil, deadline: deadline, error)
                continue
            }
            refreshCredentials = false
            switch outcome {
            case .success(let body):
                return body
            case .failure(let error, let retryAfter):
                if error.isUnauthorized, !refreshedOnce, configuration.credentials != nil {
                    // A rotated token or an expired exec credential: fetch fresh ones once.
                    refreshedOnce = true
                    refreshCredentials = true
                    attempt -= 1
                    continue
                }
                let retryable =
                    (error.isTooManyRequests && call.retriesTooManyRequests)
                    || (call.idempotent && [500, 502, 503, 504].contains(error.code))
                guard retryable, attempt < configuration.retry.maxAttempts else { throw error }
                try await sleepBeforeRetry(call, attempt: attempt, retryAfter: retryAfter, deadline: deadline, error)
            }
        }
    }

    private enum Outcome {
        case success([UInt8])
        case failure(KubernetesError, retryAfter: Duration?)
    }

    private func sleepBeforeRetry(
        _ call: Call, attempt: Int, retryAfter: Duration?, deadline: ContinuousClock.Instant, _ error: KubernetesError
    ) async throws {
        let delay = configuration.retry.delay(attempt: attempt, retryAfter: retryAfter)
        guard ContinuousClock.now + delay < deadline else { throw error }
        logger.debug(
            "retrying Kubernetes call",
            metadata: [
                "k8s.verb": "\(call.verb)", "k8s.resource": "\(call.resource)", "k8s.attempt": "\(attempt)",
                "k8s.code": "\(error.code.map(String.init) ?? "-")", "retry.delay": "\(delay)",
            ])
        try await configuration.retry.sleep(delay)
    }

    private func attemptOnce(
        _ call: Call, refreshCredentials: Bool, deadline: ContinuousClock.Instant
    ) async throws -> Outcome {
        try await limiter.acquire()
        let request = try await makeRequest(call, refreshCredentials: refreshCredentials)
        let started = ContinuousClock.now
        let remaining = started.duration(to: deadline)
        do {
            let response = try await httpClient.execute(request, deadline: .now() + .init(remaining))
            let buffer = try await response.body.collect(upTo: Self.maxResponseBytes)
            let bytes = buffer.getBytes(at: buffer.readerIndex, length: buffer.readableBytes) ?? []
            let code = Int(response.status.code)
            record(call, code: code, since: started)
            if (200..<300).contains(code) { return .success(bytes) }
            let error = Self.error(call.operation, code: code, body: bytes)
            return .failure(error, retryAfter: RetryAfter.parse(header: { response.headers.first(name: $0) }))
        } catch let error as KubernetesError {
            throw error
        } catch let error as CancellationError {
            throw error
        } catch {
            record(call, code: nil, since: started)
            throw Self.transportError(call.operation, error)
        }
    }

    func record(_ call: Call, code: Int?, since started: ContinuousClock.Instant) {
        configuration.requestObserver?(
            KubernetesRequestRecord(
                verb: call.verb, resource: call.resource, code: code, duration: started.duration(to: .now)))
        logger.trace(
            "Kubernetes call",
            metadata: [
                "k8s.verb": "\(call.verb)", "k8s.resource": "\(call.resource)", "k8s.target": "\(call.target)",
                "http.status": "\(code.map(String.init) ?? "-")",
            ])
    }

    func makeRequest(_ call: Call, refreshCredentials: Bool) async throws -> HTTPClientRequest {
        var request = HTTPClientRequest(url: baseURL + call.path + Self.encodeQuery(call.query))
        request.method = call.method
        request.headers.add(name: "Accept", value: "application/json")
        request.headers.add(name: "User-Agent", value: configuration.userAgent)
        if let provider = configuration.credentials {
            let credentials = try await provider.credentials(refresh: refreshCredentials)
            if let token = credentials.token {
                request.headers.add(name: "Authorization", value: "Bearer \(token)")
            }
            if let tls = try tls(for: credentials) { request.tlsConfiguration = tls }
        }
        if let body = call.body {
            request.headers.add(name: "Content-Type", value: call.contentType ?? "application/json")
            request.body = .bytes(body)
        }
        return request
    }

    static func error(_ operation: String, code: Int, body: [UInt8]) -> KubernetesError {
        let status = try? JSONDecoder().decode(Status.self, from: Data(body))
        let usable = status?.code != nil || status?.reason != nil ? status : nil
        let message = usable?.message ?? HTTPResponseStatus(statusCode: code).reasonPhrase
        return KubernetesError(kind: .server, operation: operation, message: message, status: usable, httpStatus: code)
    }

    static func transportError(_ operation: String, _ error: any Error) -> KubernetesError {
        if let http = error as? HTTPClientError, http == .deadlineExceeded {
            return KubernetesError(kind: .timeout, operation: operation, message: "deadline exceeded")
        }
        return KubernetesError(kind: .transport, operation: operation, message: "\(error)")
    }

    static let queryAllowed: CharacterSet = {
        var set = CharacterSet.alphanumerics
        set.insert(charactersIn: "-._~")
        return set
    }()

    static func encodeQuery(_ items: [(String, String)]) -> String {
        guard !items.isEmpty else { return "" }
        return "?"
            + items.map { key, value in
                let k = key.addingPercentEncoding(withAllowedCharacters: queryAllowed) ?? key
                let v = value.addingPercentEncoding(withAllowedCharacters: queryAllowed) ?? value
                return "\(k)=\(v)"
            }.joined(separator: "&")
    }

    static func encodePathSegment(_ segment: String) -> String {
        segment.addingPercentEncoding(withAllowedCharacters: queryAllowed) ?? segment
    }
}

/// Runs `body`, failing with a `.timeout` KubernetesError when it does not finish within `timeout`.
func withDeadline<T: Sendable>(
    _ timeout: Duration, operation: String, _ body: @escaping @Sendable () async throws -> T
) async throws -> T {
    try await withThrowingTaskGroup(of: T?.self) { group in
        group.addTask { try await body() }
        group.addTask {
            try await Task.sleep(for: timeout)
            return nil
        }
        defer { group.cancelAll() }
        guard let first = try await group.next(), let value = first else {
            throw KubernetesError(kind: .timeout, operation: operation, message: "no answer within \(timeout)")
        }
        return value
    }
}
