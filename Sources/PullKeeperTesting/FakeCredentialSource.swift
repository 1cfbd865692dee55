import Controller
import Foundation
import Reconciler
import Synchronization

/// A `CredentialSource` that answers from a script: by default every request gets a token that expires
/// `lifetime` after the clock's now. Counts the requests it answered, by identity and registry.
public final class FakeCredentialSource: CredentialSource {
    public typealias Script = @Sendable (CredentialRequest) -> CredentialOutcome

    private let state: Mutex<(script: Script, answered: [String: Int], serial: Int)>
    private let now: @Sendable () -> Date
    public let lifetime: TimeInterval

    public init(
        lifetime: TimeInterval = 3600, now: @escaping @Sendable () -> Date, script: Script? = nil
    ) {
        self.now = now
        self.lifetime = lifetime
        state = Mutex(((script ?? { _ in .pending }), [:], 0))
        if script == nil { setScript { [self] _ in self.freshToken() } }
    }

    /// Replaces the script.
    public func setScript(_ script: @escaping Script) {
        state.withLock { $0.script = script }
    }

    /// A new token (a distinct password each time) expiring `lifetime` from now.
    public func freshToken() -> CredentialOutcome {
        let serial = state.withLock { state -> Int in
            state.serial += 1
            return state.serial
        }
        return .ready(
            PullCredential(
                username: "00000000-0000-0000-0000-000000000000", password: "fake-token-\(serial)",
                expiresOn: now().addingTimeInterval(lifetime)))
    }

    /// How many requests were answered for `identity` × `registry`.
    public func answered(identity: String, registry: String) -> Int {
        state.withLock { $0.answered["\(identity)|\(registry)", default: 0] }
    }

    public func credentials(for requests: [CredentialRequest]) async -> [String: CredentialOutcome] {
        var outcomes: [String: CredentialOutcome] = [:]
        for request in requests {
            let script = state.withLock { state in
                state.answered["\(request.identity)|\(request.registry)", default: 0] += 1
                return state.script
            }
            outcomes[request.registry] = script(request)
        }
        return outcomes
    }
}
