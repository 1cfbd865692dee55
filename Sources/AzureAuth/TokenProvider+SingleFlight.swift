import Foundation
import Logging

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
    /// joins or starts the one request for `key`. A failed request leaves no entry, so the next caller tries again.
    func shared<Value: Expiring>(
        read: () -> Entry<Value>?, write: (Entry<Value>?) -> Void, mustExpireAfter: Date? = nil, logger: Logger,
        fetch: @escaping @Sendable (isolated TokenProvider) async throws -> Value
    ) async throws -> Value {
        // Re-read after every suspension: while we waited, another caller may have cached or started a newer one.
        while case .inFlight(let task) = read() {
            let value = try checked(try await task.value)
            // A request started before this caller's bound was known may bring a token that is still too old.
            if value.outlives(mustExpireAfter) { return value }
            if case .inFlight(let again) = read(), again == task { break }
        }
        if case .ready(let value, let refreshAt) = read(), now() < refreshAt, value.outlives(mustExpireAfter) {
            return value
        }
        let task = Task<Value, any Error> { try await fetch(self) }
        write(.inFlight(task))
        do {
            let value = try checked(try await task.value)
            write(.ready(value, refreshAt: refreshTime(for: value.expiry, obtained: now())))
            if let expiry = value.expiry {
                logger.debug("token cached", metadata: ["token.expires_at": "\(expiry)"])
            }
            return value
        } catch {
            write(nil)
            throw error
        }
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
}
