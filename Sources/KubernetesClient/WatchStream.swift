import KubernetesModel

/// The events of one watch call, as an `AsyncSequence`. Iterate it once; it ends when the server closes the
/// watch and throws `KubernetesError` (e.g. `isGone`) when the server ends it with an error.
public struct WatchStream<R: KubernetesResource>: AsyncSequence, Sendable {
    public typealias Element = WatchEvent<R>

    private let makeNext: @Sendable () -> (() async throws -> WatchEvent<R>?)

    /// Wraps any sequence of events (test doubles build streams this way).
    public init<S: AsyncSequence & Sendable>(_ events: S) where S.Element == WatchEvent<R> {
        makeNext = {
            var iterator = events.makeAsyncIterator()
            return { try await iterator.next() }
        }
    }

    /// A stream that produces the given closure's results until it returns nil.
    public init(next makeNext: @escaping @Sendable () -> (() async throws -> WatchEvent<R>?)) {
        self.makeNext = makeNext
    }

    public struct AsyncIterator: AsyncIteratorProtocol {
        let next: () async throws -> WatchEvent<R>?

        public mutating func next() async throws -> WatchEvent<R>? {
            try await next()
        }
    }

    public func makeAsyncIterator() -> AsyncIterator {
        AsyncIterator(next: makeNext())
    }
}
