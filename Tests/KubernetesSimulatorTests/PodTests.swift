import KubernetesSimulator
import Testing

/// Issue 15: Pods as objects whose status the test sets (no kubelet), the `status.phase` field selector, and the
/// Eviction subresource with kube-apiserver's PodDisruptionBudget check and Status bodies.
@Suite("Pods, the Pending field selector and evictions")
struct PodTests {
    static let pods = "/api/v1/namespaces/team/pods"
    static let budgets = "/apis/policy/v1/namespaces/team/poddisruptionbudgets"

    static func pod(
        _ name: String, labels: [String: String] = ["app": "web"], pullSecrets: [String]? = nil
    )
        -> JSONValue
    {
        var spec: JSONValue = ["containers": [["name": "app", "image": "contoso.azurecr.io/web:1"]]]
        if let pullSecrets { spec["imagePullSecrets"] = .array(pullSecrets.map { ["name": .string($0)] }) }
        return [
            "apiVersion": "v1", "kind": "Pod",
            "metadata": ["name": .string(name), "labels": .object(labels.mapValues { .string($0) })],
            "spec": spec, "status": ["phase": "Running"],
        ]
    }

    static func eviction(_ name: String, uid: String? = nil) -> JSONValue {
        var body: JSONValue = ["apiVersion": "policy/v1", "kind": "Eviction", "metadata": ["name": .string(name)]]
        if let uid { body["deleteOptions"] = ["preconditions": ["uid": .string(uid)]] }
        return body
    }

    static let running: JSONValue = [
        "phase": "Running", "conditions": [["type": "Ready", "status": "True"]],
    ]

