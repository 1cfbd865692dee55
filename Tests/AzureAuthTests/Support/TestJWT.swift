import Foundation

/// Builds unsigned JWT-shaped strings for parsing tests (the client never checks signatures).
enum TestJWT {
    static func encode(_ json: String, urlSafe: Bool = true, padded: Bool = false) -> String {
        var text = Data(json.utf8).base64EncodedString()
        if urlSafe { text = text.replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_") }
        if !padded { text = text.replacingOccurrences(of: "=", with: "") }
        return text
    }

    static func make(payload: String, header: String = #"{"alg":"RS256","typ":"JWT"}"#) -> String {
        encode(header) + "." + encode(payload) + ".c2lnbmF0dXJl"
    }

    /// A token expiring at `exp` (epoch seconds).
    static func expiring(_ exp: Int, extra: String = "") -> String {
        make(payload: #"{"exp":\#(exp),"iss":"test"\#(extra)}"#)
    }
}
