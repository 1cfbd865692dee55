import AsyncHTTPClient
import Foundation
import KubernetesSimulator
import NIOCore
import NIOHTTP1
import Testing

/// What `scripts/k8s-differential` found the simulator doing differently from kube-apiserver v1.36, each pinned to
/// what the real server answered.
@Suite("Parity with a real kube-apiserver (scripts/k8s-differential)")
struct RealServerParityTests {
    static let secrets = "/api/v1/namespaces/team/secrets"
    static let leases = "/apis/coordination.k8s.io/v1/namespaces/team/leases"

    static func causes(_ response: TestResponse) -> [String] {
        (response.body?.value(at: ["details", "causes"])?.arrayValue ?? []).map {
            "\($0["reason"]?.stringValue ?? "")@\($0["field"]?.stringValue ?? "")"
        }
    }

    @Test("Impersonate-User and Impersonate-Group: the request runs as that user, with its RBAC")
    func impersonation() async throws {
        try await TestCluster.with { cluster in
            try await cluster.createNamespace("team")
            let nobody = try await cluster.impersonating("nobody", [], .GET, Self.secrets)
            #expect(nobody.status == 403)
            #expect(nobody.message?.contains("User \"nobody\" cannot list resource \"secrets\"") == true)
            let masters = try await cluster.impersonating("someone", ["system:masters"], .GET, Self.secrets)
            #expect(masters.status == 200)
            // Only a user allowed to impersonate may.
            cluster.simulator.addUser(name: "plain", token: "plain-token")
            let refused = try await cluster.impersonating("nobody", [], .GET, Self.secrets, token: "plain-token")
            #expect(refused.status == 403)
            #expect(refused.body?.value(at: ["details", "kind"]) == "users")
        }
    }

    @Test("Roles and RoleBindings stored through the API authorize; resourceNames allow a watch by metadata.name")
    func rbacObjects() async throws {
        try await TestCluster.with { cluster in
            try await cluster.createNamespace("team")
            let role: JSONValue = [
                "metadata": ["name": "elector"],
                "rules": [
                    ["apiGroups": ["coordination.k8s.io"], "resources": ["leases"], "verbs": ["create"]],
                    [
                        "apiGroups": ["coordination.k8s.io"], "resources": ["leases"], "resourceNames": ["leader"],
                        "verbs": ["get", "update", "watch"],
                    ],
                ],
            ]
            let binding: JSONValue = [
                "metadata": ["name": "elector"],
                "roleRef": ["apiGroup": "rbac.authorization.k8s.io", "kind": "Role", "name": "elector"],
                "subjects": [["kind": "ServiceAccount", "name": "op", "namespace": "team"]],
            ]
            let rbac = "/apis/rbac.authorization.k8s.io/v1/namespaces/team"
            #expect(try await cluster.post("\(rbac)/roles", role).status == 201)
            #expect(try await cluster.post("\(rbac)/rolebindings", binding).status == 201)
            let user = "system:serviceaccount:team:op"
            let created = try await cluster.impersonating(
                user, [], .POST, Self.leases, body: ["metadata": ["name": "leader"], "spec": [:]])
            #expect(created.status == 201)
            #expect(try await cluster.impersonating(user, [], .GET, "\(Self.leases)/leader").status == 200)
            #expect(try await cluster.impersonating(user, [], .GET, "\(Self.leases)/other").status == 403)
            #expect(try await cluster.impersonating(user, [], .DELETE, "\(Self.leases)/leader").status == 403)
            let byName = try await cluster.impersonating(
                user, [], .GET, "\(Self.leases)?watch=1&fieldSelector=metadata.name%3Dleader&timeoutSeconds=1")
            #expect(byName.status == 200)
            // kube-apiserver takes the name from a field selector that requires it, among other terms too.
            let twoTerms = try await cluster.impersonating(
                user, [], .GET,
                "\(Self.leases)?watch=1&fieldSelector=metadata.name%3Dleader,metadata.namespace%3Dteam&timeoutSeconds=1"
            )
            #expect(twoTerms.status == 200)
            let all = try await cluster.impersonating(user, [], .GET, "\(Self.leases)?watch=1&timeoutSeconds=1")
            #expect(all.status == 403)
            let list = try await cluster.impersonating(
                user, [], .GET, "\(Self.leases)?fieldSelector=metadata.name%3Dleader")
            #expect(list.status == 403)
            // A ClusterRoleBinding to a group grants everywhere.
            let clusterRole: JSONValue = [
                "metadata": ["name": "secret-reader"],
                "rules": [["apiGroups": [""], "resources": ["secrets"], "verbs": ["list"]]],
            ]
            let clusterBinding: JSONValue = [
                "metadata": ["name": "secret-reader"],
                "roleRef": ["apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": "secret-reader"],
                "subjects": [["kind": "Group", "name": "readers"]],
            ]
            let clusterRBAC = "/apis/rbac.authorization.k8s.io/v1"
            #expect(try await cluster.post("\(clusterRBAC)/clusterroles", clusterRole).status == 201)
            #expect(try await cluster.post("\(clusterRBAC)/clusterrolebindings", clusterBinding).status == 201)
            #expect(try await cluster.impersonating("r", ["readers"], .GET, Self.secrets).status == 200)
            #expect(try await cluster.impersonating("r", [], .GET, Self.secrets).status == 403)
        }
    }

