import AzureAuth
import Foundation
import Logging
import PullKeeperConfig
import PullKeeperCore
import Reconciler
import ServiceLifecycle
import Synchronization

/// The controller's `CredentialSource`: the shared `TokenProvider` (which also runs the self-check) for every
/// identity. A `Service`: credential requests that are not answered from the cache run as child tasks of its
/// `run()`, so a slow token service never holds a pass for long and shutdown cancels what is still running.
public final class RegistryCredentialSource: CredentialSource, ServiceLifecycle.Service {
    let factory: CredentialFactory
    let provider: TokenProvider
    let logger: Logger
    let clock: RuntimeClock
    /// Passes waiting for a request that is not cached (at most `maxWaiters`); the others hear `pending` at once.
    let maxWaiters: Int
    /// How long a pass waits for a request that is not cached before it hears `pending`.
    let waitLimit: Duration
    /// How long a request may stay unanswered before passes hear it as a failure (while it keeps running): the
    /// bound on "pending" without a Warning Event.
    let pendingLimit: Duration
    /// How long a pass waits for a retry when the request's last attempt failed: a quick answer (a recovery, or the
    /// same fast failure) is heard at once, a slow one is not waited for, since the last failure is the news.
    static let retryWait = Duration.seconds(1)
    private let requests: AsyncStream<Fetch>
    private let submit: AsyncStream<Fetch>.Continuation
    private let state = Mutex(State())

    private struct State {
        var running: [CredentialRequest: Fetch] = [:]
        /// The last failure of each identity × registry × scope, until a request for it succeeds.
        var failures: [FailureKey: CredentialFailure] = [:]
        var waiters = 0
        var stopped = false
    }

    /// What a failure is remembered by: the request without its `mustExpireAfter`, which differs per namespace.
    struct FailureKey: Hashable {
        var identity: String
        var registry: String
        var scope: String?

        init(_ request: CredentialRequest) {
            identity = request.identity
            registry = request.registry
            scope = request.scope
        }
    }

    public init(
        factory: CredentialFactory, provider: TokenProvider, logger: Logger, maxWaiters: Int = 4,
        waitLimit: Duration = Timeouts.passWait, pendingLimit: Duration = .seconds(30), clock: RuntimeClock = .system
    ) {
        self.factory = factory
        self.provider = provider
        self.logger = logger
        self.maxWaiters = maxWaiters
        self.waitLimit = waitLimit
        self.pendingLimit = pendingLimit
        self.clock = clock
        (requests, submit) = AsyncStream.makeStream(bufferingPolicy: .unbounded)
    }

    /// Runs the requests passes could not wait for, until graceful shutdown cancels them.
    public func run() async throws {
        await withDiscardingTaskGroup { group in
            await withGracefulShutdownHandler {
                for await fetch in requests {
                    group.addTask {
                        let outcome = await self.outcome(fetch.request)
                        self.state.withLock { state in
                            _ = state.running.removeValue(forKey: fetch.request)
                            switch outcome {
                            case .failed(let failure): state.failures[FailureKey(fetch.request)] = failure
                            case .ready: state.failures[FailureKey(fetch.request)] = nil
                            case .pending: break
                            }
                        }
                        fetch.finish(outcome)
                    }
                }
            } onGracefulShutdown: {
                self.state.withLock { $0.stopped = true }
                self.submit.finish()
            }
            group.cancelAll()
        }
    }

    public func credentials(for requests: [CredentialRequest]) async -> [String: CredentialOutcome] {
        await withTaskGroup(of: (String, CredentialOutcome).self) { group in
            for request in requests {
                group.addTask { (request.registry, await self.boundedOutcome(request)) }
            }
            var outcomes: [String: CredentialOutcome] = [:]
            for await (registry, outcome) in group { outcomes[registry] = outcome }
            return outcomes
        }
    }

