import AzureAuth
import Foundation
import Logging
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
    private let requests: AsyncStream<Fetch>
    private let submit: AsyncStream<Fetch>.Continuation
    private let state = Mutex(State())

    private struct State {
        var running: [CredentialRequest: Fetch] = [:]
        var waiters = 0
        var stopped = false
    }

    public init(
        factory: CredentialFactory, provider: TokenProvider, logger: Logger, maxWaiters: Int = 4,
        waitLimit: Duration = .seconds(10), clock: RuntimeClock = .system
    ) {
        self.factory = factory
        self.provider = provider
        self.logger = logger
        self.maxWaiters = maxWaiters
        self.waitLimit = waitLimit
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
                        self.state.withLock { _ = $0.running.removeValue(forKey: fetch.request) }
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
    func boundedOutcome(_ request: CredentialRequest) async -> CredentialOutcome {
        if let cached = await cachedOutcome(request) { return cached }
        let fetch: Fetch? = state.withLock { state in
            if let running = state.running[request] { return running }
            guard !state.stopped else { return nil }
            let fetch = Fetch(request)
            state.running[request] = fetch
            submit.yield(fetch)
            return fetch
        }
        guard let fetch else { return .pending }
        let mayWait = state.withLock { state in
            guard state.waiters < maxWaiters else { return false }
            state.waiters += 1
            return true
        }
        guard mayWait else { return .pending }
        defer { state.withLock { $0.waiters -= 1 } }
        return await withTaskGroup(of: CredentialOutcome?.self) { group in
            group.addTask { await fetch.value() }
            group.addTask { [clock, waitLimit] in
                try? await clock.sleep(for: waitLimit)
                return nil
            }
            defer { group.cancelAll() }
            let first = await group.next() ?? nil
            return first ?? .pending
        }
    }

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
        private let state = Mutex<
            (outcome: CredentialOutcome?, waiters: [Int: CheckedContinuation<CredentialOutcome?, Never>], next: Int)
        >(
            (nil, [:], 0))

        init(_ request: CredentialRequest) { self.request = request }

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
