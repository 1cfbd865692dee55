import KubernetesSimulator
import Testing

@Suite("CRUD and Status codes")
struct CRUDTests {
    static let secret: JSONValue = [
        "apiVersion": "v1", "kind": "Secret", "metadata": ["name": "acr-pull", "labels": ["app": "x"]],
        "type": "Opaque", "data": ["k": "dmFsdWU="], "futureField": ["kept": true],
    ]

    @Test("create, get, update, delete a Secret with the right codes and Status bodies")
    func secretLifecycle() async throws {
        try await TestCluster.with { cluster in
            try await cluster.createNamespace("team-a")
            let path = "/api/v1/namespaces/team-a/secrets"
            let created = try await cluster.post(path, Self.secret)
            #expect(created.status == 201)
            #expect(created.body?.value(at: ["metadata", "uid"])?.stringValue?.isEmpty == false)
            #expect(created.body?.value(at: ["metadata", "namespace"]) == "team-a")
            #expect(created.body?["futureField"] == ["kept": true])

            let duplicate = try await cluster.post(path, Self.secret)
            #expect(duplicate.status == 409)
            #expect(
                duplicate.body == [
                    "kind": "Status", "apiVersion": "v1", "metadata": [:], "status": "Failure",
                    "message": "secrets \"acr-pull\" already exists", "reason": "AlreadyExists",
                    "details": ["name": "acr-pull", "kind": "secrets"], "code": 409,
                ])

            let fetched = try await cluster.get("\(path)/acr-pull")
            #expect(fetched.status == 200)
            #expect(fetched.body == created.body)

            let missing = try await cluster.get("\(path)/nope")
            #expect(missing.status == 404)
            #expect(
                missing.body == [
                    "kind": "Status", "apiVersion": "v1", "metadata": [:], "status": "Failure",
                    "message": "secrets \"nope\" not found", "reason": "NotFound",
                    "details": ["name": "nope", "kind": "secrets"], "code": 404,
                ])

            var update = try #require(fetched.body)
            update["data"] = ["k": "bmV3"]
            let updated = try await cluster.send(.PUT, "\(path)/acr-pull", body: update)
            #expect(updated.status == 200)
            #expect(updated.resourceVersion != fetched.resourceVersion)

            // The first read's resourceVersion is now stale.
            let stale = try await cluster.send(.PUT, "\(path)/acr-pull", body: update)
            #expect(stale.status == 409)
            #expect(stale.reason == "Conflict")
            #expect(
                stale.message == "Operation cannot be fulfilled on secrets \"acr-pull\": the object has been "
                    + "modified; please apply your changes to the latest version and try again")

            // Without a resourceVersion the write is unconditional.
            update.setValue(nil, at: ["metadata", "resourceVersion"])
            update["data"] = ["k": "dGhpcmQ="]
            let unconditional = try await cluster.send(.PUT, "\(path)/acr-pull", body: update)
            #expect(unconditional.status == 200)

            let wrongUID = try await cluster.send(
                .DELETE, "\(path)/acr-pull", body: ["kind": "DeleteOptions", "preconditions": ["uid": "other"]])
            #expect(wrongUID.status == 409)
            #expect(wrongUID.reason == "Conflict")

            // As kube-apiserver: a Status (Success) naming what was deleted, not the object.
            let deleted = try await cluster.send(.DELETE, "\(path)/acr-pull")
            #expect(deleted.status == 200)
            #expect(deleted.body?["kind"] == "Status")
            #expect(deleted.body?["status"] == "Success")
            #expect(deleted.body?.value(at: ["details", "name"]) == "acr-pull")
            #expect(deleted.body?.value(at: ["details", "kind"]) == "secrets")
            #expect(try await cluster.get("\(path)/acr-pull").status == 404)
        }
    }

    @Test("a no-op update keeps the resourceVersion")
    func noOpUpdate() async throws {
        try await TestCluster.with { cluster in
            let created = try await cluster.createNamespace("same")
            let again = try await cluster.send(.PUT, "/api/v1/namespaces/same", body: created.body)
            #expect(again.status == 200)
            #expect(again.resourceVersion == created.resourceVersion)
        }
    }

    @Test(
        "invalid requests are refused with the Kubernetes code and reason",
        arguments: [
            ("/api/v1/namespaces", ["metadata": ["name": "Not_Valid"]] as JSONValue, 422, "Invalid"),
            ("/api/v1/namespaces/absent/secrets", ["metadata": ["name": "s"]] as JSONValue, 404, "NotFound"),
            (
                "/api/v1/namespaces/default/secrets", ["metadata": ["name": "s", "namespace": "other"]] as JSONValue,
                400, "BadRequest"
            ),
            (
                "/api/v1/namespaces/default/secrets", ["kind": "ConfigMap", "metadata": ["name": "s"]] as JSONValue,
                400, "BadRequest"
            ),
            ("/api/v1/namespaces/default/secrets", ["metadata": [:]] as JSONValue, 422, "Invalid"),
        ])
    func refusedCreates(path: String, body: JSONValue, code: Int, reason: String) async throws {
        try await TestCluster.with { cluster in
            let response = try await cluster.post(path, body)
            #expect(response.status == code)
            #expect(response.reason == reason)
            #expect(response.body?["kind"] == "Status")
            #expect(response.body?["code"] == .number(Double(code)))
        }
    }

    @Test("generateName, leases and both Event APIs")
    func otherResources() async throws {
        try await TestCluster.with { cluster in
            let generated = try await cluster.post(
                "/api/v1/namespaces/default/secrets", ["metadata": ["generateName": "tok-"]])
            #expect(generated.status == 201)
            #expect(generated.body?.name?.hasPrefix("tok-") == true)

            let lease: JSONValue = [
                "metadata": ["name": "leader"], "spec": ["holderIdentity": "a", "leaseDurationSeconds": 15],
            ]
            let leases = "/apis/coordination.k8s.io/v1/namespaces/default/leases"
            #expect(try await cluster.post(leases, lease).status == 201)
            #expect(try await cluster.get("\(leases)/leader").body?["apiVersion"] == "coordination.k8s.io/v1")

            let event: JSONValue = [
                "metadata": ["name": "e1"], "eventTime": "2026-01-01T00:00:00.000000Z",
                "reportingController": "pullkeeper.io/operator", "reportingInstance": "pod-1", "action": "Refresh",
                "reason": "SecretRefreshed", "note": "refreshed", "type": "Normal",
                "regarding": ["kind": "Secret", "name": "s", "namespace": "default"],
            ]
            let eventsV1 = "/apis/events.k8s.io/v1/namespaces/default/events"
            #expect(try await cluster.post(eventsV1, event).status == 201)
            let core = try await cluster.get("/api/v1/namespaces/default/events/e1")
            #expect(core.body?["message"] == "refreshed")
            #expect(core.body?.value(at: ["involvedObject", "name"]) == "s")
            let incomplete = try await cluster.post(eventsV1, ["metadata": ["name": "e2"], "note": "x"])
            #expect(incomplete.status == 422)
        }
    }
}
