import AzureAuth
import Foundation
import Synchronization

/// The real HTTPS transport with a tap: every exchange is kept, so tests can read what went over the wire and
/// collect the secret values that logs and error messages must never show.
final class RecordingTransport: HTTPTransport {
    struct Exchange: Sendable {
        var request: HTTPRequestData
        /// nil when the transport threw.
        var response: HTTPResponseData?
    }

    private let inner: AsyncHTTPTransport
    private let log = Mutex<[Exchange]>([])

    init(_ inner: AsyncHTTPTransport) { self.inner = inner }

    func send(_ request: HTTPRequestData) async throws -> HTTPResponseData {
        do {
            let response = try await inner.send(request)
            log.withLock { $0.append(Exchange(request: request, response: response)) }
            return response
        } catch {
            log.withLock { $0.append(Exchange(request: request, response: nil)) }
            throw error
        }
    }

    func shutdown() async throws { try await inner.shutdown() }

    var exchanges: [Exchange] { log.withLock { $0 } }

    /// Requests whose URL path ends with `suffix`.
    func requests(path suffix: String) -> [HTTPRequestData] {
        exchanges.map(\.request).filter { (URLComponents(string: $0.url)?.path ?? $0.url).hasSuffix(suffix) }
    }

    /// Every credential-bearing value seen on the wire: secret, assertion and token form fields, `Authorization`
    /// and `X-IDENTITY-HEADER` values, and the tokens in answers.
    var sensitiveValues: Set<String> {
        var values: Set<String> = []
        for exchange in exchanges {
            let form = exchange.request.form
            for name in ["client_secret", "client_assertion", "access_token", "refresh_token", "password"] {
                values.formUnion(form[name] ?? [])
            }
            for name in ["Authorization", "X-IDENTITY-HEADER"] {
                guard let value = exchange.request.header(name) else { continue }
                values.insert(value)
                if let space = value.firstIndex(of: " ") { values.insert(String(value[value.index(after: space)...])) }
            }
            if let body = exchange.response?.body,
                let object = (try? JSONSerialization.jsonObject(with: Data(body))) as? [String: Any]
            {
                for name in ["access_token", "refresh_token", "token"] {
                    if let token = object[name] as? String { values.insert(token) }
                }
            }
        }
        values.remove("")
        return values
    }
}
