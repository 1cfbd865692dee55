import AzureAuth

/// A static identity's files for the tests (the operator's model of them lives in the config).
struct StaticFiles: StaticLoginSource {
    var username: String
    var passwordFile: String
    var password2File: String?

    func logins() throws -> [RegistryLogin] {
        try StaticLogins.read(
            username: username, usernameFile: nil, passwordFile: passwordFile, password2File: password2File)
    }
}
