import Foundation
import KubernetesModel
import Testing

@Suite("Watch events, lists and Status")
struct WatchEventCodingTests {
    func decode(_ line: String) throws -> WatchEvent<Namespace> {
        try JSONDecoder().decode(WatchEvent<Namespace>.self, from: Data(line.utf8))
    }

    @Test func decodesEveryType() throws {
        let ns = #"{"kind":"Namespace","apiVersion":"v1","metadata":{"name":"a","resourceVersion":"5"}}"#
        #expect(try decode(#"{"type":"ADDED","object":\#(ns)}"#).object?.metadata.name == "a")
        #expect(try decode(#"{"type":"MODIFIED","object":\#(ns)}"#).type == "MODIFIED")
        #expect(try decode(#"{"type":"DELETED","object":\#(ns)}"#).resourceVersion == "5")
        let bookmark = try decode(
            #"{"type":"BOOKMARK","object":{"kind":"Namespace","apiVersion":"v1","metadata":{"resourceVersion":"9","#
                + #""annotations":{"k8s.io/initial-events-end":"true"}}}}"#)
        #expect(bookmark == .bookmark(resourceVersion: "9", annotations: ["k8s.io/initial-events-end": "true"]))
        let error = try decode(
            #"{"type":"ERROR","object":{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","#
                + #""message":"too old resource version: 1 (5)","reason":"Expired","code":410}}"#)
        guard case .error(let status) = error else {
            Issue.record("expected an error event")
            return
        }
        #expect(status.code == 410)
        #expect(status.reason == "Expired")
    }

    @Test func rejectsUnknownType() {
        #expect(throws: DecodingError.self) { try decode(#"{"type":"WHATEVER","object":{}}"#) }
    }

    @Test func roundTripsEvents() throws {
        let events: [WatchEvent<Namespace>] = [
            .added(Namespace(metadata: ObjectMeta(name: "x", resourceVersion: "1"))),
            .bookmark(resourceVersion: "2", annotations: [:]),
            .error(Status(message: "gone", reason: "Expired", code: 410)),
        ]
        for event in events {
            let data = try JSONEncoder().encode(event)
            #expect(try JSONDecoder().decode(WatchEvent<Namespace>.self, from: data) == event)
        }
    }

    @Test func listWithNullItemsAndContinue() throws {
        let json =
            #"{"kind":"SecretList","apiVersion":"v1","metadata":{"resourceVersion":"3","continue":"abc","#
            + #""remainingItemCount":700},"items":null}"#
        let list = try JSONDecoder().decode(KubernetesList<Secret>.self, from: Data(json.utf8))
        #expect(list.items.isEmpty)
        #expect(list.continueToken == "abc")
        #expect(list.metadata.remainingItemCount == 700)
        let last = KubernetesList<Secret>(metadata: ListMeta(resourceVersion: "3", continue: ""))
        #expect(last.continueToken == nil)
    }

    @Test func statusWithCauses() throws {
        let json =
            #"{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","#
            + #""message":"unable to create new content in namespace team-a because it is being terminated","#
            + #""reason":"Forbidden","details":{"name":"s","kind":"secrets","causes":[{"reason":"NamespaceTerminating","#
            + #""message":"namespace team-a is being terminated","field":"metadata.namespace"}]},"code":403}"#
        let status = try JSONDecoder().decode(Status.self, from: Data(json.utf8))
        #expect(status.code == 403)
        #expect(status.details?.causes?.first?.reason == "NamespaceTerminating")
    }
}
