import KubernetesSimulator
import Testing

/// kube-apiserver keeps `metadata.managedFields` on every object: one `Update` entry per field manager (the
/// `fieldManager` parameter, else the User-Agent's product) with the fields it set. The simulator keeps them too,
/// so that clients (and the bench) carry their weight; a write that leaves them out does not touch them.
@Suite("managedFields as kube-apiserver keeps them")
struct ManagedFieldsTests {
    static func managers(_ response: TestResponse) -> [String] {
        (response.body?.value(at: ["metadata", "managedFields"])?.arrayValue ?? []).compactMap {
            $0.value(at: ["manager"])?.stringValue
        }
    }

    @Test("create records the writer's fields; a no-op PUT changes nothing; another manager adds its entry")
    func entries() async throws {
        try await TestCluster.with { cluster in
            try await cluster.createNamespace("team-a")
            let path = "/api/v1/namespaces/team-a/secrets"
            let created = try await cluster.post("\(path)?fieldManager=alpha", CRUDTests.secret)
            #expect(created.status == 201)
            #expect(Self.managers(created) == ["alpha"])
            let entry = try #require(created.body?.value(at: ["metadata", "managedFields"])?.arrayValue?.first)
            #expect(entry["operation"] == "Update" && entry["apiVersion"] == "v1" && entry["fieldsType"] == "FieldsV1")
            #expect(entry["time"]?.stringValue?.hasSuffix("Z") == true)
            #expect(
                entry["fieldsV1"] == [
                    "f:data": ["f:k": [:]], "f:metadata": ["f:labels": ["f:app": [:]]], "f:type": [:],
                    "f:futureField": ["f:kept": [:]],
                ])

            // The same object back without managedFields: a no-op (same revision, entries as they were).
            var same = try #require(created.body)
            same.setValue(nil, at: ["metadata", "managedFields"])
            let put = try await cluster.send(.PUT, "\(path)/acr-pull?fieldManager=alpha", body: same)
            #expect(put.status == 200 && put.resourceVersion == created.resourceVersion)
            #expect(
                put.body?.value(at: ["metadata", "managedFields"])
                    == created.body?.value(at: ["metadata", "managedFields"]))

            // Another manager's change adds its entry; alpha's stays.
            let patched = try await cluster.send(
                .PATCH, "\(path)/acr-pull?fieldManager=beta", body: ["metadata": ["labels": ["team": "a"]]],
                contentType: "application/merge-patch+json")
            #expect(patched.status == 200 && patched.resourceVersion != created.resourceVersion)
            #expect(Self.managers(patched) == ["alpha", "beta"])

            // Without fieldManager the User-Agent's product names the manager; this client sends none.
            let account = try await cluster.post(
                "/api/v1/namespaces/team-a/serviceaccounts", ["metadata": ["name": "builder"]])
            #expect(account.status == 201)
            #expect(Self.managers(account) == ["unknown"])
        }
    }
}
