/// A `WWW-Authenticate: Bearer realm="...",service="...",scope="..."` challenge (RFC 6750 / RFC 7235 auth-params).
public struct BearerChallenge: Sendable, Hashable {
    /// Parameter names lower-cased; values unquoted and unescaped.
    public var parameters: [String: String]

    public var realm: String? { parameters["realm"] }
    public var service: String? { parameters["service"] }
    public var scope: String? { parameters["scope"] }
    public var error: String? { parameters["error"] }

    /// Parses the header value; nil when it is not a Bearer challenge or its parameters are malformed.
    public static func parse(_ header: String) -> BearerChallenge? {
        var scanner = Scanner(Array(header.unicodeScalars))
        scanner.skipSpaces()
        guard scanner.readToken()?.lowercased() == "bearer" else { return nil }
        var parameters: [String: String] = [:]
        while true {
            scanner.skipSpacesAndCommas()
            if scanner.atEnd { break }
            guard let name = scanner.readToken(), !name.isEmpty else { return nil }
            scanner.skipSpaces()
            guard scanner.consume("=") else { return nil }
            scanner.skipSpaces()
            let value: String
            if scanner.peek == "\"" {
                guard let quoted = scanner.readQuoted() else { return nil }
                value = quoted
            } else {
                guard let token = scanner.readToken() else { return nil }
                value = token
            }
            parameters[name.lowercased()] = value
        }
        return BearerChallenge(parameters: parameters)
    }

    private struct Scanner {
        var scalars: [Unicode.Scalar]
        var index = 0

        init(_ scalars: [Unicode.Scalar]) { self.scalars = scalars }

        var atEnd: Bool { index >= scalars.count }
        var peek: Unicode.Scalar? { atEnd ? nil : scalars[index] }

        mutating func skipSpaces() {
            while let scalar = peek, scalar == " " || scalar == "\t" { index += 1 }
        }

        mutating func skipSpacesAndCommas() {
            while let scalar = peek, scalar == " " || scalar == "\t" || scalar == "," { index += 1 }
        }

        mutating func consume(_ scalar: Unicode.Scalar) -> Bool {
            guard peek == scalar else { return false }
            index += 1
            return true
        }

        /// An RFC 7230 token (also accepting `/`, `:` and `=`-free URL characters seen unquoted in the wild).
        mutating func readToken() -> String? {
            var text = ""
            while let scalar = peek, scalar != " ", scalar != "\t", scalar != ",", scalar != "=", scalar != "\"" {
                text.unicodeScalars.append(scalar)
                index += 1
            }
            return text.isEmpty ? nil : text
        }

        mutating func readQuoted() -> String? {
            guard consume("\"") else { return nil }
            var text = ""
            while let scalar = peek {
                index += 1
                switch scalar {
                case "\"": return text
                case "\\":
                    guard let escaped = peek else { return nil }
                    index += 1
                    text.unicodeScalars.append(escaped)
                default: text.unicodeScalars.append(scalar)
                }
            }
            return nil
        }
    }
}
