import Foundation
import Logging
import PullKeeperCore

/// Anything with an expiry the cache can judge.
protocol Expiring: Sendable {
    var expiry: Date? { get }
}

extension AccessToken: Expiring {
    var expiry: Date? { expiresOn }
}

extension RegistryCredential: Expiring {
    var expiry: Date? { expiresOn }
}

extension Expiring {
    /// Whether it expires after `bound` (always, without a bound or an expiry).
    func outlives(_ bound: Date?) -> Bool {
        guard let bound, let expiry else { return true }
        return expiry > bound
    }
}

extension TokenProvider {
    /// Returns the cached value while it is before its refresh time (and expires after `mustExpireAfter`), else
    /// joins or starts the one request for `key`. A failed request does not throw away a cached value that is
    /// still valid: callers it is good enough for get it (as azcore does), and the next caller due for a newer one
    /// tries again; with nothing valid cached, the error is the answer.
    /// `ttl` bounds how long a value without an expiry is reused (static logins); without it, forever.
    func shared<Value: Expiring>(
        read: () -> Entry<Value>?, write: (Entry<Value>?) -> Void, mustExpireAfter: Date? = nil,
        ttl: Duration? = nil, logger: Logger,
        fetch: @escaping @Sendable (isolated TokenProvider) async throws -> Value
    ) async throws -> Value {
        // Re-read after every suspension: while we waited, another caller may have cached or started a newer one.
        while case .inFlight(let task) = read() {
            let value: Value
            do {
                value = try checked(try await Self.awaitCancellable(task))
            } catch {
                // The request failed; its starter may have kept a still-valid value that is good enough.
                if let kept = usable(read(), mustExpireAfter) { return kept }
                throw error
            }
            // A request started before this caller's bound was known may bring a token that is still too old.
            if value.outlives(mustExpireAfter) { return value }
            if case .inFlight(let again) = read(), again == task { break }
        }
        if case .ready(let value, let refreshAt) = read(), now() < refreshAt, value.outlives(mustExpireAfter) {
            return value
        }
        let previous = read()
        let generation = invalidations
        let task = Task<Value, any Error> { try await fetch(self) }
        write(.inFlight(task))
        do {
            let value = try checked(try await Self.awaitCancellable(task))
            let obtained = now()
            let refreshAt =
                value.expiry == nil && ttl != nil
                ? obtained.addingTimeInterval(ttl?.seconds ?? 0) : refreshTime(for: value.expiry, obtained: obtained)
            write(.ready(value, refreshAt: refreshAt))
            if let expiry = value.expiry {
                logger.debug("token cached", metadata: ["token.expires_at": "\(expiry)"])
            }
            return value
        } catch {
            // Not when a token was invalidated meanwhile (a registry rejected it): that one stays gone.
            guard case .ready(let value, _) = previous, !isExpired(value), generation == invalidations,
                case .inFlight(let current) = read(), current == task
            else {
                if case .inFlight(let current) = read(), current == task { write(nil) }
                throw error
            }
            write(previous)
            guard value.outlives(mustExpireAfter) else { throw error }
            // Only the expiry and the error's code, as everywhere in AzureAuth: never the value or a server's text.
            let expiresAt = value.expiry.map { "\($0)" } ?? "never"
            let code = (error as? AzureAuthError).map { "\($0.code)" } ?? "\(type(of: error))"
            logger.warning(
                "refresh failed; the cached credential is still valid and used until it is replaced",
                metadata: ["credential.expires_at": "\(expiresAt)", "error.code": "\(code)"])
            return value
        }
    }

    /// A cached value that is still valid and expires after `bound`.
    private func usable<Value: Expiring>(_ entry: Entry<Value>?, _ bound: Date?) -> Value? {
        guard case .ready(let value, _) = entry, !isExpired(value), value.outlives(bound) else { return nil }
        return value
    }

    private func isExpired<Value: Expiring>(_ value: Value) -> Bool {
        value.expiry.map { $0 <= now() } ?? false
    }

    /// Refuses a value that is already expired (a skewed clock or a broken token service).
    private func checked<Value: Expiring>(_ value: Value) throws -> Value {
        if let expiry = value.expiry, expiry <= now() {
            throw AzureAuthError(code: .expiredToken, detail: "the token service issued an already expired token")
        }
        return value
    }

    /// Refresh `refreshMargin` before expiry, but never earlier than half-way through the lifetime.
    private func refreshTime(for expiry: Date?, obtained: Date) -> Date {
        guard let expiry else { return .distantFuture }
        let lifetime = expiry.timeIntervalSince(obtained)
        let margin = Double(refreshMargin.components.seconds) + Double(refreshMargin.components.attoseconds) / 1e18
        return expiry.addingTimeInterval(-min(margin, lifetime / 2))
    }

    /// The shared request's value; a caller that is cancelled (the controller shutting down) cancels the request
    /// too, so nothing is left waiting on a token service that does not answer.
    static func awaitCancellable<Value: Sendable>(_ task: Task<Value, any Error>) async throws -> Value {
        try await withTaskCancellationHandler {
            try await task.value
        } onCancel: {
            task.cancel()
        }
    }
}
