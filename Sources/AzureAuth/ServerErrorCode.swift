/// A server's error code as it may appear in an error message (and so in an Event or a log line).
enum ServerErrorCode {
    /// OAuth and ACR error codes are short identifiers (`invalid_client`, `UNAUTHORIZED`).
    static let maximumLength = 64

    /// The code when it looks like one, else nil: a careless server or proxy that echoes the request (with the
    /// client secret or the Entra token in it) or sends a page of text cannot put either into our messages.
    static func shown(_ text: String?) -> String? {
        guard let text, !text.isEmpty, text.utf8.count <= maximumLength else { return nil }
        let allowed = text.unicodeScalars.allSatisfy { scalar in
            switch scalar {
            case "a"..."z", "A"..."Z", "0"..."9", "_", "-", ".": true
            default: false
            }
        }
        return allowed ? text : nil
    }
}
