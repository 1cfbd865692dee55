import Foundation
import KubernetesModel
import PullKeeperCore
import Testing

@Suite("Time and MicroTime")
struct TimeCodingTests {
    @Test(arguments: [
        ("2026-01-01T00:00:00Z", 1_767_225_600.0),
        ("2026-01-01T01:00:00+01:00", 1_767_225_600.0),
        ("2026-01-01T00:00:00.5Z", 1_767_225_600.5),
        ("2026-01-01T00:00:00.123456Z", 1_767_225_600.123456),
    ])
    func parsesRFC3339(text: String, seconds: Double) throws {
        let date = try #require(RFC3339.parse(text))
        #expect(abs(date.timeIntervalSince1970 - seconds) < 0.000_01)
    }

    @Test func rejectsGarbage() {
        #expect(RFC3339.parse("yesterday") == nil)
        #expect(throws: DecodingError.self) {
            try JSONDecoder().decode(Time.self, from: Data(#""2026-13-45""#.utf8))
        }
    }

    @Test func microTimeHasSixDigits() throws {
        let lease = Lease(
            metadata: ObjectMeta(name: "leader", namespace: "acr-system"),
            spec: Lease.Spec(
                holderIdentity: "pod_1", leaseDurationSeconds: 15,
                acquireTime: MicroTime(Date(timeIntervalSince1970: 1_767_225_600)),
                renewTime: MicroTime(Date(timeIntervalSince1970: 1_767_225_600.25)), leaseTransitions: 0))
        let json = try JSONDecoder().decode(JSONValue.self, from: try JSONEncoder().encode(lease.typed))
        #expect(json["spec"]?["acquireTime"] == "2026-01-01T00:00:00.000000Z")
        #expect(json["spec"]?["renewTime"] == "2026-01-01T00:00:00.250000Z")
        #expect(json["apiVersion"] == "coordination.k8s.io/v1")
    }

    @Test func timeHasWholeSeconds() throws {
        let time = Time(Date(timeIntervalSince1970: 1_767_225_600.75))
        let text = String(decoding: try JSONEncoder().encode(time), as: UTF8.self)
        #expect(text == #""2026-01-01T00:00:00Z""#)
    }
}
