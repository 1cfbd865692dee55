import AzureAuth
import Foundation
import Testing

@Suite("JWT claims decoding")
struct JWTClaimsTests {
    // `"tenant":"a?>"` makes the standard encoding contain `/` or `+`, so the alphabets really differ.
    static let payload = #"{"exp":1767236400,"nbf":1767225600,"iat":1767225600,"tenant":"t~~~?>","aud":"x.io"}"#

    @Test(
        "payload in either alphabet, padded or not",
        arguments: [(true, false), (true, true), (false, false), (false, true)])
    func alphabets(urlSafe: Bool, padded: Bool) throws {
        let token =
            TestJWT.encode(#"{"alg":"RS256"}"#, urlSafe: urlSafe, padded: padded) + "."
            + TestJWT.encode(Self.payload, urlSafe: urlSafe, padded: padded) + ".sig"
        let claims = try JWTClaims.decode(token)
        #expect(claims.expiresOn == Date(timeIntervalSince1970: 1_767_236_400))
        #expect(claims.notBefore == Date(timeIntervalSince1970: 1_767_225_600))
        #expect(claims.tenant == "t~~~?>")
        #expect(claims.audience == "x.io")
    }

    @Test("the two alphabets really differ for the test payload")
    func alphabetsDiffer() {
        #expect(TestJWT.encode(Self.payload, urlSafe: true) != TestJWT.encode(Self.payload, urlSafe: false))
    }

    @Test("numeric-string and float exp are accepted")
    func flexibleExp() throws {
        #expect(
            try JWTClaims.expiry(of: TestJWT.make(payload: #"{"exp":"1767236400"}"#)).timeIntervalSince1970
                == 1_767_236_400)
        #expect(
            try JWTClaims.expiry(of: TestJWT.make(payload: #"{"exp":1767236400.5}"#)).timeIntervalSince1970
                == 1_767_236_400.5)
    }

    @Test(
        "malformed tokens are errors naming the problem",
        arguments: [
            ("", "segments"),
            ("abc", "segments"),
            ("a.b", "segments"),
            ("a.b.c.d", "segments"),
            ("!!!.e30.sig", "header"),
            (TestJWT.encode("not json") + ".e30.sig", "header"),
            (TestJWT.encode("{}") + ".@@@.sig", "payload is not base64"),
            (TestJWT.encode("{}") + "." + TestJWT.encode("[1,2]") + ".sig", "payload"),
            (TestJWT.encode("{}") + "." + TestJWT.encode(#"{"exp":"soon"}"#) + ".sig", "payload"),
            (TestJWT.encode("{}") + "." + TestJWT.encode(#"{"exp":-5}"#) + ".sig", "payload"),
            (TestJWT.encode("{}") + "." + TestJWT.encode(#"{"exp":1e300}"#) + ".sig", "payload"),
            (TestJWT.encode("{}") + "." + TestJWT.encode(#"{"exp":true}"#) + ".sig", "payload"),
            (TestJWT.encode("{}") + ".A.sig", "payload is not base64"),
            (TestJWT.encode("{}") + ".e30=x.sig", "payload is not base64"),
        ])
    func malformed(token: String, mention: String) {
        let error = #expect(throws: AzureAuthError.self) { try JWTClaims.expiry(of: token, name: "refresh token") }
        #expect(error?.code == .invalidJWT)
        #expect(error?.description.contains("refresh token") == true)
        #expect(error?.description.contains(mention) == true)
    }

    @Test("a JWT without exp has no expiry")
    func missingExp() {
        let error = #expect(throws: AzureAuthError.self) { try JWTClaims.expiry(of: TestJWT.make(payload: "{}")) }
        #expect(error?.description.contains("no exp") == true)
    }

    @Test("lenient base64 round trip of every length", arguments: 0..<8)
    func base64RoundTrip(length: Int) {
        let bytes = (0..<length).map { UInt8(truncatingIfNeeded: $0 * 97 + 251) }
        let url = LenientBase64.urlEncode(bytes)
        #expect(LenientBase64.decode(Substring(url)) == bytes)
        #expect(LenientBase64.decode(Substring(LenientBase64.standardEncode(bytes))) == bytes)
    }
}
