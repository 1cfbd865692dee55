import Foundation

/// `application/x-www-form-urlencoded` bodies and query strings.
package enum FormEncoding {
    private static let unreserved: CharacterSet = {
        var set = CharacterSet.alphanumerics.intersection(CharacterSet(charactersIn: Unicode.Scalar(0)..<"\u{80}"))
        set.insert(charactersIn: "-._~")
        return set
    }()

    /// Percent-encodes one key or value (space as `%20`, which every server decodes).
    static func escape(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: unreserved) ?? ""
    }

    /// `k1=v1&k2=v2`, in the order given.
    package static func encode(_ fields: [(String, String)]) -> String {
        fields.map { "\(escape($0.0))=\(escape($0.1))" }.joined(separator: "&")
    }

    /// The form as a request body.
    static func body(_ fields: [(String, String)]) -> [UInt8] {
        Array(encode(fields).utf8)
    }

    static let contentType = ("Content-Type", "application/x-www-form-urlencoded")
}