    /// A cached answer at once; otherwise the request runs in `run()`, and this pass waits for it only while fewer
    /// than `maxWaiters` passes wait and for at most `waitLimit`. A slow token service (IMDS retrying through an
    /// upgrade for a minute) thus never holds every worker: the other namespaces keep being served, and this one
    /// comes back (`pending`) once the shared request has finished.
    ///
    /// "Pending" is silent, so it is bounded: when the request's last attempt failed, a pass that does not get a
    /// quick answer hears that failure; and a request unanswered for `pendingLimit` is a failure in itself. Every
    /// cause is thus heard within `pendingLimit` plus one pending requeue (at most 5 s) and `retryWait`.
    func boundedOutcome(_ request: CredentialRequest) async -> CredentialOutcome {
        if let cached = await cachedOutcome(request) { return cached }
        let now = clock.now()
        let found: (fetch: Fetch, lastFailure: CredentialFailure?)? = state.withLock { state in
            let lastFailure = state.failures[FailureKey(request)]
            if let running = state.running[request] { return (running, lastFailure) }
            guard !state.stopped else { return nil }
            let fetch = Fetch(request, started: now)
            state.running[request] = fetch
            submit.yield(fetch)
            return (fetch, lastFailure)
        }
        guard let (fetch, lastFailure) = found else { return .pending }
        // Waiting ends at the pending limit, so that the pass reports it rather than one more "pending".
        let untilLimit = fetch.started + pendingLimit - now
        let wait = min(lastFailure == nil ? waitLimit : Self.retryWait, max(.zero, untilLimit))
        let mayWait = state.withLock { state in
            guard wait > .zero, state.waiters < self.maxWaiters else { return false }
            state.waiters += 1
            return true
        }
        if mayWait {
            defer { state.withLock { $0.waiters -= 1 } }
            let answer = await withTaskGroup(of: CredentialOutcome?.self) { group in
                group.addTask { await fetch.value() }
                group.addTask { [clock] in
                    try? await clock.sleep(for: wait)
                    return nil
                }
                defer { group.cancelAll() }
                return await group.next() ?? nil
            }
            if let answer { return answer }
        }
        if let lastFailure { return .failed(lastFailure) }
        let age = clock.now() - fetch.started
        guard age >= pendingLimit else { return .pending }
        return .failed(
            CredentialFailure(
                message: "registry \(request.registry): no credential after \(Self.seconds(age)) s (timed out after "
                    + "\(Self.seconds(pendingLimit)) s; the request is still running and is retried)",
                retryable: true))
    }

    static func seconds(_ duration: Duration) -> Int { Int(duration.components.seconds) }

    /// The outcome without any network request, when the token cache has a checked credential.
    private func cachedOutcome(_ request: CredentialRequest) async -> CredentialOutcome? {
        guard let identity = try? factory.identity(named: request.identity), case .entra = identity.kind else {
            return nil
        }
        guard
            let credential = await provider.cachedCredential(
                identity: identity, registry: factory.registry(request.registry), scope: request.scope,
                mustExpireAfter: request.mustExpireAfter)
        else { return nil }
        return .ready(
            PullCredential(
                username: credential.username, password: credential.password, expiresOn: credential.expiresOn))
    }

    /// Asks the token cache (which runs the self-check); every failure becomes a `CredentialFailure` in words.
    func outcome(_ request: CredentialRequest) async -> CredentialOutcome {
        do {
            let identity = try factory.identity(named: request.identity)
            let credential = try await provider.credential(
                identity: identity, registry: factory.registry(request.registry), scope: request.scope,
                mustExpireAfter: request.mustExpireAfter)
            return .ready(
                PullCredential(
                    username: credential.username, password: credential.password, expiresOn: credential.expiresOn))
        } catch {
            return .failed(Self.failure(error))
        }
    }

    static func failure(_ error: any Error) -> CredentialFailure {
        guard let error = error as? AzureAuthError else {
            if error is CancellationError {
                return CredentialFailure(message: "the token request was cancelled (shutting down)", retryable: true)
            }
            return CredentialFailure(message: "unexpected \(type(of: error))", retryable: true)
        }
        let reason =
            error.code == .credentialRejected ? CredentialFailure.credentialRejected : CredentialFailure.tokenFailed
        return CredentialFailure(message: error.description, retryable: error.isRetryable, reason: reason)
    }

    /// One request being fetched in `run()`, and the passes waiting for it.
    final class Fetch: Sendable {
        let request: CredentialRequest
        /// When it was started, on the runtime clock.
        let started: Duration
        private let state = Mutex<
            (outcome: CredentialOutcome?, waiters: [Int: CheckedContinuation<CredentialOutcome?, Never>], next: Int)
        >(
            (nil, [:], 0))

        init(_ request: CredentialRequest, started: Duration) {
            self.request = request
            self.started = started
        }

        func finish(_ outcome: CredentialOutcome) {
            let waiters = state.withLock { state in
                state.outcome = outcome
                defer { state.waiters.removeAll() }
                return Array(state.waiters.values)
            }
            for waiter in waiters { waiter.resume(returning: outcome) }
        }

        /// The outcome once finished; nil when the waiting task is cancelled first.
        func value() async -> CredentialOutcome? {
            let id = state.withLock { state -> Int in
                state.next += 1
                return state.next
            }
            return await withTaskCancellationHandler {
                await withCheckedContinuation { continuation in
                    let ready = state.withLock { state -> CredentialOutcome?? in
                        if let outcome = state.outcome { return .some(outcome) }
                        if Task.isCancelled { return .some(nil) }
                        state.waiters[id] = continuation
                        return .none
                    }
                    if let ready { continuation.resume(returning: ready) }
                }
            } onCancel: {
                state.withLock { $0.waiters.removeValue(forKey: id) }?.resume(returning: nil)
            }
        }
    }
}
