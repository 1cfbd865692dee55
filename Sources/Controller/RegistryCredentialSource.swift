import AzureAuth
import Crypto
import Foundation
import Logging
import PullKeeperCore
import Reconciler
import Synchronization

/// The controller's `CredentialSource`: the shared `TokenProvider` for Entra-based identities, the files for static
/// ones, and the self-check. Each new credential is tried against its registry once (callers asking about the same
/// credential at the same time share that one probe); a static identity whose `password` is refused falls back to
/// `password2`.
public final class RegistryCredentialSource: CredentialSource {
    let factory: CredentialFactory
    let provider: TokenProvider
    let probe: RegistryProbe?
    let logger: Logger
    /// How long an accepted static credential is trusted before it is probed again (a password rotated at the
    /// registry brings no file change, so only a new probe notices it).
    let staticRecheck: Duration
    let now: @Sendable () -> Date
    private let probes = Mutex<[String: ProbeEntry]>([:])
    /// Passes waiting for a request that is not cached (at most `maxWaiters`).
    private let waiters = Mutex(0)
    let maxWaiters: Int
    let waitLimit: Duration

    private enum ProbeEntry {
        case running(Task<RegistryProbe.Outcome, Never>)
        case accepted(until: Date)
    }

    /// `probe` nil turns the self-check off (config `selfCheck: false`).
    public init(
        factory: CredentialFactory, provider: TokenProvider, probe: RegistryProbe?, logger: Logger,
        staticRecheck: Duration = .seconds(300), maxWaiters: Int = 4, waitLimit: Duration = .seconds(10),
        now: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.maxWaiters = maxWaiters
        self.waitLimit = waitLimit
        self.factory = factory
        self.provider = provider
        self.probe = probe
        self.logger = logger
        self.staticRecheck = staticRecheck
        self.now = now
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

    /// A cached answer at once; otherwise the request runs in the background, and this pass waits for it only
    /// while fewer than `maxWaiters` passes wait and for at most `waitLimit`. A slow token service (IMDS retrying
    /// through an upgrade for a minute) thus never holds every worker: the other namespaces keep being served, and
    /// this one comes back (`pending`) once the shared request has finished.
    func boundedOutcome(_ request: CredentialRequest) async -> CredentialOutcome {
        if let cached = await cachedOutcome(request) { return cached }
        let work = Task { await self.outcome(request) }
        let mayWait = waiters.withLock { count in
            guard count < maxWaiters else { return false }
            count += 1
            return true
        }
        defer { if mayWait { waiters.withLock { $0 -= 1 } } }
        if mayWait, let outcome = await Self.value(of: work, within: waitLimit) { return outcome }
        return .failure(
            CredentialFailure(
                message: "the token request for identity \(request.identity) is still in progress", retryable: true,
                reason: CredentialFailure.pending))
    }

    /// The outcome without any network request, when the token cache and the self-check memo both have it.
    private func cachedOutcome(_ request: CredentialRequest) async -> CredentialOutcome? {
        guard let identity = try? factory.identity(named: request.identity), case .entra = identity.kind else {
            return nil
        }
        let target = factory.registry(request.registry)
        guard
            let credential = await provider.cachedCredential(
                identity: identity, registry: target, scope: request.scope, mustExpireAfter: request.mustExpireAfter)
        else { return nil }
        let login = RegistryLogin(username: credential.username, password: credential.password)
        if probe != nil {
            let key = Self.fingerprint(login, registry: target.loginServer, scope: request.scope)
            let date = now()
            let accepted = probes.withLock { probes -> Bool in
                if case .accepted(let until) = probes[key], until > date { return true }
                return false
            }
            guard accepted else { return nil }
        }
        return .success(
            PullCredential(
                username: credential.username, password: credential.password, expiresOn: credential.expiresOn))
    }

    /// The task's value, or nil when it takes longer than `limit` (the task keeps running).
    static func value<T: Sendable>(of task: Task<T, Never>, within limit: Duration) async -> T? {
        await withCheckedContinuation { continuation in
            let gate = ResumeOnce(continuation)
            let timer = Task {
                try? await Task.sleep(for: limit)
                gate.resume(nil)
            }
            Task {
                let value = await task.value
                timer.cancel()
                gate.resume(value)
            }
        }
    }

    func outcome(_ request: CredentialRequest) async -> CredentialOutcome {
        let identity: RegistryIdentity
        do {
            identity = try factory.identity(named: request.identity)
        } catch {
            return .failure(Self.failure(error))
        }
        let target = factory.registry(request.registry)
        switch identity.kind {
        case .static(let credential):
            return await staticOutcome(credential, target: target)
        case .entra:
            let credential: AzureAuth.RegistryCredential
            do {
                credential = try await provider.credential(
                    identity: identity, registry: target, scope: request.scope,
                    mustExpireAfter: request.mustExpireAfter)
            } catch {
                return .failure(Self.failure(error))
            }
            let login = RegistryLogin(username: credential.username, password: credential.password)
            let until = credential.expiresOn ?? now().addingTimeInterval(staticRecheck.seconds)
            switch await check(login, target: target, scope: request.scope, acceptedUntil: until) {
            case .accepted:
                return .success(
                    PullCredential(
                        username: credential.username, password: credential.password,
                        expiresOn: credential.expiresOn))
            case .rejected(let reason):
                // Never hand this token out again: the next attempt fetches a new one.
                await provider.invalidate(identity: identity.name, loginServer: target.loginServer)
                return .failure(
                    CredentialFailure(
                        message: "the registry refused the new credential of identity \(identity.name): \(reason)",
                        retryable: true, reason: CredentialFailure.credentialRejected))
            case .unavailable(let reason):
                return .failure(
                    CredentialFailure(message: "self-check: the registry is unavailable: \(reason)", retryable: true))
            }
        }
    }

    /// `password` first, then `password2` when the registry refuses the first.
    private func staticOutcome(_ credential: StaticCredential, target: RegistryTarget) async -> CredentialOutcome {
        let logins: [RegistryLogin]
        do {
            logins = try credential.allLogins()
        } catch {
            return .failure(Self.failure(error))
        }
        guard !logins.isEmpty else {
            return .failure(
                CredentialFailure(
                    message: "cannot read the password file \(credential.passwordFile)"
                        + (credential.password2File.map { " nor the password2 file \($0)" } ?? ""),
                    retryable: true))
        }
        var refusals: [String] = []
        for (index, login) in logins.enumerated() {
            let until = now().addingTimeInterval(staticRecheck.seconds)
            switch await check(login, target: target, scope: nil, acceptedUntil: until) {
            case .accepted:
                if index > 0 {
                    logger.notice(
                        "registry refused password, using password2",
                        metadata: ["registry.host": "\(target.loginServer)"])
                }
                return .success(
                    PullCredential(username: login.username, password: login.password, expiresOn: nil))
            case .rejected(let reason):
                refusals.append("\(index == 0 ? "password" : "password2"): \(reason)")
            case .unavailable(let reason):
                return .failure(
                    CredentialFailure(message: "self-check: the registry is unavailable: \(reason)", retryable: true))
            }
        }
        return .failure(
            CredentialFailure(
                message: "the registry refused every static password (\(refusals.joined(separator: "; ")))",
                retryable: true, reason: CredentialFailure.credentialRejected))
    }

    /// One probe per distinct credential; an accepted one is trusted until `acceptedUntil`.
    private func check(
        _ login: RegistryLogin, target: RegistryTarget, scope: String?, acceptedUntil: Date
    ) async -> RegistryProbe.Outcome {
        guard let probe else { return .accepted }
        let key = Self.fingerprint(login, registry: target.loginServer, scope: scope)
        let date = now()
        let task: Task<RegistryProbe.Outcome, Never> = probes.withLock { probes in
            switch probes[key] {
            case .accepted(let until) where until > date:
                return Task { .accepted }
            case .running(let task):
                return task
            default:
                if probes.count > 10_000 {
                    probes = probes.filter { if case .accepted(let until) = $0.value { until > date } else { true } }
                }
                let logger = self.logger
                let task = Task {
                    await probe.check(
                        login, loginServer: target.loginServer, scope: scope, tls: target.tls, logger: logger)
                }
                probes[key] = .running(task)
                return task
            }
        }
        let outcome = await task.value
        probes.withLock { probes in
            guard case .running = probes[key] else { return }
            probes[key] = outcome == .accepted ? .accepted(until: acceptedUntil) : nil
        }
        return outcome
    }

    static func fingerprint(_ login: RegistryLogin, registry: String, scope: String?) -> String {
        let text = "\(registry)\u{0}\(scope ?? "")\u{0}\(login.username)\u{0}\(login.password)"
        return SHA256.hash(data: Data(text.utf8)).map { String(format: "%02x", $0) }.joined()
    }

    static func failure(_ error: any Error) -> CredentialFailure {
        if let error = error as? AzureAuthError {
            return CredentialFailure(message: error.description, retryable: error.isRetryable)
        }
        return CredentialFailure(message: "unexpected \(type(of: error))", retryable: true)
    }
}

/// Resumes a continuation once, from whichever side gets there first.
final class ResumeOnce<T: Sendable>: Sendable {
    private let continuation: Mutex<CheckedContinuation<T?, Never>?>

    init(_ continuation: CheckedContinuation<T?, Never>) {
        self.continuation = Mutex(continuation)
    }

    func resume(_ value: T?) {
        continuation.withLock { $0.take() }?.resume(returning: value)
    }
}
