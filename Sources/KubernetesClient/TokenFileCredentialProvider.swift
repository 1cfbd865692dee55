import Foundation
import PullKeeperCore
import Synchronization

/// A bearer token read from a file and re-read once `rereadInterval` passed (the kubelet rotates projected
/// service-account tokens; client-go re-reads every minute), or at once after a 401.
public final class TokenFileCredentialProvider<C: Clock>: KubernetesCredentialProvider where C.Duration == Duration {
    public let path: String
    public let rereadInterval: Duration
    private let clock: C
    private let cached: Mutex<(token: String, readAt: C.Instant)?>

    public init(path: String, rereadInterval: Duration = .seconds(60), clock: C) {
        self.path = path
        self.rereadInterval = rereadInterval
        self.clock = clock
        self.cached = Mutex(nil)
    }

    public func credentials(refresh: Bool) async throws -> KubernetesCredentials {
        let now = clock.now
        if !refresh, let hit = cached.withLock({ $0 }), hit.readAt.duration(to: now) < rereadInterval {
            return KubernetesCredentials(token: hit.token)
        }
        let token = try Self.read(path)
        cached.withLock { $0 = (token, now) }
        return KubernetesCredentials(token: token)
    }

    static func read(_ path: String) throws -> String {
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw KubernetesError(
                kind: .configuration, operation: "read token file",
                message: "cannot read token file \(path): \(error.localizedDescription)")
        }
        let token = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !token.isEmpty else {
            throw KubernetesError(kind: .configuration, operation: "read token file", message: "\(path) is empty")
        }
        return token
    }
}

extension TokenFileCredentialProvider where C == ContinuousClock {
    /// A provider on the continuous clock.
    public convenience init(path: String, rereadInterval: Duration = .seconds(60)) {
        self.init(path: path, rereadInterval: rereadInterval, clock: ContinuousClock())
    }
}
