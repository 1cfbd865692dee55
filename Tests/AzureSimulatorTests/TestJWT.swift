import Crypto
import Foundation
import X509
import _CryptoExtras

/// The tests' own JWT code: an independent client of the simulator, sharing nothing with it.
enum TestJWT {
    static func base64URL(_ bytes: some Sequence<UInt8>) -> String {
        Data(bytes).base64EncodedString().replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
    }

    static func decodeBase64URL(_ text: some StringProtocol) -> Data? {
        var value = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while value.count % 4 != 0 { value += "=" }
        return Data(base64Encoded: value)
    }

    /// Signs with RS256 or PS256.
    static func sign(header: [String: Any], claims: [String: Any], key: _RSA.Signing.PrivateKey) throws -> String {
        let head = base64URL(try JSONSerialization.data(withJSONObject: header))
        let body = base64URL(try JSONSerialization.data(withJSONObject: claims))
        let input = Array((head + "." + body).utf8)
        let padding: _RSA.Signing.Padding = (header["alg"] as? String) == "PS256" ? .PSS : .insecurePKCS1v1_5
        let signature = try key.signature(for: SHA256.hash(data: input), padding: padding)
        return head + "." + body + "." + base64URL(signature.rawRepresentation)
    }

    /// Header and claims of a JWT, plus the raw segments.
    static func decode(_ token: String) -> (header: [String: Any], claims: [String: Any], segments: [String])? {
        let segments = token.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        guard segments.count == 3, let head = decodeBase64URL(segments[0]), let body = decodeBase64URL(segments[1]),
            let header = (try? JSONSerialization.jsonObject(with: head)) as? [String: Any],
            let claims = (try? JSONSerialization.jsonObject(with: body)) as? [String: Any]
        else { return nil }
        return (header, claims, segments)
    }

    /// Whether an RS256 token verifies with a certificate's RSA key.
    static func verifyRS256(_ token: String, certificateDER: [UInt8]) throws -> Bool {
        let certificate = try Certificate(derEncoded: certificateDER)
        guard let key = _RSA.Signing.PublicKey(certificate.publicKey) else { return false }
        let segments = token.split(separator: ".").map(String.init)
        guard segments.count == 3, let signature = decodeBase64URL(segments[2]) else { return false }
        let input = Array((segments[0] + "." + segments[1]).utf8)
        return key.isValidSignature(
            _RSA.Signing.RSASignature(rawRepresentation: signature), for: SHA256.hash(data: input),
            padding: .insecurePKCS1v1_5)
    }

    /// A client assertion as MSAL builds it (PS256 + `x5t#S256` by default).
    static func assertion(
        certificatePEM: String, keyPEM: String, clientID: String, audience: String,
        legacy: Bool = false, urlSafeThumbprint: Bool = false, now: Int = Int(Date().timeIntervalSince1970),
        expiresIn: Int = 600, jti: String = UUID().uuidString
    ) throws -> String {
        let certificate = try Certificate(pemEncoded: certificatePEM)
        let der = Array(try certificate.serializeAsPEM().derBytes)
        let key = try _RSA.Signing.PrivateKey(pemRepresentation: keyPEM)
        var header: [String: Any] = ["typ": "JWT"]
        if legacy {
            header["alg"] = "RS256"
            header["x5t"] = base64URL(Insecure.SHA1.hash(data: der))
        } else {
            header["alg"] = "PS256"
            let digest = Data(SHA256.hash(data: der))
            header["x5t#S256"] = urlSafeThumbprint ? base64URL(digest) : digest.base64EncodedString()
        }
        let claims: [String: Any] = [
            "aud": audience, "iss": clientID, "sub": clientID, "jti": jti, "nbf": now, "exp": now + expiresIn,
        ]
        return try sign(header: header, claims: claims, key: key)
    }
}
