import AzureAuth
import Foundation
import FuzzSupport

/// libFuzzer harness for the JWT reader (`JWTClaims`, lenient base64 of either alphabet, JSON claims).
///
/// Each input is tried twice: as the raw token text, and as `header JSON` + newline + `payload JSON` that the
/// harness encodes into a token itself, so mutations reach the claim decoding and not only the base64 checks.
@main enum FuzzJWT {
    static func main() { FuzzHarness.run(fuzzJWT) }
}

@Sendable func fuzzJWT(_ bytes: [UInt8]) {
    read(String(decoding: bytes, as: UTF8.self))

    guard let newline = bytes.firstIndex(of: UInt8(ascii: "\n")) else { return }
    let header = bytes[..<newline]
    let payload = bytes[(newline + 1)...]
    read("\(base64URL(header)).\(base64URL(payload)).c2lnbmF0dXJl")
}

private func read(_ token: String) {
    if let claims = try? JWTClaims.decode(token, name: "fuzzed token") {
        _ = claims.expiresOn?.timeIntervalSince1970
        _ = claims.notBefore
        _ = claims.issuedAt
        _ = claims.tenant
        _ = claims.audience
    }
    do {
        _ = try JWTClaims.expiry(of: token, name: "fuzzed token")
    } catch {
        _ = "\(error)"
    }
}

/// Unpadded URL-safe base64, as JWS compact serialization writes it.
private func base64URL(_ bytes: ArraySlice<UInt8>) -> String {
    Data(bytes).base64EncodedString()
        .replacingOccurrences(of: "+", with: "-")
        .replacingOccurrences(of: "/", with: "_")
        .replacingOccurrences(of: "=", with: "")
}
