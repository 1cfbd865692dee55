import Foundation
import Reconciler
import Testing

@Suite("DockerConfig encoding")
struct DockerConfigEncodingTests {
    @Test(
        "encoded JSON is what JSONSerialization reads, with sorted keys and every escape",
        arguments: ["plain", "quote\"back\\slash", "new\nline\ttab\r", "\u{01}\u{1F}control", "ünïcødé ✓", "a/b"])
    func roundTrips(_ password: String) throws {
        let config = DockerConfig(auths: [
            "z.azurecr.io": .init(username: "u", password: password),
            "a.azurecr.io": .init(username: "00000000-0000-0000-0000-000000000000", password: "x"),
        ])
        let data = config.encoded()
        let object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: [String: [String: String]]])
        #expect(object["auths"]?["z.azurecr.io"]?["password"] == password)
        #expect(try DockerConfig.decode(data).get() == config)
        let text = String(decoding: data, as: UTF8.self)
        #expect(text.hasPrefix("{\"auths\":{\"a.azurecr.io\":{\"auth\":"))
        #expect(text.range(of: "a.azurecr.io")!.lowerBound < text.range(of: "z.azurecr.io")!.lowerBound)
    }
}
