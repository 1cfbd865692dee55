import AsyncHTTPClient
import Foundation
import KubernetesClient
import NIOCore
import NIOHTTP1
import PullKeeperCore

/// The real-server bench's yardstick: a minimal concurrent client of its own (AsyncHTTPClient with prebuilt JSON
/// bodies; no model types, no decoding, no cache, no rate limit) that makes the writes pullkeeper's initial sync
/// makes, as fast as the API server takes them. It shares only the kubeconfig's TLS set-up with pullkeeper.
package final class BaselineClient: Sendable {
    let client: HTTPClient
    let server: String
    let authorization: String?

    package init(configuration: KubernetesClientConfiguration, connections: Int) async throws {
        let tls = try HTTPKubernetesClient.makeTLS(
            configuration, clientCertificatePEM: configuration.clientCertificatePEM,
            clientKeyPEM: configuration.clientKeyPEM)
        var http = HTTPClient.Configuration(tlsConfiguration: tls)
        http.connectionPool = .init(
            idleTimeout: .seconds(60), concurrentHTTP1ConnectionsPerHostSoftLimit: max(1, connections))
        http.decompression = .disabled
        client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: http)
        server = configuration.server.hasSuffix("/") ? String(configuration.server.dropLast()) : configuration.server
        let token = try await configuration.credentials?.credentials(refresh: false).token
        authorization = token.map { "Bearer " + $0 }
    }

    package func shutdown() async {
        try? await client.shutdown()
    }

    /// Sends one request; returns the body of a 2xx answer, throws with the status otherwise.
    @discardableResult
    package func send(
        _ method: HTTPMethod, _ path: String, body: String? = nil, contentType: String = "application/json",
        accept: String = "application/json"
    ) async throws -> ByteBuffer {
        var request = HTTPClientRequest(url: server + path)
        request.method = method
        request.headers.add(name: "Accept", value: accept)
        request.headers.add(name: "User-Agent", value: "pullkeeper-bench-baseline")
        if let authorization { request.headers.add(name: "Authorization", value: authorization) }
        if let body {
            request.headers.add(name: "Content-Type", value: contentType)
            request.body = .bytes(ByteBuffer(string: body))
        }
        let response = try await client.execute(request, timeout: .seconds(60))
        let answer = try await response.body.collect(upTo: 64 << 20)
        guard (200..<300).contains(response.status.code) else {
            throw LabFailure("\(method.rawValue) \(path): HTTP \(response.status.code)")
        }
        return answer
    }

    /// The per-namespace writes of pullkeeper's initial sync: its Secret (a copy of `secretTemplate`, a Secret's
    /// JSON with `__NAMESPACE__` where the namespace goes), an Event about it, the JSON patch that adds it to the
    /// default ServiceAccount's `imagePullSecrets`, and an Event about that (`events: false`: no Events).
    package func writeNamespace(_ namespace: String, secretTemplate: String, events: Bool) async throws {
        let base = "/api/v1/namespaces/\(namespace)"
        try await send(
            .POST, base + "/secrets", body: secretTemplate.replacingOccurrences(of: "__NAMESPACE__", with: namespace))
        if events {
            try await event(
                namespace, reason: "SecretCreated", action: "CreateSecret", kind: "Secret", name: "acr-pull")
        }
        try await send(
            .PATCH, base + "/serviceaccounts/default",
            body: #"[{"op":"add","path":"/imagePullSecrets","value":[{"name":"acr-pull"}]}]"#,
            contentType: "application/json-patch+json")
        if events {
            try await event(
                namespace, reason: "ServiceAccountPatched", action: "PatchServiceAccount", kind: "ServiceAccount",
                name: "default")
        }
    }

    private func event(_ namespace: String, reason: String, action: String, kind: String, name: String) async throws {
        let now = Date()
        let eventName = "\(name).\(String(UInt64(now.timeIntervalSince1970 * 1e9), radix: 16))"
        let body = """
            {"apiVersion":"events.k8s.io/v1","kind":"Event","metadata":{"name":"\(eventName)","namespace":"\(namespace)"},\
            "eventTime":"\(RFC3339.format(now, fractionalDigits: 6))","reportingController":"pullkeeper.io/bench-baseline",\
            "reportingInstance":"baseline","action":"\(action)","reason":"\(reason)","type":"Normal",\
            "note":"baseline write of \(kind) \(name)","regarding":{"apiVersion":"v1","kind":"\(kind)",\
            "namespace":"\(namespace)","name":"\(name)"}}
            """
        try await send(.POST, "/apis/events.k8s.io/v1/namespaces/\(namespace)/events", body: body)
    }

    /// `apiserver_request_total` from the API server's /metrics: successful writes (POST, PUT, PATCH, DELETE with
    /// a 2xx code) of `resources`, by "verb resource" (e.g. "POST secrets").
    package func serverWrites(
        resources: Set<String> = ["secrets", "serviceaccounts", "events"]
    ) async throws -> [String: Int] {
        Self.writes(
            metrics: String(buffer: try await send(.GET, "/metrics", accept: "text/plain")), resources: resources)
    }

    /// The successful writes of `resources` in a Prometheus text exposition of `apiserver_request_total`, by
    /// "verb resource"; subresources (`pods/eviction`, `status`) are not counted.
    package static func writes(metrics text: String, resources: Set<String>) -> [String: Int] {
        var total: [String: Double] = [:]
        for line in text.split(separator: "\n") where line.hasPrefix("apiserver_request_total{") {
            guard let close = line.lastIndex(of: "}"),
                let value = Double(line[line.index(after: close)...].trimmingCharacters(in: .whitespaces))
            else { continue }
            let labels = labels(line[line.index(line.startIndex, offsetBy: 24)..<close])
            guard let resource = labels["resource"], resources.contains(resource),
                labels["subresource", default: ""].isEmpty,
                ["POST", "PUT", "PATCH", "DELETE"].contains(labels["verb"] ?? ""),
                labels["code"]?.hasPrefix("2") == true, let verb = labels["verb"]
            else { continue }
            total[verb + " " + resource, default: 0] += value
        }
        return total.mapValues { Int($0) }
    }

    /// `a="x",b="y"` → [a: x, b: y] (the values here carry no quotes or commas).
    static func labels(_ text: Substring) -> [String: String] {
        var result: [String: String] = [:]
        for pair in text.split(separator: ",") {
            guard let equals = pair.firstIndex(of: "=") else { continue }
            result[String(pair[..<equals])] = String(pair[pair.index(after: equals)...]).trimmingCharacters(
                in: CharacterSet(charactersIn: "\""))
        }
        return result
    }
}
