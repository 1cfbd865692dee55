import Foundation
import KubernetesSimulator
import Testing

@Suite("Validation and namespace lifecycle")
struct ClusterBehaviourTests {
    static func dockerSecret(_ data: JSONValue) -> JSONValue {
        ["metadata": ["name": "acr-pull"], "type": "kubernetes.io/dockerconfigjson", "data": data]
    }

    static func base64(_ text: String) -> JSONValue { .string(Data(text.utf8).base64EncodedString()) }

    static let invalidDockerConfigs: [(JSONValue, String, String)] = [
        (.object([:]), "FieldValueRequired", "data[.dockerconfigjson]"),
        (.object([".dockerconfigjson": base64("not json")]), "FieldValueInvalid", "data[.dockerconfigjson]"),
        (.object([".dockerconfigjson": base64("[1]")]), "FieldValueInvalid", "data[.dockerconfigjson]"),
    ]

    @Test("data that is not base64 is 400 BadRequest: kube-apiserver refuses it while decoding, before validation")
    func invalidBase64() async throws {
        try await TestCluster.with { cluster in
            let response = try await cluster.post(
                "/api/v1/namespaces/default/secrets", Self.dockerSecret([".dockerconfigjson": "***"]))
            #expect(response.status == 400)
            #expect(response.reason == "BadRequest")
            #expect(
                response.message
                    == "Secret in version \"v1\" cannot be handled as a Secret: illegal base64 data at input byte 0")
        }
    }

    @Test("dockerconfigjson Secrets need a valid .dockerconfigjson", arguments: invalidDockerConfigs)
    func invalidDockerConfig(data: JSONValue, reason: String, field: String) async throws {
        try await TestCluster.with { cluster in
            let response = try await cluster.post("/api/v1/namespaces/default/secrets", Self.dockerSecret(data))
            #expect(response.status == 422)
            #expect(response.reason == "Invalid")
            let cause = response.body?.value(at: ["details", "causes"])?.arrayValue?.first
            #expect(cause?["reason"] == .string(reason))
            #expect(cause?["field"] == .string(field))
            #expect(response.body?.value(at: ["details", "kind"]) == "Secret")
        }
    }

    @Test("a valid dockerconfigjson (data or stringData) is accepted and its type is immutable")
    func validDockerConfigAndImmutableType() async throws {
        try await TestCluster.with { cluster in
            let config = #"{"auths":{"contoso.azurecr.io":{"username":"u","password":"p","auth":"dTpw"}}}"#
            var secret = Self.dockerSecret([:])
            secret["stringData"] = [".dockerconfigjson": .string(config)]
            let created = try await cluster.post("/api/v1/namespaces/default/secrets", secret)
            #expect(created.status == 201)
            #expect(created.body?.value(at: ["data", ".dockerconfigjson"]) == Self.base64(config))
            #expect(created.body?["stringData"] == nil)
            let retyped = try await cluster.send(
                .PATCH, "/api/v1/namespaces/default/secrets/acr-pull", body: ["type": "Opaque"],
                contentType: "application/merge-patch+json")
            #expect(retyped.status == 422)
            #expect(retyped.body?.value(at: ["details", "causes"])?.arrayValue?.first?["field"] == "type")
        }
    }

    @Test("creates in a terminating namespace are 403 with cause NamespaceTerminating")
    func terminatingNamespace() async throws {
        try await TestCluster.with { cluster in
            try await cluster.createNamespace("leaving")
            try cluster.simulator.setNamespacePhase("leaving", .terminating)
            let response = try await cluster.post("/api/v1/namespaces/leaving/secrets", ["metadata": ["name": "s"]])
            #expect(response.status == 403)
            #expect(response.reason == "Forbidden")
            #expect(
                response.message == "secrets \"s\" is forbidden: unable to create new content in namespace "
                    + "leaving because it is being terminated")
            #expect(
                response.body?.value(at: ["details", "causes"])?.arrayValue?.first?["reason"] == "NamespaceTerminating")
        }
    }

    @Test("a new namespace gets a default ServiceAccount; deleting it deletes its contents")
    func namespaceLifecycle() async throws {
        try await TestCluster.with { cluster in
            try await cluster.createNamespace("team-b")
            #expect(try await cluster.get("/api/v1/namespaces/team-b/serviceaccounts/default").status == 200)
            #expect(
                try await cluster.post("/api/v1/namespaces/team-b/secrets", ["metadata": ["name": "s"]]).status == 201)
            let revision = cluster.simulator.resourceVersion
            let deleted = try await cluster.send(.DELETE, "/api/v1/namespaces/team-b")
            #expect(deleted.status == 200)
            #expect(deleted.body?.value(at: ["status", "phase"]) == "Terminating")
            #expect(try await cluster.get("/api/v1/namespaces/team-b").status == 404)
            #expect(cluster.simulator.objects(.secrets, namespace: "team-b").isEmpty)
            #expect(cluster.simulator.objects(.serviceAccounts, namespace: "team-b").isEmpty)
            var watch = try await cluster.watch("/api/v1/secrets?watch=1&resourceVersion=\(revision)&timeoutSeconds=1")
            #expect(try await watch.rest().map { "\($0.eventType ?? "") \($0.eventName ?? "")" } == ["DELETED s"])
        }
    }

    @Test("with a deletion delay the namespace is Terminating first, then disappears by itself")
    func delayedNamespaceRemoval() async throws {
        try await TestCluster.with({ $0.namespaceDeletionDelay = .milliseconds(200) }) { cluster in
            try await cluster.createNamespace("slow")
            let revision = cluster.simulator.resourceVersion
            let deleted = try await cluster.send(.DELETE, "/api/v1/namespaces/slow")
            #expect(deleted.status == 200)
            #expect(deleted.body?.value(at: ["status", "phase"]) == "Terminating")
            var watch = try await cluster.watch(
                "/api/v1/namespaces?watch=1&fieldSelector=metadata.name%3Dslow&resourceVersion=\(revision)"
                    + "&timeoutSeconds=10")
            let terminating = try await watch.next()
            #expect(terminating?.eventType == "MODIFIED")
            #expect(terminating?.value(at: ["object", "status", "phase"]) == "Terminating")
            #expect(try await watch.next()?.eventType == "DELETED")
            cluster.simulator.dropWatches()
            _ = try await watch.rest()
        }
    }
}
