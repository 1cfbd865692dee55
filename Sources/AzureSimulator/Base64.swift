import Foundation

/// Base64 helpers written here on purpose: the simulator must not share JWT code with the client it tests.
enum SimBase64 {
    /// base64url without padding (JWT segments).
    static func url(_ bytes: some Sequence<UInt8>) -> String {
        Data(bytes).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    /// Standard base64 with padding (`x5c` entries, HTTP Basic).
    static func standard(_ bytes: some Sequence<UInt8>) -> String {
        Data(bytes).base64EncodedString()
    }

    /// Decodes standard or url-safe base64, padded or not; nil on anything else.
    static func decode(_ text: some StringProtocol) -> [UInt8]? {
        var value = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        guard !value.contains("=") || value.count % 4 == 0 else { return nil }
        if value.count % 4 == 1 { return nil }
        while value.count % 4 != 0 { value += "=" }
        return Data(base64Encoded: value).map { [UInt8]($0) }
    }

    /// RFC 4648 base32, standard alphabet, no padding (libtrust key IDs).
    static func base32(_ bytes: [UInt8]) -> String {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567")
        var output = ""
        var buffer = 0
        var bits = 0
        for byte in bytes {
            buffer = (buffer << 8) | Int(byte)
            bits += 8
            while bits >= 5 {
                output.append(alphabet[(buffer >> (bits - 5)) & 31])
                bits -= 5
            }
        }
        if bits > 0 { output.append(alphabet[(buffer << (5 - bits)) & 31]) }
        return output
    }
}
