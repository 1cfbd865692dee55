import KubernetesSimulator
import Testing

@Suite("PATCH: merge, strategic merge, JSON patch")
struct PatchTests {
    static let path = "/api/v1/namespaces/default/serviceaccounts/default"

    func seedPullSecrets(_ cluster: TestCluster) async throws -> TestResponse {
        let patched = try await cluster.send(
            .PATCH, Self.path, body: ["imagePullSecrets": [["name": "old"]], "futureField": "kept"],
            contentType: "application/merge-patch+json")
        #expect(patched.status == 200)
        return patched
    }

    @Test(
        "imagePullSecrets is atomic for merge and strategic merge; JSON patch appends",
        arguments: [
            (
                "application/merge-patch+json", ["imagePullSecrets": [["name": "acr-pull"]]] as JSONValue,
                ["acr-pull"]
            ),
            (
                "application/strategic-merge-patch+json", ["imagePullSecrets": [["name": "acr-pull"]]] as JSONValue,
                ["acr-pull"]
            ),
            (
                "application/json-patch+json",
                [["op": "add", "path": "/imagePullSecrets/-", "value": ["name": "acr-pull"]]] as JSONValue,
                ["old", "acr-pull"]
            ),
        ])
    func serviceAccountPullSecrets(contentType: String, patch: JSONValue, expected: [String]) async throws {
        try await TestCluster.with { cluster in
            _ = try await seedPullSecrets(cluster)
            let response = try await cluster.send(.PATCH, Self.path, body: patch, contentType: contentType)
            #expect(response.status == 200)
            let names = response.body?["imagePullSecrets"]?.arrayValue?.compactMap { $0["name"]?.stringValue }
            #expect(names == expected)
            #expect(response.body?["futureField"] == "kept")
        }
    }

    @Test("a failed JSON patch test is 422 and changes nothing")
    func failedTest() async throws {
        try await TestCluster.with { cluster in
            let seeded = try await seedPullSecrets(cluster)
            let patch: JSONValue = [
                ["op": "test", "path": "/metadata/resourceVersion", "value": "1"],
                ["op": "add", "path": "/imagePullSecrets/-", "value": ["name": "acr-pull"]],
            ]
            let response = try await cluster.send(
                .PATCH, Self.path, body: patch, contentType: "application/json-patch+json")
            #expect(response.status == 422)
            #expect(response.reason == "Invalid")
            let current = try await cluster.get(Self.path)
            #expect(current.resourceVersion == seeded.resourceVersion)
        }
    }

    @Test("a resourceVersion in a merge patch enforces optimistic concurrency")
    func mergePatchConflict() async throws {
        try await TestCluster.with { cluster in
            let seeded = try await seedPullSecrets(cluster)
            let stale: JSONValue = ["metadata": ["resourceVersion": "1"], "imagePullSecrets": []]
            let conflict = try await cluster.send(
                .PATCH, Self.path, body: stale, contentType: "application/strategic-merge-patch+json")
            #expect(conflict.status == 409)
            #expect(conflict.reason == "Conflict")
            let fresh: JSONValue = [
                "metadata": ["resourceVersion": .string(seeded.resourceVersion ?? "")], "imagePullSecrets": nil,
            ]
            let applied = try await cluster.send(
                .PATCH, Self.path, body: fresh, contentType: "application/merge-patch+json")
            #expect(applied.status == 200)
            #expect(applied.body?["imagePullSecrets"] == nil)
        }
    }

    @Test("an unknown patch content type is 415")
    func unsupportedMediaType() async throws {
        try await TestCluster.with { cluster in
            let response = try await cluster.send(
                .PATCH, Self.path, body: ["a": 1], contentType: "application/apply-patch+yaml")
            #expect(response.status == 415)
            #expect(response.reason == "UnsupportedMediaType")
        }
    }
}

@Suite("JSON patch and merge patch semantics (RFC 6902, RFC 7386)")
struct PatchSemanticsTests {
    static let document: JSONValue = ["a": ["b": 1, "c/d": 2, "e~f": 3], "list": [1, 2, 3]]

    static func op(_ op: String, _ path: String, value: JSONValue? = nil, from: String? = nil) -> JSONValue {
        var operation: JSONValue = ["op": .string(op), "path": .string(path)]
        if let value { operation["value"] = value }
        if let from { operation["from"] = .string(from) }
        return operation
    }

    static let operationCases: [(String, [JSONValue], JSONValue)] = [
        (
            "add to object", [op("add", "/a/x", value: 9)],
            ["a": ["b": 1, "c/d": 2, "e~f": 3, "x": 9], "list": [1, 2, 3]]
        ),
        (
            "escaped keys", [op("remove", "/a/c~1d"), op("replace", "/a/e~0f", value: 0)],
            ["a": ["b": 1, "e~f": 0], "list": [1, 2, 3]]
        ),
        (
            "insert and append", [op("add", "/list/0", value: 0), op("add", "/list/-", value: 4)],
            ["a": ["b": 1, "c/d": 2, "e~f": 3], "list": [0, 1, 2, 3, 4]]
        ),
        ("move", [op("move", "/moved", from: "/a/b")], ["a": ["c/d": 2, "e~f": 3], "list": [1, 2, 3], "moved": 1]),
        (
            "copy", [op("copy", "/list/0", from: "/list/1")],
            ["a": ["b": 1, "c/d": 2, "e~f": 3], "list": [2, 1, 2, 3]]
        ),
        ("passing test", [op("test", "/a/b", value: 1)], document),
    ]

    @Test("RFC 6902 operations", arguments: operationCases)
    func operations(name: String, patch: [JSONValue], expected: JSONValue) async throws {
        let result = try await PatchProbe.applyJSONPatch(Self.document, .array(patch))
        #expect(result == expected)
    }

    static let failureCases: [JSONValue] = [
        op("test", "/a/b", value: 2), op("remove", "/missing"), op("replace", "/list/7", value: 1),
        op("add", "/missing/child", value: 1), op("jump", "/a"),
    ]

    @Test("RFC 6902 failures", arguments: failureCases)
    func failures(operation: JSONValue) async throws {
        await #expect(throws: KubernetesSimulatorError.self) {
            _ = try await PatchProbe.applyJSONPatch(Self.document, [operation])
        }
    }

    @Test("RFC 7386: null deletes, objects merge, arrays replace")
    func mergePatch() {
        let patched = Self.document.applyingMergePatch(["a": ["b": nil, "n": ["m": 1]], "list": [9]])
        #expect(patched == ["a": ["c/d": 2, "e~f": 3, "n": ["m": 1]], "list": [9]])
    }
}

/// Runs a JSON patch through the simulator's in-process API, on a Lease's spec.
enum PatchProbe {
    static func applyJSONPatch(_ document: JSONValue, _ patch: JSONValue) async throws -> JSONValue {
        let simulator = try KubernetesSimulator()
        try simulator.create(.leases, namespace: "default", ["metadata": ["name": "probe"], "spec": document])
        let prefixed = JSONValue.array(
            (patch.arrayValue ?? []).map { operation in
                var operation = operation
                for field in ["path", "from"] {
                    if let path = operation[field]?.stringValue { operation[field] = .string("/spec" + path) }
                }
                return operation
            })
        return try simulator.patch(.leases, namespace: "default", name: "probe", type: .json, prefixed)["spec"] ?? .null
    }
}