    @Test("an object leaving a selector watch is DELETED as it was last seen, at the change's resourceVersion")
    func selectorDeletedCarriesPreviousState() async throws {
        try await TestCluster.with { cluster in
            try await cluster.createNamespace("team")
            let start = cluster.simulator.resourceVersion
            var watch = try await cluster.watch(
                "\(Self.secrets)?watch=1&labelSelector=k%3Dw&resourceVersion=\(start)&timeoutSeconds=2")
            _ = try await cluster.post(Self.secrets, ["metadata": ["name": "x", "labels": ["k": "w"]]])
            let moved = try await cluster.send(
                .PATCH, "\(Self.secrets)/x", body: ["metadata": ["labels": ["k": "o"]]],
                contentType: "application/merge-patch+json")
            let events = try await watch.rest()
            #expect(events.map { $0.eventType ?? "" } == ["ADDED", "DELETED"])
            #expect(events.last?.value(at: ["object", "metadata", "labels"]) == ["k": "w"])
            #expect(
                events.last?.value(at: ["object", "metadata", "resourceVersion"])?.stringValue == moved.resourceVersion)
        }
    }

    @Test("a finalizer keeps a deleted object (deletionTimestamp set) until an update removes it")
    func finalizers() async throws {
        try await TestCluster.with { cluster in
            try await cluster.createNamespace("team")
            let body: JSONValue = ["metadata": ["name": "held", "finalizers": ["example.com/hold"]]]
            #expect(try await cluster.post(Self.secrets, body).status == 201)
            let deleted = try await cluster.send(.DELETE, "\(Self.secrets)/held")
            #expect(deleted.status == 200)
            #expect(deleted.body?["kind"] == "Secret")
            #expect(deleted.body?.value(at: ["metadata", "deletionTimestamp"]) != nil)
            #expect(try await cluster.get("\(Self.secrets)/held").status == 200)
            #expect(try await cluster.send(.DELETE, "\(Self.secrets)/held").status == 200)
            let released = try await cluster.send(
                .PATCH, "\(Self.secrets)/held", body: ["metadata": ["finalizers": .null]],
                contentType: "application/merge-patch+json")
            #expect(released.status == 200)
            #expect(try await cluster.get("\(Self.secrets)/held").status == 404)
        }
    }

    @Test("a namespace with a finalizer-held object stays Terminating and refuses creates until it is released")
    func terminatingNamespace() async throws {
        try await TestCluster.with { cluster in
            try await cluster.createNamespace("team")
            let body: JSONValue = ["metadata": ["name": "held", "finalizers": ["example.com/hold"]]]
            #expect(try await cluster.post(Self.secrets, body).status == 201)
            let deleted = try await cluster.send(.DELETE, "/api/v1/namespaces/team")
            #expect(deleted.body?["kind"] == "Namespace")
            #expect(deleted.body?.value(at: ["status", "phase"]) == "Terminating")
            let refused = try await cluster.post(Self.secrets, ["metadata": ["name": "new"]])
            #expect(refused.status == 403)
            #expect(Self.causes(refused) == ["NamespaceTerminating@metadata.namespace"])
            try await Task.sleep(for: .milliseconds(200))
            #expect(try await cluster.get("/api/v1/namespaces/team").status == 200)
            let held = try await cluster.get("\(Self.secrets)/held")
            #expect(held.body?.value(at: ["metadata", "deletionTimestamp"]) != nil)
            _ = try await cluster.send(
                .PATCH, "\(Self.secrets)/held", body: ["metadata": ["finalizers": .null]],
                contentType: "application/merge-patch+json")
            var gone = false
            for _ in 0..<40 where !gone {
                gone = try await cluster.get("/api/v1/namespaces/team").status == 404
                if !gone { try await Task.sleep(for: .milliseconds(50)) }
            }
            #expect(gone)
        }
    }

    @Test("an expired continue token's 410 offers an inconsistent continuation (rv -1) that works")
    func inconsistentContinue() async throws {
        try await TestCluster.with({ $0.historyLimit = 5 }) { cluster in
            try await cluster.createNamespace("team")
            for index in 0..<4 {
                _ = try await cluster.post(Self.secrets, ["metadata": ["name": .string("s\(index)")]])
            }
            let first = try await cluster.get("\(Self.secrets)?limit=2")
            let token = try #require(first.body?.value(at: ["metadata", "continue"])?.stringValue)
            cluster.simulator.compact()
            let expired = try await cluster.get("\(Self.secrets)?limit=2&continue=\(token)")
            #expect(expired.status == 410)
            let inconsistent = try #require(expired.body?.value(at: ["metadata", "continue"])?.stringValue)
            let escaped = inconsistent.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? inconsistent
            let rest = try await cluster.get("\(Self.secrets)?limit=2&continue=\(escaped)")
            #expect(rest.status == 200)
            #expect(rest.body?["items"]?.arrayValue?.compactMap(\.name) == ["s2", "s3"])
        }
    }

    @Test("label keys and values and annotation keys are validated (422, field metadata.labels/annotations)")
    func metadataValidation() async throws {
        try await TestCluster.with { cluster in
            try await cluster.createNamespace("team")
            let invalid: [JSONValue] = [
                ["labels": ["a": "not valid!"]], ["labels": ["b/c/d": "x"]], ["labels": [".x": "y"]],
                ["annotations": ["in valid": "x"]], ["labels": ["a": .string(String(repeating: "v", count: 64))]],
            ]
            for (index, metadata) in invalid.enumerated() {
                var body = metadata
                body["name"] = .string("s\(index)")
                let response = try await cluster.post(Self.secrets, ["metadata": body])
                #expect(response.status == 422, "\(metadata)")
                #expect(Self.causes(response).first?.hasPrefix("FieldValueInvalid@metadata.") == true)
            }
            let valid: JSONValue = [
                "name": "ok", "labels": ["example.com/a_b.c-d": "", "x": "Y-1.2_z"],
                "annotations": ["pullkeeper.io/expires-at": "2030-01-01T00:00:00Z", "Upper": "anything goes"],
            ]
            #expect(try await cluster.post(Self.secrets, ["metadata": valid]).status == 201)
        }
    }

    @Test("a JSON patch that is not a list is 400; a precondition conflict names the kind; DELETE answers a Status")
    func patchAndDelete() async throws {
        try await TestCluster.with { cluster in
            try await cluster.createNamespace("team")
            _ = try await cluster.post(Self.secrets, ["metadata": ["name": "s"]])
            let notList = try await cluster.send(
                .PATCH, "\(Self.secrets)/s", body: ["op": "add"], contentType: "application/json-patch+json")
            #expect(notList.status == 400)
            #expect(notList.reason == "BadRequest")
            let conflict = try await cluster.send(
                .DELETE, "\(Self.secrets)/s", body: ["preconditions": ["uid": "other"]])
            #expect(conflict.status == 409)
            #expect(conflict.body?.value(at: ["details", "kind"]) == "Secret")
            let deleted = try await cluster.send(.DELETE, "\(Self.secrets)/s")
            #expect(deleted.body?["status"] == "Success")
            #expect(deleted.body?.value(at: ["details", "uid"])?.stringValue?.isEmpty == false)
        }
    }

    @Test("Lease: MicroTime needs six fractional digits (400), a positive duration and transitions >= 0 (422)")
    func leaseValidation() async throws {
        try await TestCluster.with { cluster in
            try await cluster.createNamespace("team")
            let seconds = try await cluster.post(
                Self.leases, ["metadata": ["name": "a"], "spec": ["renewTime": "2026-01-01T00:00:00Z"]])
            #expect(seconds.status == 400)
            #expect(
                seconds.message?.hasPrefix(
                    "Lease in version \"v1\" cannot be handled as a Lease: parsing time \"2026-01-01T00:00:00Z\"")
                    == true)
            let micro = try await cluster.post(
                Self.leases, ["metadata": ["name": "b"], "spec": ["renewTime": "2026-01-01T00:00:00.000000Z"]])
            #expect(micro.status == 201)
            let invalid = try await cluster.post(
                Self.leases, ["metadata": ["name": "c"], "spec": ["leaseDurationSeconds": 0, "leaseTransitions": -1]])
            #expect(invalid.status == 422)
            #expect(
                Self.causes(invalid) == [
                    "FieldValueInvalid@spec.leaseDurationSeconds", "FieldValueInvalid@spec.leaseTransitions",
                ])
            #expect(invalid.body?.value(at: ["details", "group"]) == "coordination.k8s.io")
        }
    }

    static func eventV1(_ name: String, namespace: String = "team", _ changes: [String: JSONValue] = [:]) -> JSONValue {
        var event: JSONValue = [
            "metadata": ["name": .string(name), "namespace": .string(namespace)],
            "eventTime": "2026-01-01T00:00:00.000000Z", "reportingController": "pullkeeper.io/controller",
            "reportingInstance": "r1", "action": "Refresh", "reason": "TokenFailed", "note": "503", "type": "Warning",
            "regarding": ["apiVersion": "v1", "kind": "Secret", "namespace": "team", "name": "acr-pull"],
        ]
        for (key, value) in changes { event[key] = value == .null ? nil : value }
        return event
    }

    @Test("events.k8s.io/v1: type, series and the namespace rule on create; note, reason, type immutable on update")
    func eventsV1Validation() async throws {
        try await TestCluster.with { cluster in
            try await cluster.createNamespace("team")
            let events = "/apis/events.k8s.io/v1/namespaces/team/events"
            #expect(try await cluster.post(events, Self.eventV1("ok")).status == 201)
            let badType = try await cluster.post(events, Self.eventV1("t", ["type": "Bad"]))
            #expect(Self.causes(badType) == ["FieldValueInvalid@type"])
            #expect(badType.body?.value(at: ["details", "group"]) == nil)
            let series = try await cluster.post(
                events, Self.eventV1("s", ["series": ["count": 1, "lastObservedTime": "2026-01-01T00:00:00.000000Z"]]))
            #expect(Self.causes(series) == ["FieldValueInvalid@series.count"])
            let aboutNamespace = try await cluster.post(
                events, Self.eventV1("n", ["regarding": ["apiVersion": "v1", "kind": "Namespace", "name": "team"]]))
            #expect(Self.causes(aboutNamespace) == ["FieldValueInvalid@involvedObject.namespace"])
            let missingTime = try await cluster.post(events, Self.eventV1("m", ["eventTime": .null]))
            #expect(Self.causes(missingTime) == ["FieldValueRequired@eventTime"])

            func patch(_ body: JSONValue) async throws -> TestResponse {
                try await cluster.send(
                    .PATCH, "\(events)/ok", body: body, contentType: "application/merge-patch+json")
            }
            let counted = try await patch(["series": ["count": 2, "lastObservedTime": "2026-01-01T00:01:00.000000Z"]])
            #expect(counted.status == 200)
            // The same note with a higher count is what a deduplicating recorder sends: allowed.
            #expect(try await patch(["note": "503", "series": ["count": 3]]).status == 200)
            // kube-apiserver: the note (internally `message`) is immutable too.
            let newNote = try await patch(["note": "429"])
            #expect(newNote.status == 422)
            #expect(Self.causes(newNote) == ["FieldValueInvalid@message"])
            let newReason = try await patch(["reason": "Other"])
            #expect(Self.causes(newReason) == ["FieldValueInvalid@reason", "FieldValueInvalid@reason"])
            #expect(Self.causes(try await patch(["type": "Normal"])) == ["FieldValueInvalid@type"])
            let lower = try await patch(["series": ["count": 1, "lastObservedTime": "2026-01-01T00:02:00.000000Z"]])
            #expect(Self.causes(lower) == ["FieldValueInvalid@series.count"])
        }
    }

    @Test("core/v1 Events: a cluster-scoped object's Events live in default; field selectors on involvedObject")
    func coreEvents() async throws {
        try await TestCluster.with { cluster in
            try await cluster.createNamespace("team")
            func event(_ name: String, _ involved: JSONValue) -> JSONValue {
                ["metadata": ["name": .string(name)], "involvedObject": involved, "reason": "R", "type": "Normal"]
            }
            let namespaceRef: JSONValue = ["kind": "Namespace", "name": "team"]
            let inTeam = try await cluster.post("/api/v1/namespaces/team/events", event("a", namespaceRef))
            #expect(inTeam.status == 422)
            #expect(Self.causes(inTeam) == ["FieldValueInvalid@involvedObject.namespace"])
            #expect(try await cluster.post("/api/v1/namespaces/default/events", event("b", namespaceRef)).status == 201)
            let secretRef: JSONValue = ["kind": "Secret", "name": "acr-pull", "namespace": "team"]
            #expect(try await cluster.post("/api/v1/namespaces/team/events", event("c", secretRef)).status == 201)
            let selected = try await cluster.get(
                "/api/v1/namespaces/team/events?fieldSelector=involvedObject.name%3Dacr-pull,involvedObject.kind%3DSecret"
            )
            #expect(selected.body?["items"]?.arrayValue?.compactMap(\.name) == ["c"])
            let regarding = try await cluster.get(
                "/apis/events.k8s.io/v1/namespaces/team/events?fieldSelector=regarding.name%3Dacr-pull")
            #expect(regarding.body?["items"]?.arrayValue?.compactMap(\.name) == ["c"])
            #expect(try await cluster.get("/api/v1/namespaces/team/events?fieldSelector=spec.x%3D1").status == 400)
        }
    }
}

