import Foundation

/// A registry username and password used as they are (admin account, service principal app ID + password,
/// repository-scoped token): no Entra ID, no exchange. Files are re-read on every use.
public struct StaticCredential: Sendable, Hashable {
    /// A literal username, or nil to read `usernameFile`.
    public var username: String?
    public var usernameFile: String?
    public var passwordFile: String
    /// The second password (ACR admin accounts and tokens have two), used when the first is missing.
    public var password2File: String?

    public init(
        username: String? = nil, usernameFile: String? = nil, passwordFile: String, password2File: String? = nil
    ) {
        self.username = username
        self.usernameFile = usernameFile
        self.passwordFile = passwordFile
        self.password2File = password2File
    }

    /// The first usable username + password: `password`, falling back to `password2` when the first file is
    /// missing or empty.
    public func login() throws -> RegistryLogin {
        let logins = try allLogins()
        guard let first = logins.first else {
            throw AzureAuthError(
                code: .unreadableFile,
                detail: "cannot read the password file \(passwordFile)"
                    + (password2File.map { " nor the password2 file \($0)" } ?? ""))
        }
        return first
    }

    /// Every readable login, `password` first then `password2`: a caller whose registry refuses the first tries
    /// the next.
    public func allLogins() throws -> [RegistryLogin] {
        let user = try readUsername()
        var logins: [RegistryLogin] = []
        if let password = try? SecretFile.read(passwordFile, what: "password") {
            logins.append(RegistryLogin(username: user, password: password))
        }
        if let path = password2File, let password = try? SecretFile.read(path, what: "password2") {
            logins.append(RegistryLogin(username: user, password: password))
        }
        return logins
    }

    private func readUsername() throws -> String {
        if let username, !username.isEmpty { return username }
        guard let usernameFile else {
            throw AzureAuthError(code: .invalidConfiguration, detail: "static credential has no username")
        }
        return try SecretFile.read(usernameFile, what: "username")
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
}
