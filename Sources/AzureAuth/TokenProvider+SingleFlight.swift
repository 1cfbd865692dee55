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

extension TokenProvider {
    /// Returns the cached value while it is before its refresh time, else joins or starts the one request for
    /// `key`. A failed request leaves no entry, so the next caller tries again.
    func shared<Value: Expiring>(
        read: () -> Entry<Value>?, write: (Entry<Value>?) -> Void, logger: Logger,
        fetch: @escaping @Sendable (isolated TokenProvider) async throws -> Value
    ) async throws -> Value {
        let current = now()
        switch read() {
        case .ready(let value, let refreshAt) where current < refreshAt:
            return value
        case .inFlight(let task):
            return try checked(try await task.value)
        default:
            break
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