extension RealServerParityTests {
    @Test("kubectl get events: kube-apiserver's columns (Last Seen, Type, Reason, Object, Message; the rest wide)")
    func eventTable() async throws {
        try await TestCluster.with { cluster in
            try await cluster.createNamespace("team")
            let event: JSONValue = [
                "metadata": ["name": "e"],
                "involvedObject": ["kind": "Namespace", "name": "team", "namespace": "team"],
                "reason": "Tested", "type": "Normal", "message": "hello ",
            ]
            #expect(try await cluster.post("/api/v1/namespaces/team/events", event).status == 201)
            let table = try await cluster.send(
                .GET, "/api/v1/namespaces/team/events", accept: "application/json;as=Table;v=v1;g=meta.k8s.io")
            let columns = table.body?["columnDefinitions"]?.arrayValue ?? []
            #expect(
                columns.compactMap { $0["name"]?.stringValue } == [
                    "Last Seen", "Type", "Reason", "Object", "Subobject", "Source", "Message", "First Seen", "Count",
                    "Name",
                ])
            #expect(columns.compactMap { $0["priority"]?.intValue } == [0, 0, 0, 0, 1, 1, 0, 1, 1, 1])
            let cells = table.body?["rows"]?.arrayValue?.first?["cells"]?.arrayValue ?? []
            #expect(Array(cells.prefix(4).dropFirst()) == ["Normal", "Tested", "namespace/team"])
            #expect(cells.count > 6 && cells[6] == "hello")
        }
    }
}

extension TestCluster {
    /// Sends a request as the admin, impersonating `user` in `groups` (`token` overrides the admin's).
    func impersonating(
        _ user: String, _ groups: [String], _ method: HTTPMethod, _ path: String, body: JSONValue? = nil,
        token: String? = nil
    ) async throws -> TestResponse {
        var request = HTTPClientRequest(url: simulator.baseURL + path)
        request.method = method
        request.headers.add(name: "Authorization", value: "Bearer \(token ?? simulator.adminToken)")
        request.headers.add(name: "Accept", value: "application/json")
        request.headers.add(name: "Impersonate-User", value: user)
        for group in groups { request.headers.add(name: "Impersonate-Group", value: group) }
        if let body {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(bytes: body.encoded()))
        }
        let response = try await client.execute(request, timeout: .seconds(30))
        // A watch that is allowed streams until its timeout; the status is what the tests look at.
        let bytes = try await response.body.collect(upTo: 64 << 20)
        let parsed = bytes.readableBytes == 0 ? nil : try? JSONValue.parse(bytes.readableBytesView)
        return TestResponse(status: Int(response.status.code), headers: response.headers, body: parsed)
    }
}
