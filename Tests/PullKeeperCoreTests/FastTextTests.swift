import Foundation
import PullKeeperCore
import Testing

@Suite("Hot-path text helpers agree with Foundation")
struct FastTextTests {
    @Test("hexEncoded is String(format: \"%02x\") per byte")
    func hex() {
        var generator = SplitMix64(seed: 21)
        for length in [0, 1, 12, 32, 257] {
            let bytes = (0..<length).map { _ in UInt8.random(in: 0...255, using: &generator) }
            #expect(bytes.hexEncoded == bytes.map { String(format: "%02x", $0) }.joined())
        }
        #expect([0x00, 0x0f, 0xa0, 0xff].hexEncoded == "000fa0ff")
    }

    @Test(
        "trimmedWhitespace is trimmingCharacters(in: .whitespacesAndNewlines)",
        arguments: [
            "", " ", "\t\n\r ", "a", " a ", "\u{00A0}contoso.azurecr.io\u{2003}", "\r\nx, y\u{3000}", "a b",
            " \u{0301}a ", "\u{85}x\u{2028}", "é ", " 😀 ",
        ])
    func trim(_ text: String) {
        #expect(text.trimmedWhitespace == text.trimmingCharacters(in: .whitespacesAndNewlines))
        #expect(text[...].trimmedWhitespace == text.trimmingCharacters(in: .whitespacesAndNewlines))
    }
}
