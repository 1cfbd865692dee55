/// Validation of registry login servers (`contoso.azurecr.io`, `127.0.0.1:5000`) and of the suffix policy that
/// keeps look-alikes such as `contoso.azurecr.io.evil.com` out.
public enum LoginServer {
    /// Why a login server string is malformed, or nil when it is a well-formed `host[:port]`.
    public static func problem(with text: String) -> String? {
        if text.isEmpty { return "is empty" }
        if text.contains("://") { return "must be a host name without a scheme (\"\(text)\")" }
        if text.contains("/") { return "must be a host name without a path (\"\(text)\")" }
        if text.unicodeScalars.contains(where: { !$0.isASCII }) {
            return "must be ASCII (\"\(text)\"); write internationalised names in punycode (xn--)"
        }
        if text.contains(where: \.isWhitespace) { return "must not contain spaces (\"\(text)\")" }
        if text != text.lowercased() { return "must be lower case (\"\(text.lowercased())\")" }
        let (host, port) = split(text)
        if let port {
            guard let number = Int(port), (1...65535).contains(number), port.allSatisfy(\.isNumber) else {
                return "has an invalid port \"\(port)\""
            }
        }
        guard host.count <= 253 else { return "is longer than 253 characters" }
        let labels = host.split(separator: ".", omittingEmptySubsequences: false)
        for label in labels {
            if label.isEmpty { return "has an empty label (\"\(text)\")" }
            if label.count > 63 { return "has a label longer than 63 characters" }
            if label.first == "-" || label.last == "-" { return "has a label that starts or ends with \"-\"" }
            if !label.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" }) {
                return "has invalid characters (\"\(text)\")"
            }
        }
        return nil
    }

    /// Host and optional port of a well-formed login server.
    public static func split(_ text: String) -> (host: String, port: String?) {
        guard let colon = text.lastIndex(of: ":") else { return (text, nil) }
        return (String(text[..<colon]), String(text[text.index(after: colon)...]))
    }

    /// Whether the host is a proper subdomain of one of the suffixes (`x.azurecr.io`, never `azurecr.io` itself
    /// nor `x.azurecr.io.evil.com`), with no port.
    public static func hasAllowedSuffix(_ text: String, suffixes: [String]) -> Bool {
        let (host, port) = split(text)
        guard port == nil else { return false }
        return suffixes.contains { suffix in
            let suffix = suffix.hasPrefix(".") ? String(suffix.dropFirst()) : suffix
            return host.hasSuffix("." + suffix) && host.count > suffix.count + 1
        }
    }
}
