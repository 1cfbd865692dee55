import AsyncHTTPClient
import Foundation
import KubernetesClient
import KubernetesSimulator
import NIOCore
import NIOHTTP1
import Synchronization

/// A `KubernetesTransport` that hands every request to a `KubernetesSimulator` in-process: no socket, no TLS, the
/// real client on one side and the simulator's store, RBAC, validation and watches on the other. Interceptors
/// (per verb and resource, as controller-runtime's fake client has them) fail chosen calls before the simulator
/// sees them; every call is counted.
public final class InProcessKubernetes: KubernetesTransport {
    /// One call as an interceptor sees it.
    public struct Call: Sendable, Hashable, CustomStringConvertible {
        /// `get`, `list`, `watch`, `create`, `update`, `patch`, `delete`.
        public var verb: String
        /// The resource's plural (`secrets`), with `/subresource` when there is one.
        public var resource: String
        public var namespace: String?
        public var name: String?
        /// The bearer token the call carries (who is calling).
        public var token: String?

        public var description: String {
            "\(verb) \(resource) \(namespace.map { "\($0)/" } ?? "")\(name ?? "")"
        }
    }

    /// What an interceptor decides for a call.
    public enum Answer: Sendable {
        /// Let the simulator answer.
        case proceed
        /// Answer with this HTTP status and a Kubernetes `Status` of this reason and message.
        case fail(status: Int, reason: String, message: String)
        /// The connection breaks: the client sees a transport error.
        case dropConnection
    }

    public typealias Interceptor = @Sendable (Call) -> Answer

    public let simulator: KubernetesSimulator
    private let state = Mutex<(interceptors: [Int: Interceptor], next: Int, calls: [Call: Int], inFlight: Int)>(
        ([:], 0, [:], 0))

    public init(simulator: KubernetesSimulator) {
        self.simulator = simulator
    }

    /// Adds an interceptor; returns its handle for `remove`.
    @discardableResult
    public func intercept(_ interceptor: @escaping Interceptor) -> Int {
        state.withLock { state in
            state.next += 1
            state.interceptors[state.next] = interceptor
            return state.next
        }
    }

    public func remove(_ handle: Int) {
        state.withLock { _ = $0.interceptors.removeValue(forKey: handle) }
    }

    /// Calls being answered now (a watch counts until its response head is out, not while it streams).
    public var inFlight: Int { state.withLock { $0.inFlight } }

    /// How often calls matching `filter` were made (intercepted ones included).
    public func count(where filter: (Call) -> Bool) -> Int {
        state.withLock { $0.calls.filter { filter($0.key) }.values.reduce(0, +) }
    }

    public func execute(_ request: HTTPClientRequest, deadline: NIODeadline) async throws -> HTTPClientResponse {
        let url = URLComponents(string: request.url)
        let path = (url?.percentEncodedPath ?? "/") + (url?.percentEncodedQuery.map { "?" + $0 } ?? "")
        var call = Self.call(method: request.method.rawValue, components: url)
        call.token = request.headers.first(name: "Authorization").flatMap {
            $0.lowercased().hasPrefix("bearer ") ? String($0.dropFirst(7)) : nil
        }
        let interceptors = state.withLock { state in
            state.calls[call, default: 0] += 1
            state.inFlight += 1
            return state.interceptors.sorted { $0.key < $1.key }.map(\.value)
        }
        defer { state.withLock { $0.inFlight -= 1 } }
        for interceptor in interceptors {
            switch interceptor(call) {
            case .proceed:
                continue
            case .dropConnection:
                throw HTTPClientError.remoteConnectionClosed
            case .fail(let status, let reason, let message):
                let body: [String: Any] = [
                    "kind": "Status", "apiVersion": "v1", "metadata": [:], "status": "Failure", "message": message,
                    "reason": reason, "code": status,
                ]
                let data = try JSONSerialization.data(withJSONObject: body)
                return HTTPClientResponse(
                    status: .init(statusCode: status), headers: ["Content-Type": "application/json"],
                    body: .bytes(ByteBuffer(bytes: data)))
            }
        }
        var body: [UInt8] = []
        if let requestBody = request.body {
            for try await chunk in requestBody { body += chunk.readableBytesView }
        }
        let answer = await simulator.respond(
            method: request.method.rawValue, path: path, headers: request.headers.map { ($0.name, $0.value) },
            body: body)
        var headers = HTTPHeaders()
        for (name, value) in answer.headers { headers.add(name: name, value: value) }
        return HTTPClientResponse(
            status: .init(statusCode: answer.status), headers: headers, body: .stream(answer.body))
    }

    public func shutdown() async throws {}

    /// The verb and resource of a request, as the API server's request info would name them.
    static func call(method: String, components: URLComponents?) -> Call {
        var segments = (components?.path ?? "").split(separator: "/").map(String.init)
        // /api/v1/... or /apis/GROUP/VERSION/...
        if segments.first == "api" {
            segments.removeFirst(min(2, segments.count))
        } else if segments.first == "apis" {
            segments.removeFirst(min(3, segments.count))
        }
        var namespace: String?
        if segments.count >= 2, segments[0] == "namespaces", segments.count > 2 {
            namespace = segments[1]
            segments.removeFirst(2)
        }
        let resource = segments.first ?? ""
        let name = segments.count > 1 ? segments[1] : nil
        let subresource = segments.count > 2 ? "/" + segments[2] : ""
        let watch = components?.queryItems?.contains { $0.name == "watch" && ($0.value == "1" || $0.value == "true") }
        let verb: String
        switch method.uppercased() {
        case "GET": verb = watch == true ? "watch" : name == nil ? "list" : "get"
        case "POST": verb = "create"
        case "PUT": verb = "update"
        case "PATCH": verb = "patch"
        case "DELETE": verb = "delete"
        default: verb = method.lowercased()
        }
        return Call(verb: verb, resource: resource + subresource, namespace: namespace, name: name, token: nil)
    }
}
