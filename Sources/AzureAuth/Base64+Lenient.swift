import Foundation

/// Base64 as JWTs and registries use it in the wild: either alphabet, padded or not.
package enum LenientBase64 {
    /// Decodes standard or URL-safe base64, with or without `=` padding; nil on anything else.
    package static func decode(_ text: Substring) -> [UInt8]? {
        var normalized = ""
        normalized.reserveCapacity(text.utf8.count + 3)
        var sawPadding = false
        for scalar in text.unicodeScalars {
            switch scalar {
            case "-": normalized.unicodeScalars.append("+")
            case "_": normalized.unicodeScalars.append("/")
            case "=": sawPadding = true
            case "A"..."Z", "a"..."z", "0"..."9", "+", "/":
                // Padding may only come last.
                if sawPadding { return nil }
                normalized.unicodeScalars.append(scalar)
            default: return nil
            }
        }
        let remainder = normalized.utf8.count % 4
        if remainder == 1 { return nil }
        if remainder > 0 { normalized += String(repeating: "=", count: 4 - remainder) }
        guard let data = Data(base64Encoded: normalized) else { return nil }
        return [UInt8](data)
    }

    /// URL-safe base64 without padding, as JWS compact serialization wants.
    package static func urlEncode<Bytes: Sequence>(_ bytes: Bytes) -> String where Bytes.Element == UInt8 {
        Data(bytes).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    /// Standard padded base64.
    package static func standardEncode<Bytes: Sequence>(_ bytes: Bytes) -> String where Bytes.Element == UInt8 {
        Data(bytes).base64EncodedString()
    }
}
