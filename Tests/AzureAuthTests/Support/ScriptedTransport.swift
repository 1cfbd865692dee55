import AzureAuth
import Foundation
import Synchronization

/// A transport double that answers from a script and records every request; an unexpected request fails loudly.
final class ScriptedTransport: HTTPTransport {
    typealias Handler = @Sendable (HTTPRequestData) throws -> HTTPResponseData

    private let state: Mutex<(answers: [Handler], requests: [HTTPRequestData])>
    private let fallback: Handler?

    /// Answers are consumed in order; `fallback` answers anything beyond them.
    init(_ answers: [Handler] = [], fallback: Handler? = nil) {
        state = Mutex((answers, []))
        self.fallback = fallback
    }

    var requests: [HTTPRequestData] { state.withLock { $0.requests } }

    func send(_ request: HTTPRequestData) async throws -> HTTPResponseData {
        let handler: Handler? = state.withLock { state in
            state.requests.append(request)
            return state.answers.isEmpty ? nil : state.answers.removeFirst()
        }
        guard let handler = handler ?? fallback else {
            throw ScriptError.unexpected(request.method.rawValue + " " + request.url)
        }
        return try handler(request)
    }

    enum ScriptError: Error { case unexpected(String) }
}

/// Canned answers.
enum Answer {
    static func json(_ status: Int, _ text: String, headers: [(String, String)] = []) -> ScriptedTransport.Handler {
        { _ in
            HTTPResponseData(
                status: status, headers: [("Content-Type", "application/json")] + headers, body: Array(text.utf8))
        }
    }

    static func raw(_ status: Int, _ bytes: [UInt8]) -> ScriptedTransport.Handler {
        { _ in HTTPResponseData(status: status, body: bytes) }
    }
}

/// Records the delays a retry policy asks for instead of sleeping.
final class SleepRecorder: Sendable {
    private let delays = Mutex<[Duration]>([])
    var recorded: [Duration] { delays.withLock { $0 } }
    var sleep: @Sendable (Duration) async throws -> Void {
        { duration in self.delays.withLock { $0.append(duration) } }
    }
}

/// Helpers to read a form body.
extension HTTPRequestData {
    var form: [String: [String]] {
        let text = String(decoding: body ?? [], as: UTF8.self)
        var result: [String: [String]] = [:]
        for pair in text.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1).map {
                String($0).replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? ""
            }
            result[parts[0], default: []].append(parts.count > 1 ? parts[1] : "")
        }
        return result
    }

    func header(_ name: String) -> String? {
        headers.first { $0.0.lowercased() == name.lowercased() }?.1
    }
}
