import Foundation

/// Where a static identity's username and passwords come from (the admin account, a service principal's app ID
/// and password, a repository-scoped token): files, re-read on every use, so rotation needs no restart.
public protocol StaticLoginSource: Sendable {
    /// The logins to try in order (`password`, then `password2`): every one whose files can be read. Throws
    /// `unreadableFile` naming each file and why when none can.
    func logins() throws -> [RegistryLogin]
}

/// Reads a static identity's files, fresh on every call.
public enum StaticLogins {
    /// `password` then `password2`, each whose file can be read; when none can, the error names every file and
    /// why (a missing or empty file is said so, never silently skipped).
    public static func read(
        username: String?, usernameFile: String?, passwordFile: String, password2File: String?
    ) throws -> [RegistryLogin] {
        let user: String
        if let username, !username.isEmpty {
            user = username
        } else if let usernameFile {
            user = try SecretFile.read(usernameFile, what: "username")
        } else {
            throw AzureAuthError(code: .invalidConfiguration, detail: "static credential has no username")
        }
        var logins: [RegistryLogin] = []
        var problems: [String] = []
        for (path, what) in [(passwordFile, "password"), (password2File, "password2")] {
            guard let path else { continue }
            do {
                logins.append(RegistryLogin(username: user, password: try SecretFile.read(path, what: what)))
            } catch let error as AzureAuthError {
                problems.append(error.detail)
            }
        }
        guard !logins.isEmpty else {
            throw AzureAuthError(code: .unreadableFile, detail: problems.joined(separator: "; "))
        }
        return logins
    }
}

/// A docker-style username and password. Its `description` never shows the password.
public struct RegistryLogin: Sendable, Hashable, CustomStringConvertible {
    public var username: String
    /// Never log it.
    public var password: String

    public init(username: String, password: String) {
        self.username = username
        self.password = password
    }

    public var description: String { "RegistryLogin(username: \(username), password: <redacted>)" }

    /// The `Authorization` header value for HTTP Basic auth with this login (a secret itself: never log it).
    var basicAuthorization: String { "Basic " + Data("\(username):\(password)".utf8).base64EncodedString() }
}
