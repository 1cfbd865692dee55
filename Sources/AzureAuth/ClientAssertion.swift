import Crypto
import Foundation
import _CryptoExtras

/// The signed JWT a certificate credential sends as `client_assertion` (private_key_jwt).
public struct ClientAssertion: Sendable {
    /// The value of `client_assertion_type`.
    public static let assertionType = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"

    /// How the assertion is signed and which thumbprint header it carries.
    public enum Algorithm: Sendable, Hashable {
        /// PS256 with `x5t#S256` (SHA-256 thumbprint), what MSAL emits for Entra ID today.
        case ps256
        /// RS256 with `x5t` (SHA-1 thumbprint), the documented legacy form (ADFS, older stacks).
        case rs256
    }

    private struct Header: Encodable {
        var alg: String
        var typ = "JWT"
        var x5t: String?
        var x5tS256: String?
        var x5c: [String]?

        enum CodingKeys: String, CodingKey {
            case alg, typ, x5t, x5tS256 = "x5t#S256", x5c
        }
    }

    private struct Claims: Encodable {
        var aud: String
        var iss: String
        var sub: String
        var jti: String
        var nbf: Int
        var exp: Int
    }

    /// Builds and signs an assertion for `clientID` at `audience` (the exact token URL), valid 10 minutes.
    static func make(
        bundle: PEMBundle, clientID: String, audience: String, algorithm: Algorithm, sendChain: Bool, now: Date
    ) throws -> String {
        var header = Header(alg: algorithm == .ps256 ? "PS256" : "RS256")
        switch algorithm {
        case .ps256: header.x5tS256 = LenientBase64.urlEncode(SHA256.hash(data: bundle.leafDER))
        case .rs256: header.x5t = LenientBase64.urlEncode(Insecure.SHA1.hash(data: bundle.leafDER))
        }
        if sendChain { header.x5c = bundle.chainDER.map { LenientBase64.standardEncode($0) } }
        let issued = Int(now.timeIntervalSince1970)
        let claims = Claims(
            aud: audience, iss: clientID, sub: clientID, jti: UUID().uuidString.lowercased(), nbf: issued,
            exp: issued + 600)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let signingInput =
            LenientBase64.urlEncode(try encoder.encode(header)) + "."
            + LenientBase64.urlEncode(try encoder.encode(claims))
        let signature: _RSA.Signing.RSASignature
        do {
            let padding: _RSA.Signing.Padding = algorithm == .ps256 ? .PSS : .insecurePKCS1v1_5
            signature = try bundle.privateKey.signature(for: Data(signingInput.utf8), padding: padding)
        } catch {
            throw AzureAuthError(code: .invalidCertificate, detail: "signing the client assertion failed")
        }
        return signingInput + "." + LenientBase64.urlEncode(signature.rawRepresentation)
    }
}
