import KubernetesSimulator
import Testing

@Suite("Authentication and RBAC")
struct AuthTests {
    static let operatorName = "system:serviceaccount:pullkeeper:operator"

    @Test("an unknown or missing token is 401 Unauthorized")
    func unauthorized() async throws {
        try await TestCluster.with { cluster in
            for token in ["wrong", ""] {
                let response = try await cluster.get("/api/v1/namespaces", token: token)
                #expect(response.status == 401)
                #expect(response.reason == "Unauthorized")
            }
            #expect(cluster.simulator.requestCount(verb: "list", resource: "namespaces", code: 401) == 2)
        }
    }

    @Test("rules allow what they list and nothing else; denials are 403 with the Kubernetes message")
    func leastPrivilege() async throws {
        try await TestCluster.with { cluster in
            try await cluster.createNamespace("team-a")
            cluster.simulator.addUser(
                name: Self.operatorName, token: "op-token",
                rules: [
                    PolicyRule(apiGroups: [""], resources: ["namespaces"], verbs: ["get", "list", "watch"]),
                    PolicyRule(
                        apiGroups: [""], resources: ["secrets"], verbs: ["get", "create"], namespaces: ["team-a"]),
                ])
            #expect(try await cluster.get("/api/v1/namespaces", token: "op-token").status == 200)
            let secret: JSONValue = ["metadata": ["name": "acr-pull"]]
            #expect(
                try await cluster.post("/api/v1/namespaces/team-a/secrets", secret, token: "op-token").status == 201)

            let update = try await cluster.send(
                .PUT, "/api/v1/namespaces/team-a/secrets/acr-pull", body: secret, token: "op-token")
            #expect(update.status == 403)
            #expect(update.reason == "Forbidden")
            #expect(
                update.message == "secrets \"acr-pull\" is forbidden: User \"\(Self.operatorName)\" cannot "
                    + "update resource \"secrets\" in API group \"\" in the namespace \"team-a\"")

            let otherNamespace = try await cluster.get("/api/v1/namespaces/default/secrets/x", token: "op-token")
            #expect(otherNamespace.status == 403)
            let clusterList = try await cluster.get("/api/v1/secrets", token: "op-token")
            #expect(clusterList.status == 403)
            #expect(
                clusterList.message == "secrets is forbidden: User \"\(Self.operatorName)\" cannot list resource "
                    + "\"secrets\" in API group \"\" at the cluster scope")
            let lease = try await cluster.get(
                "/apis/coordination.k8s.io/v1/namespaces/team-a/leases", token: "op-token")
            #expect(lease.status == 403)

            let audit = cluster.simulator.auditLog().filter { $0.user == Self.operatorName }
            #expect(audit.map(\.code) == [200, 201, 403, 403, 403, 403])
            #expect(audit[2].verb == "update" && audit[2].namespace == "team-a" && audit[2].name == "acr-pull")
        }
    }

    @Test("resourceNames and group grants")
    func resourceNamesAndGroups() async throws {
        try await TestCluster.with { cluster in
            cluster.simulator.addUser(name: "reader", token: "r", groups: ["readers"])
            cluster.simulator.grant(
                [PolicyRule(apiGroups: [""], resources: ["namespaces"], verbs: ["get"], resourceNames: ["default"])],
                toGroup: "readers")
            let allowed = try await cluster.get("/api/v1/namespaces/default", token: "r")
            let denied = try await cluster.get("/api/v1/namespaces/kube-system", token: "r")
            #expect(allowed.status == 200)
            #expect(denied.status == 403)
        }
    }

    @Test("a client certificate from the simulator CA authenticates as its CN, with O as groups")
    func clientCertificate() async throws {
        try await TestCluster.with(
            clientCertificate: { try $0.issueClientCertificate(user: "cert-user", groups: ["system:masters"]) }
        ) { cluster in
            let response = try await cluster.get("/api/v1/namespaces", token: "")
            #expect(response.status == 200)
            #expect(cluster.simulator.auditLog().last?.user == "cert-user")
        }
    }

    @Test("discovery documents kubectl reads")
    func discovery() async throws {
        try await TestCluster.with { cluster in
            #expect(try await cluster.get("/version").body?["gitVersion"]?.stringValue?.hasPrefix("v1.32") == true)
            #expect(try await cluster.get("/api").body?["versions"] == ["v1"])
            let core = try await cluster.get("/api/v1")
            let namespaces = core.body?["resources"]?.arrayValue?.first { $0["name"] == "namespaces" }
            #expect(namespaces?["shortNames"] == ["ns"])
            #expect(namespaces?["namespaced"] == false)
            let groups = try await cluster.get("/apis").body?["groups"]?.arrayValue?.compactMap {
                $0["name"]?.stringValue
            }
            #expect(groups == ["events.k8s.io", "coordination.k8s.io", "policy", "rbac.authorization.k8s.io"])
            let leases = try await cluster.get("/apis/coordination.k8s.io/v1")
            #expect(leases.body?["resources"]?.arrayValue?.first?["kind"] == "Lease")
            #expect(try await cluster.get("/openapi/v2").status == 404)
        }
    }

    @Test("OpenAPI v3 tells kubectl that the server validates fields (kubectl apply needs it)")
    func openAPIFieldValidation() async throws {
        try await TestCluster.with { cluster in
            let root = try await cluster.get("/openapi/v3")
            #expect(root.body?.value(at: ["paths", "api/v1", "serverRelativeURL"]) == "/openapi/v3/api/v1")
            #expect(
                root.body?["paths"]?.objectValue?.keys.sorted()
                    == [
                        "api/v1", "apis/coordination.k8s.io/v1", "apis/events.k8s.io/v1", "apis/policy/v1",
                        "apis/rbac.authorization.k8s.io/v1",
                    ])
            let core = try await cluster.get("/openapi/v3/api/v1")
            let patch = core.body?.value(at: ["paths", "/api/v1/namespaces/{namespace}/secrets/{name}", "patch"])
            #expect(patch?["x-kubernetes-group-version-kind"] == ["group": "", "version": "v1", "kind": "Secret"])
            #expect(patch?["parameters"]?.arrayValue?.first?["name"] == "fieldValidation")
            #expect(core.body?.value(at: ["paths", "/api/v1/namespaces/{name}", "patch"]) != nil)
            #expect(try await cluster.get("/openapi/v3/apis/nope/v1").status == 404)
        }
    }
}
