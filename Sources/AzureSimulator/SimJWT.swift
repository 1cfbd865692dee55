import Crypto
import Foundation
import _CryptoExtras

/// A compact JWS split into its parts; only ever built from untrusted text by `parse`, so nothing here traps.
struct SimJWT {
    let header: [String: Any]
    let claims: [String: Any]
    let signingInput: [UInt8]
    let signature: [UInt8]

    /// Splits and decodes a JWT; nil when it is not three base64url segments of JSON objects.
    static func parse(_ token: String) -> SimJWT? {
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        guard token.utf8.count <= 64 * 1024, parts.count == 3,
            let headerBytes = SimBase64.decode(parts[0]),
            let claimBytes = SimBase64.decode(parts[1]),
            let signature = SimBase64.decode(parts[2]),
            let header = (try? JSONSerialization.jsonObject(with: Data(headerBytes))) as? [String: Any],
            let claims = (try? JSONSerialization.jsonObject(with: Data(claimBytes))) as? [String: Any]
        else { return nil }
        let input = Array((parts[0] + "." + parts[1]).utf8)
        return SimJWT(header: header, claims: claims, signingInput: input, signature: signature)
    }

    func string(_ key: String) -> String? { claims[key] as? String }

    /// An integer claim; floats and strings are refused, as docker-registry refuses them.
    func integer(_ key: String) -> Int? {
        guard let number = claims[key] as? NSNumber, !(claims[key] is Bool) else { return nil }
        let double = number.doubleValue
        guard double.rounded() == double, abs(double) < 1e15 else { return nil }
        return Int(double)
    }

    /// `aud` as a list whether the token carries a string or an array.
    var audiences: [String] {
        if let single = claims["aud"] as? String { return [single] }
        return (claims["aud"] as? [Any])?.compactMap { $0 as? String } ?? []
    }

    var algorithm: String? { header["alg"] as? String }

    /// Checks an RS256 or PS256 signature with the given key; any other `alg` fails.
    func verify(with key: _RSA.Signing.PublicKey) -> Bool {
        let padding: _RSA.Signing.Padding
        switch algorithm {
        case "RS256": padding = .insecurePKCS1v1_5
        case "PS256": padding = .PSS
        default: return false
        }
        let signature = _RSA.Signing.RSASignature(rawRepresentation: signature)
        return key.isValidSignature(signature, for: SHA256.hash(data: signingInput), padding: padding)
    }
}

/// Signs RS256 JWTs whose payload never needs the url-safe base64 characters (see `escapedJSON`).
enum SimJWTSigner {
    static func sign(header: [String: Any], claims: [String: Any], key: _RSA.Signing.PrivateKey) throws -> String {
        let head = SimBase64.url(try escapedJSON(header))
        let body = SimBase64.url(try escapedJSON(claims))
        let input = head + "." + body
        let signature = try key.signature(for: SHA256.hash(data: Array(input.utf8)), padding: .insecurePKCS1v1_5)
        return input + "." + SimBase64.url(signature.rawRepresentation)
    }

    /// Sorted-key JSON in which `>`, `?`, `~`, DEL and every non-ASCII character are `\u` escapes.
    ///
    /// In base64, only a third byte of a group that is one of those (or non-ASCII) yields `-` or `_` in url-safe
    /// form. Escaping them makes the base64url payload identical to standard base64, so clients that decode the
    /// payload with standard base64 (protocols.md §3.2) still read it. Escapes only occur inside JSON strings.
    static func escapedJSON(_ object: [String: Any]) throws -> [UInt8] {
        let data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])
        guard let text = String(data: data, encoding: .utf8) else { return Array(data) }
        var output = ""
        output.reserveCapacity(text.utf8.count)
        for unit in text.utf16 {
            if unit < 0x80, unit != 0x3E, unit != 0x3F, unit != 0x7E, unit != 0x7F {
                output.unicodeScalars.append(Unicode.Scalar(UInt8(unit)))
            } else {
                output += String(format: "\\u%04x", unit)
            }
        }
        return Array(output.utf8)
    }
}
