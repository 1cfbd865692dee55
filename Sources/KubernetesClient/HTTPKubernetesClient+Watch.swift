import AsyncHTTPClient
import Foundation
import KubernetesModel
import Logging
import NIOCore
import Synchronization

extension HTTPKubernetesClient {
    /// Opens the watch (bounded by `options.timeoutSeconds` on the server and by cancellation here).
    /// A 410 answer, or an ERROR event with code 410, throws a `KubernetesError` with `isGone`.
    public func watch<R: KubernetesResource>(
        _ type: R.Type, namespace: String?, options: WatchOptions
    ) async throws -> WatchStream<R> {
        let call = Call(
            verb: "watch", resource: R.plural, method: .GET, path: Self.path(type, namespace: namespace),
            query: options.queryItems, idempotent: true, target: namespace ?? "")
        let response = try await openWatch(call)
        let operation = call.operation
        let consumed = Mutex(false)
        return WatchStream<R> {
            let first = consumed.withLock { done in
                defer { done = true }
                return !done
            }
            guard first else {
                return {
                    throw KubernetesError(
                        kind: .configuration, operation: operation, message: "a watch stream can be iterated once")
                }
            }
            var lines = WatchLineDecoder<R>(operation: operation)
            var body = response.body.makeAsyncIterator()
            return {
                while true {
                    // A cancelled consumer stops here, even with a backlog of events already read.
                    if Task.isCancelled { return nil }
                    if let event = try lines.nextEvent() { return event }
                    do {
                        guard let chunk = try await body.next() else { return try lines.finish() }
                        try lines.append(chunk.readableBytesView)
                    } catch let error as KubernetesError {
                        throw error
                    } catch is CancellationError {
                        return nil
                    } catch {
                        if Task.isCancelled { return nil }
                        throw Self.transportError(operation, error)
                    }
                }
            }
        }
    }

    /// Sends the watch request and returns the 200 response; anything else becomes an error.
    private func openWatch(_ call: Call) async throws -> HTTPClientResponse {
        var refreshed = false
        while true {
            try await limiter.acquire()
            let request = try await makeRequest(call, refreshCredentials: refreshed)
            let started = ContinuousClock.now
            let response: HTTPClientResponse
            do {
                response = try await httpClient.execute(request, deadline: .now() + .init(configuration.requestTimeout))
            } catch let error as CancellationError {
                throw error
            } catch {
                record(call, code: nil, since: started)
                throw Self.transportError(call.operation, error)
            }
            let code = Int(response.status.code)
            record(call, code: code, since: started)
            if code == 200 { return response }
            let buffer = try await response.body.collect(upTo: Self.maxResponseBytes)
            let error = Self.error(
                call.operation, code: code,
                body: buffer.getBytes(at: buffer.readerIndex, length: buffer.readableBytes) ?? [])
            if error.isUnauthorized, !refreshed, configuration.credentials != nil {
                refreshed = true
                continue
            }
            throw error
        }
    }
}

/// Turns watch body bytes into typed events; an ERROR event becomes a thrown `KubernetesError`.
struct WatchLineDecoder<R: KubernetesResource> {
    let operation: String
    private var splitter = LineSplitter()
    /// Complete lines not yet decoded, from `next` on (an index, not `removeFirst`: a backlog can be thousands).
    private var ready: [[UInt8]] = []
    private var next = 0
    private let decoder = JSONDecoder()

    init(operation: String) { self.operation = operation }

    mutating func append<Bytes: Sequence<UInt8>>(_ bytes: Bytes) throws {
        if next == ready.count {
            ready.removeAll(keepingCapacity: true)
            next = 0
        }
        do {
            ready.append(contentsOf: try splitter.append(bytes))
        } catch {
            throw KubernetesError(kind: .decoding, operation: operation, message: "watch event line too long")
        }
    }

    mutating func nextEvent() throws -> WatchEvent<R>? {
        guard next < ready.count else { return nil }
        next += 1
        return try decode(ready[next - 1])
    }

    /// The last event when the stream ended without a newline, else nil.
    mutating func finish() throws -> WatchEvent<R>? {
        guard let rest = splitter.finish() else { return nil }
        return try decode(rest)
    }

    func decode(_ line: [UInt8]) throws -> WatchEvent<R> {
        let event: WatchEvent<R>
        do {
            event = try decoder.decode(WatchEvent<R>.self, from: Data(line))
        } catch {
            throw KubernetesError(kind: .decoding, operation: operation, message: "invalid watch event: \(error)")
        }
        if case .error(let status) = event {
            throw KubernetesError(
                kind: .server, operation: operation, message: status.message ?? "watch error", status: status,
                httpStatus: status.code)
        }
        return event
    }
}
