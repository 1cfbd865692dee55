import Foundation
import PullKeeperCore

/// The `.dockerconfigjson` payload: `{"auths":{"<server>":{"username","password","auth"}}}`.
public struct DockerConfig: Sendable, Hashable {
    public struct Entry: Sendable, Hashable, CustomStringConvertible {
        public var username: String
        public var password: String

        public init(username: String, password: String) {
            self.username = username
            self.password = password
        }

        /// base64(username:password): skopeo reads only this, kubelet prefers it, so it must agree.
        public var auth: String { Data("\(username):\(password)".utf8).base64EncodedString() }

        public var description: String { "Entry(username: \(username), password: <redacted>)" }
    }

    public var auths: [String: Entry]

    public init(auths: [String: Entry]) { self.auths = auths }

    /// Deterministic JSON (sorted keys, no whitespace), so the same credentials always give the same bytes. Written
    /// by hand, byte by byte: it runs for every pass that compares or writes a Secret, and both JSONSerialization
    /// (dictionary bridging) and appending unicode scalars to a String cost more than the rest of the decision.
    public func encoded() -> Data {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(64 + auths.reduce(0) { $0 + $1.key.utf8.count + 3 * $1.value.password.utf8.count })
        bytes.append(contentsOf: #"{"auths":{"#.utf8)
        for (index, server) in auths.keys.sorted().enumerated() {
            guard let entry = auths[server] else { continue }
            if index > 0 { bytes.append(UInt8(ascii: ",")) }
            Self.appendQuoted(server, to: &bytes)
            bytes.append(contentsOf: #":{"auth":"#.utf8)
            Self.appendQuoted(entry.auth, to: &bytes)
            bytes.append(contentsOf: #","password":"#.utf8)
            Self.appendQuoted(entry.password, to: &bytes)
            bytes.append(contentsOf: #","username":"#.utf8)
            Self.appendQuoted(entry.username, to: &bytes)
            bytes.append(UInt8(ascii: "}"))
        }
        bytes.append(contentsOf: "}}".utf8)
        return Data(bytes)
    }

    /// Appends `text` as a JSON string literal (RFC 8259 escapes; `/` is left as it is). UTF-8 bytes of 0x80 and
    /// above are copied as they are (JSON needs no escape for them); quote, backslash and controls are escaped.
    static func appendQuoted(_ text: String, to bytes: inout [UInt8]) {
        bytes.append(UInt8(ascii: "\""))
        // Tokens and names never need an escape: copy them in one go.
        if !text.utf8.contains(where: { $0 < 0x20 || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\") }) {
            bytes.append(contentsOf: text.utf8)
            bytes.append(UInt8(ascii: "\""))
            return
        }
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "\""): bytes.append(contentsOf: #"\""#.utf8)
            case UInt8(ascii: "\\"): bytes.append(contentsOf: #"\\"#.utf8)
            case UInt8(ascii: "\n"): bytes.append(contentsOf: #"\n"#.utf8)
            case UInt8(ascii: "\r"): bytes.append(contentsOf: #"\r"#.utf8)
            case UInt8(ascii: "\t"): bytes.append(contentsOf: #"\t"#.utf8)
            case 0..<0x20:
                bytes.append(contentsOf: #"\u00"#.utf8)
                bytes.append(contentsOf: [byte].hexEncoded.utf8)
            default: bytes.append(byte)
            }
        }
        bytes.append(UInt8(ascii: "\""))
    }

    /// Why a payload is unusable, or the decoded config. Entries whose `auth` disagrees with username/password,
    /// or that lack either, count as corrupt: a client might read the wrong half.
    public static func decode(_ data: Data) -> Result<DockerConfig, DockerConfigProblem> {
        guard data.count <= 1 << 20 else { return .failure(.init("is larger than 1 MiB")) }
        guard let object = try? JSONSerialization.jsonObject(with: data) else {
            return .failure(.init("is not valid JSON"))
        }
        guard let root = object as? [String: Any], let auths = root["auths"] as? [String: Any] else {
            return .failure(.init("has no \"auths\" object"))
        }
        var entries: [String: Entry] = [:]
        for (server, value) in auths {
            guard let fields = value as? [String: Any] else {
                return .failure(.init("auths[\(server)] is not an object"))
            }
            let auth = fields["auth"] as? String
            var username = fields["username"] as? String
            var password = fields["password"] as? String
            if let auth {
                guard let decoded = Self.decodeBase64(auth), let text = String(data: decoded, encoding: .utf8),
                    let colon = text.firstIndex(of: ":")
                else { return .failure(.init("auths[\(server)].auth is not base64 of user:password")) }
                let user = String(text[..<colon])
                let pass = String(text[text.index(after: colon)...])
                if (username != nil && username != user) || (password != nil && password != pass) {
                    return .failure(.init("auths[\(server)].auth disagrees with username/password"))
                }
                username = user
                password = pass
            }
            guard let username, let password, !username.isEmpty, !password.isEmpty else {
                return .failure(.init("auths[\(server)] has no username and password"))
            }
            entries[server] = Entry(username: username, password: password)
        }
        return .success(DockerConfig(auths: entries))
    }

    /// Standard base64, padded or not (kubelet accepts both).
    static func decodeBase64(_ text: String) -> Data? {
        var padded = text
        while padded.count % 4 != 0 { padded += "=" }
        return Data(base64Encoded: padded)
    }
}

/// What is wrong with a `.dockerconfigjson` payload.
public struct DockerConfigProblem: Error, Sendable, Hashable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { ".dockerconfigjson \(message)" }
}
