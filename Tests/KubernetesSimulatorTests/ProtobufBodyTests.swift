import AsyncHTTPClient
import Foundation
import KubernetesSimulator
import NIOCore
import PullKeeperCore
import Testing

/// Request bodies as kubectl 1.32 sends them for `kubectl create namespace | secret | serviceaccount`
/// (captured from kubectl v1.32.4; hex of the whole body, `k8s\0` envelope included).
@Suite("Protobuf request bodies (kubectl 1.32+)")
struct ProtobufBodyTests {
    /// `kubectl create ns demo2`
    static let namespace =
        "6b3873000a0f0a02763112094e616d657370616365121d0a150a0564656d6f3212001a0022002a0032003800420012001a020a001a002200"
    /// `kubectl create secret generic s -n team --from-literal=k=v --type=Opaque`
    static let secret =
        "6b3873000a0c0a027631120653656372657412270a150a017312001a047465616d22002a0032003800420012060a016b1201761a064f70"
        + "617175651a002200"
    /// `kubectl create secret docker-registry r -n team --docker-server=a.io --docker-username=u --docker-password=p`
    static let dockerRegistry =
        "6b3873000a0c0a0276311206536563726574128e010a150a017212001a047465616d22002a0032003800420012550a112e646f636b6572"
        + "636f6e6669676a736f6e12407b226175746873223a7b22612e696f223a7b22757365726e616d65223a2275222c2270617373776f7264"
        + "223a2270222c2261757468223a2264547077227d7d7d1a1e6b756265726e657465732e696f2f646f636b6572636f6e6669676a736f6e"
        + "1a002200"
    /// `kubectl create sa bot -n team`
    static let serviceAccount =
        "6b3873000a140a027631120e536572766963654163636f756e7412190a170a03626f7412001a047465616d22002a003200380042001a"
        + "002200"

    static func bytes(_ hex: String) -> [UInt8] {
        var result: [UInt8] = []
        var index = hex.startIndex
        while index < hex.endIndex {
            let next = hex.index(index, offsetBy: 2)
            result.append(UInt8(hex[index..<next], radix: 16) ?? 0)
            index = next
        }
        return result
    }

    func post(_ cluster: TestCluster, _ path: String, _ body: [UInt8]) async throws -> TestResponse {
        var request = HTTPClientRequest(url: cluster.simulator.baseURL + path)
        request.method = .POST
        request.headers.add(name: "Authorization", value: "Bearer \(cluster.simulator.adminToken)")
        request.headers.add(name: "Content-Type", value: "application/vnd.kubernetes.protobuf")
        request.headers.add(name: "Accept", value: "application/vnd.kubernetes.protobuf,application/json")
        request.body = .bytes(ByteBuffer(bytes: body))
        let response = try await cluster.client.execute(request, timeout: .seconds(30))
        let data = try await response.body.collect(upTo: 1 << 20)
        return TestResponse(
            status: Int(response.status.code), headers: response.headers,
            body: try? JSONValue.parse(data.readableBytesView))
    }

    @Test("kubectl's protobuf creates of a namespace, secrets and a service account are stored as JSON would be")
    func kubectlCreates() async throws {
        try await TestCluster.with { cluster in
            let namespace = try await post(cluster, "/api/v1/namespaces", Self.bytes(Self.namespace))
            #expect(namespace.status == 201)
            #expect(namespace.body?.name == "demo2")
            #expect(namespace.body?.value(at: ["status", "phase"]) == "Active")
            #expect(namespace.headers.first(name: "Content-Type") == "application/json")

            try await cluster.createNamespace("team")
            let secret = try await post(cluster, "/api/v1/namespaces/team/secrets", Self.bytes(Self.secret))
            #expect(secret.status == 201)
            #expect(secret.body?["type"] == "Opaque")
            #expect(secret.body?.value(at: ["data", "k"]) == .string(Data("v".utf8).base64EncodedString()))

            let registry = try await post(cluster, "/api/v1/namespaces/team/secrets", Self.bytes(Self.dockerRegistry))
            #expect(registry.status == 201)
            #expect(registry.body?["type"] == "kubernetes.io/dockerconfigjson")
            let config = cluster.simulator.object(.secrets, namespace: "team", name: "r")?
                .value(at: ["data", ".dockerconfigjson"])?.stringValue
            let decoded = config.flatMap { Data(base64Encoded: $0) }.map { String(decoding: $0, as: UTF8.self) }
            #expect(decoded == #"{"auths":{"a.io":{"username":"u","password":"p","auth":"dTpw"}}}"#)

            let account = try await post(
                cluster, "/api/v1/namespaces/team/serviceaccounts", Self.bytes(Self.serviceAccount))
            #expect(account.status == 201)
            #expect(cluster.simulator.object(.serviceAccounts, namespace: "team", name: "bot") != nil)
        }
    }

    @Test("a truncated protobuf body is 400; a kind it cannot read stays 415; the envelope's kind must match")
    func refusals() async throws {
        try await TestCluster.with { cluster in
            let truncated = Array(Self.bytes(Self.secret).dropLast(12))
            try await cluster.createNamespace("team")
            let bad = try await post(cluster, "/api/v1/namespaces/team/secrets", truncated)
            #expect(bad.status == 400)
            #expect(bad.message == "the protobuf body is malformed")
            let noEnvelope = try await post(cluster, "/api/v1/namespaces/team/secrets", [0x0a, 0x00])
            #expect(noEnvelope.status == 400)

            // The namespace body with its kind renamed to "Namespacf": unknown to the reader.
            var unknown = Self.bytes(Self.namespace)
            unknown[20] = UInt8(ascii: "f")
            let unsupported = try await post(cluster, "/api/v1/namespaces", unknown)
            #expect(unsupported.status == 415)
            #expect(unsupported.reason == "UnsupportedMediaType")

            let mismatch = try await post(cluster, "/api/v1/namespaces/team/secrets", Self.bytes(Self.serviceAccount))
            #expect(mismatch.status == 400)
            #expect(mismatch.message?.contains("does not match the expected kind Secret") == true)
        }
    }
}
