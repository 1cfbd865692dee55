import Foundation
import KubernetesModel
import Testing

@Suite("Secret and ServiceAccount coding")
struct SecretCodingTests {
    static let secretJSON = """
        {"apiVersion":"v1","kind":"Secret","metadata":{"name":"acr-pull","namespace":"team-a","uid":"u1",
        "resourceVersion":"47120","creationTimestamp":"2026-01-01T00:00:00Z","labels":{"a":"b"},
        "managedFields":[{"manager":"kubectl","operation":"Update"}],"selfLink":"/x"},
        "type":"kubernetes.io/dockerconfigjson","data":{".dockerconfigjson":"eyJhdXRocyI6e319"},
        "futureField":{"nested":[1,2.5,true,null,"s"]},"immutable":false}
        """

    @Test func decodesBase64DataAndKeepsUnknownFields() throws {
        let secret = try JSONDecoder().decode(Secret.self, from: Data(Self.secretJSON.utf8))
        #expect(secret.metadata.key == "team-a/acr-pull")
        #expect(secret.data?[".dockerconfigjson"] == Data(#"{"auths":{}}"#.utf8))
        #expect(secret.type == Secret.dockerConfigJSONType)
        #expect(secret.extra["futureField"] == ["nested": [1, .double(2.5), true, nil, "s"]])
        #expect(secret.metadata.extra["managedFields"] == nil, "managedFields is skipped")
        #expect(secret.metadata.extra["selfLink"] == "/x")
        #expect(secret.metadata.creationTimestamp?.date == Date(timeIntervalSince1970: 1_767_225_600))
    }

    @Test func unknownFieldsSurviveReadModifyWrite() throws {
        var secret = try JSONDecoder().decode(Secret.self, from: Data(Self.secretJSON.utf8))
        secret.data?["other"] = Data("x".utf8)
        let encoded = try JSONEncoder().encode(secret.typed)
        let original = try JSONDecoder().decode(JSONValue.self, from: Data(Self.secretJSON.utf8))
        let written = try JSONDecoder().decode(JSONValue.self, from: encoded)
        #expect(written["futureField"] == original["futureField"])
        // Left out: the API server keeps its managedFields when a write omits them.
        #expect(original["metadata"]?["managedFields"] != nil && written["metadata"]?["managedFields"] == nil)
        #expect(written["metadata"]?["selfLink"] == "/x")
        #expect(written["data"]?["other"] == "eA==")
        #expect(written["apiVersion"] == "v1")
        #expect(written["kind"] == "Secret")
        let again = try JSONDecoder().decode(Secret.self, from: encoded)
        #expect(again == secret)
    }

    @Test func invalidBase64NamesTheKey() {
        let json = #"{"metadata":{"name":"s"},"data":{"bad key":"***"}}"#
        #expect {
            try JSONDecoder().decode(Secret.self, from: Data(json.utf8))
        } throws: { error in
            "\(error)".contains("data[bad key]")
        }
    }

    @Test func descriptionNeverShowsValues() {
        let secret = Secret(metadata: ObjectMeta(name: "s", namespace: "n"), data: ["k": Data("hunter2".utf8)])
        #expect(!secret.description.contains("hunter2"))
        #expect(!secret.description.contains(Data("hunter2".utf8).base64EncodedString()))
    }

    @Test func serviceAccountKeepsUnknownFields() throws {
        let json = """
            {"apiVersion":"v1","kind":"ServiceAccount","metadata":{"name":"default","namespace":"team-a"},
            "imagePullSecrets":[{"name":"old"}],"secrets":[{"name":"tok"}],"somethingNew":{"k":"v"}}
            """
        var account = try JSONDecoder().decode(ServiceAccount.self, from: Data(json.utf8))
        account.imagePullSecrets?.append(LocalObjectReference(name: "acr-pull"))
        let written = try JSONDecoder().decode(JSONValue.self, from: try JSONEncoder().encode(account.typed))
        #expect(written["somethingNew"] == ["k": "v"])
        #expect(written["imagePullSecrets"] == [["name": "old"], ["name": "acr-pull"]])
        #expect(written["secrets"] == [["name": "tok"]])
        #expect(written["kind"] == "ServiceAccount")
    }
}
