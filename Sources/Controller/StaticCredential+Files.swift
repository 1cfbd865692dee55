import AzureAuth
import PullKeeperConfig

/// The config's static credential is the one model of it; the token cache reads its files through it.
extension CredentialConfig.StaticCredential: StaticLoginSource {
    public func logins() throws -> [RegistryLogin] {
        try StaticLogins.read(
            username: username, usernameFile: usernameFile, passwordFile: passwordFile, password2File: password2File)
    }
}
