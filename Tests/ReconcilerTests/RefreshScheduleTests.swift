import Foundation
import PullKeeperCore
import Reconciler
import Testing

@Suite struct RefreshScheduleTests {
    let start = Date(timeIntervalSince1970: 1_767_225_600)

    @Test func jitterSpreadsBoundariesBetweenFractionMinusJitterAndFraction() {
        let schedule = RefreshSchedule(fraction: 0.5, jitter: 0.1)
        let expires = start.addingTimeInterval(10_000)
        let offsets = (0..<1000).map {
            schedule.boundary(refreshedAt: start, expiresAt: expires, key: "ns-\($0)").timeIntervalSince(start)
        }
        #expect(offsets.allSatisfy { $0 >= 4000 && $0 <= 5000 })
        #expect((offsets.max() ?? 0) - (offsets.min() ?? 0) > 900, "jitter should spread across most of its range")
        #expect(Set(offsets.map { Int($0 / 100) }).count >= 9, "boundaries should fall in every 100 s bucket")
    }

    @Test func boundaryIsStablePerKey() {
        let schedule = RefreshSchedule(fraction: 0.5, jitter: 0.1)
        let expires = start.addingTimeInterval(3600)
        #expect(
            schedule.boundary(refreshedAt: start, expiresAt: expires, key: "team-a")
                == schedule.boundary(refreshedAt: start, expiresAt: expires, key: "team-a"))
    }

    @Test func boundaryNeverLaterThanExpiryMinusMargin() {
        let schedule = RefreshSchedule(fraction: 0.99, jitter: 0, safetyMargin: .seconds(300))
        let expires = start.addingTimeInterval(3 * 3600)
        #expect(schedule.boundary(refreshedAt: start, expiresAt: expires, key: "x") == expires.addingTimeInterval(-300))
        // Short tokens: the margin shrinks to a tenth of the lifetime instead of swallowing it.
        let short = start.addingTimeInterval(60)
        #expect(schedule.boundary(refreshedAt: start, expiresAt: short, key: "x") == short.addingTimeInterval(-6))
    }

    @Test func requeueIsNeverZeroOrNegative() {
        let schedule = RefreshSchedule(fraction: 0.5, jitter: 0.1, minimumRequeue: .seconds(1))
        #expect(schedule.requeue(at: start.addingTimeInterval(-100), now: start) == .seconds(1))
        #expect(schedule.requeue(at: start, now: start) == .seconds(1))
        #expect(schedule.requeue(at: start.addingTimeInterval(90), now: start) == .seconds(90))
    }

    @Test func expiredOrInvertedLifetimeRefreshesImmediately() {
        let schedule = RefreshSchedule(fraction: 0.5, jitter: 0.1)
        #expect(schedule.boundary(refreshedAt: start, expiresAt: start.addingTimeInterval(-5), key: "x") == start)
    }
}

@Suite struct DockerConfigTests {
    @Test func authAgreesWithUsernameAndPassword() throws {
        let config = DockerConfig(auths: [
            "contoso.azurecr.io": .init(username: "00000000-0000-0000-0000-000000000000", password: "tok:en")
        ])
        let object = try #require(try JSONSerialization.jsonObject(with: config.encoded()) as? [String: Any])
        let entry = try #require((object["auths"] as? [String: Any])?["contoso.azurecr.io"] as? [String: String])
        #expect(entry["auth"] == Data("00000000-0000-0000-0000-000000000000:tok:en".utf8).base64EncodedString())
        #expect(entry["username"] == "00000000-0000-0000-0000-000000000000")
        #expect(entry["password"] == "tok:en")
        #expect(try DockerConfig.decode(config.encoded()).get() == config)
    }

    @Test(arguments: [
        ("", "is not valid JSON"), ("[]", "has no \"auths\" object"),
        (#"{"auths":{"r":1}}"#, "auths[r] is not an object"),
        (#"{"auths":{"r":{"auth":"!!"}}}"#, "auths[r].auth is not base64 of user:password"),
        (#"{"auths":{"r":{"username":"u"}}}"#, "auths[r] has no username and password"),
    ])
    func corruptPayloadsAreNamed(payload: String, problem: String) {
        guard case .failure(let error) = DockerConfig.decode(Data(payload.utf8)) else {
            Issue.record("decoded \(payload)")
            return
        }
        #expect(error.message == problem)
    }

    @Test func unpaddedAuthIsAccepted() throws {
        let auth = Data("u:pw".utf8).base64EncodedString().replacingOccurrences(of: "=", with: "")
        let config = try DockerConfig.decode(Data(#"{"auths":{"r":{"auth":"\#(auth)"}}}"#.utf8)).get()
        #expect(config.auths["r"] == .init(username: "u", password: "pw"))
    }

    @Test func descriptionsNeverShowThePassword() {
        let entry = DockerConfig.Entry(username: "u", password: "s3cr3t")
        let credential = PullCredential(username: "u", password: "s3cr3t", expiresOn: nil)
        #expect(!"\(entry)".contains("s3cr3t"))
        #expect(!"\(credential)".contains("s3cr3t"))
    }
}