    @Test("a created pod is Pending whatever its body says, and inherits its service account's imagePullSecrets")
    func admission() async throws {
        try await TestCluster.with { cluster in
            try await cluster.createNamespace("team")
            _ = try await cluster.send(
                .PATCH, "/api/v1/namespaces/team/serviceaccounts/default",
                body: ["imagePullSecrets": [["name": "acr-pull"]]], contentType: "application/merge-patch+json")
            let created = try await cluster.post(Self.pods, Self.pod("inherits"))
            #expect(created.status == 201)
            #expect(created.body?["status"] == ["phase": "Pending"])
            #expect(created.body?.value(at: ["spec", "serviceAccountName"]) == "default")
            #expect(created.body?.value(at: ["spec", "imagePullSecrets"]) == [["name": "acr-pull"]])
            let own = try await cluster.post(Self.pods, Self.pod("own", pullSecrets: ["mine"]))
            #expect(own.body?.value(at: ["spec", "imagePullSecrets"]) == [["name": "mine"]], "not merged")

            var orphan = Self.pod("orphan")
            orphan["spec"]?["serviceAccountName"] = "ghost"
            let refused = try await cluster.post(Self.pods, orphan)
            #expect(refused.status == 403)
            #expect(
                refused.message
                    == "pods \"orphan\" is forbidden: error looking up service account team/ghost: serviceaccount "
                    + "\"ghost\" not found")
            let noContainers = try await cluster.post(
                Self.pods, ["apiVersion": "v1", "kind": "Pod", "metadata": ["name": "empty"], "spec": [:]])
            #expect(noContainers.status == 422)
            #expect(
                noContainers.body?.value(at: ["details", "causes"])?.arrayValue?.first?["field"] == "spec.containers")
        }
    }

    @Test("status is the test's to set; an update of the pod keeps it; status.phase selects lists and watches")
    func pendingSelector() async throws {
        try await TestCluster.with { cluster in
            try await cluster.createNamespace("team")
            _ = try await cluster.post(Self.pods, Self.pod("a"))
            _ = try await cluster.post(Self.pods, Self.pod("b"))
            try cluster.simulator.setPodStatus(namespace: "team", name: "b", Self.running)
            let pending = try await cluster.get("\(Self.pods)?fieldSelector=status.phase%3DPending")
            #expect(pending.body?["items"]?.arrayValue?.compactMap { $0.value(at: ["metadata", "name"]) } == ["a"])
            let revision = try #require(pending.resourceVersion)

            let labelled = try await cluster.send(
                .PATCH, "\(Self.pods)/b", body: ["metadata": ["labels": ["x": "1"]], "status": ["phase": "Failed"]],
                contentType: "application/merge-patch+json")
            #expect(labelled.body?.value(at: ["status", "phase"]) == "Running", "status only through the kubelet")

            try cluster.simulator.setPodStatus(namespace: "team", name: "a", Self.running)
            try cluster.simulator.setPodStatus(namespace: "team", name: "b", ["phase": "Pending"])
            var watch = try await cluster.watch(
                "\(Self.pods)?watch=1&fieldSelector=status.phase%3DPending&resourceVersion=\(revision)&timeoutSeconds=1"
            )
            let events = try await watch.rest().map {
                "\($0["type"]?.stringValue ?? "") \($0.value(at: ["object", "metadata", "name"])?.stringValue ?? "")"
            }
            // Leaving the selection is a DELETED event, entering it an ADDED one, as kube-apiserver's watch cache does.
            #expect(events == ["DELETED a", "ADDED b"])
            let unsupported = try await cluster.get("\(Self.pods)?fieldSelector=status.reason%3DEvicted")
            #expect(unsupported.status == 400)
            #expect(unsupported.message == "field label not supported: status.reason")
        }
    }

    @Test("the status subresource, as a kubelet writes it: only status changes; a stale resourceVersion is 409")
    func statusSubresource() async throws {
        try await TestCluster.with { cluster in
            try await cluster.createNamespace("team")
            let created = try await cluster.post(Self.pods, Self.pod("web"))
            let patched = try await cluster.send(
                .PATCH, "\(Self.pods)/web/status",
                body: ["metadata": ["labels": ["sneaky": "1"]], "spec": ["nodeName": "n1"], "status": Self.running],
                contentType: "application/merge-patch+json")
            #expect(patched.status == 200)
            #expect(patched.body?["status"] == Self.running)
            #expect(patched.body?.value(at: ["metadata", "labels"]) == ["app": "web"], "only status is written")
            #expect(patched.body?.value(at: ["spec", "nodeName"]) == nil)
            #expect(patched.resourceVersion != created.resourceVersion)
            #expect(try await cluster.get("\(Self.pods)/web/status").body == patched.body)

            var stale = try #require(created.body)
            stale["status"] = ["phase": "Failed"]
            let conflict = try await cluster.send(.PUT, "\(Self.pods)/web/status", body: stale)
            #expect(conflict.status == 409)
            var current = try #require(patched.body)
            current["status"] = ["phase": "Succeeded"]
            let replaced = try await cluster.send(.PUT, "\(Self.pods)/web/status", body: current)
            #expect(replaced.body?.value(at: ["status", "phase"]) == "Succeeded")
            #expect(try await cluster.get("\(Self.pods)/web/exec").status == 404)
        }
    }

    @Test("an eviction deletes the pod: 201 Success; the uid precondition and the name are checked")
    func evictions() async throws {
        try await TestCluster.with { cluster in
            try await cluster.createNamespace("team")
            let created = try await cluster.post(Self.pods, Self.pod("web-1"))
            let uid = try #require(created.body?.value(at: ["metadata", "uid"])?.stringValue)

            let stale = try await cluster.post("\(Self.pods)/web-1/eviction", Self.eviction("web-1", uid: "other"))
            #expect(stale.status == 409)
            let mismatch = try await cluster.post("\(Self.pods)/web-1/eviction", Self.eviction("web-2"))
            #expect(mismatch.status == 400)
            #expect(mismatch.message == "name in URL does not match name in Eviction object")
            let missing = try await cluster.post("\(Self.pods)/nope/eviction", Self.eviction("nope"))
            #expect(missing.status == 404)
            #expect(missing.message == "pods \"nope\" not found")

            let evicted = try await cluster.post("\(Self.pods)/web-1/eviction", Self.eviction("web-1", uid: uid))
            #expect(evicted.status == 201)
            #expect(
                evicted.body == [
                    "kind": "Status", "apiVersion": "v1", "metadata": [:], "status": "Success", "code": 201,
                ])
            #expect(try await cluster.get("\(Self.pods)/web-1").status == 404)
        }
    }

    @Test("a PodDisruptionBudget refuses a Running pod's eviction with kube-apiserver's 429; a Pending pod goes anyway")
    func budgets() async throws {
        try await TestCluster.with { cluster in
            try await cluster.createNamespace("team")
            for name in ["web-1", "web-2"] {
                _ = try await cluster.post(Self.pods, Self.pod(name))
                try cluster.simulator.setPodStatus(namespace: "team", name: name, Self.running)
            }
            _ = try await cluster.post(Self.pods, Self.pod("web-3"))  // Pending: budgets do not hold it
            let budget: JSONValue = [
                "apiVersion": "policy/v1", "kind": "PodDisruptionBudget", "metadata": ["name": "web"],
                "spec": ["minAvailable": 2, "selector": ["matchLabels": ["app": "web"]]],
            ]
            #expect(try await cluster.post(Self.budgets, budget).status == 201)

            let refused = try await cluster.post("\(Self.pods)/web-1/eviction", Self.eviction("web-1"))
            #expect(refused.status == 429)
            #expect(refused.headers["Retry-After"].isEmpty)
            #expect(
                refused.body == [
                    "kind": "Status", "apiVersion": "v1", "metadata": [:], "status": "Failure",
                    "message": "Cannot evict pod as it would violate the pod's disruption budget.",
                    "reason": "TooManyRequests",
                    "details": [
                        "causes": [
                            [
                                "reason": "DisruptionBudget",
                                "message": "The disruption budget web needs 2 healthy pods and has 2 currently",
                            ]
                        ]
                    ],
                    "code": 429,
                ])
            #expect(try await cluster.get("\(Self.pods)/web-1").status == 200, "still there")

            // kube-apiserver's canIgnorePDB: a Pending pod is evicted whatever the budget says.
            #expect(try await cluster.post("\(Self.pods)/web-3/eviction", Self.eviction("web-3")).status == 201)

            // maxUnavailable: 1 over three healthy pods allows one eviction; maxUnavailable: 0 none.
            func maxUnavailable(_ value: JSONValue) async throws {
                _ = try await cluster.send(
                    .PATCH, "\(Self.budgets)/web", body: ["spec": ["minAvailable": nil, "maxUnavailable": value]],
                    contentType: "application/merge-patch+json")
            }
            try await maxUnavailable(1)
            _ = try await cluster.post(Self.pods, Self.pod("web-4"))
            try cluster.simulator.setPodStatus(namespace: "team", name: "web-4", Self.running)
            #expect(try await cluster.post("\(Self.pods)/web-1/eviction", Self.eviction("web-1")).status == 201)
            try await maxUnavailable("0%")
            let spent = try await cluster.post("\(Self.pods)/web-2/eviction", Self.eviction("web-2"))
            #expect(spent.status == 429)
            #expect(
                spent.body?.value(at: ["details", "causes"])?.arrayValue?.first?["message"]
                    == "The disruption budget web needs 2 healthy pods and has 2 currently")
        }
    }
}
