import ArgumentParser
import AzureAuth
import Foundation

/// `pullkeeper login`: writes a registry credential into a docker config file for workstation use.
public struct LoginCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "login",
        abstract: "Merge a registry credential into a docker config file (auth, username, password).")

    @OptionGroup public var options: RegistryCredentialOptions

    @Option(name: .customLong("docker-config"), help: "Docker config file (default: ~/.docker/config.json).")
    public var dockerConfig: String?

    public init() {}

    public func run() async throws {
        let environment = ProcessInfo.processInfo.environment
        let path = dockerConfig ?? DockerConfigFile.defaultPath(environment: environment)
        do {
            let credential = try await options.obtainCredential(
                environment: environment, logger: commandLogger(label: "pullkeeper.login"))
            try DockerConfigFile.write(
                path: path, loginServer: credential.loginServer, username: credential.username,
                password: credential.password)
            let existing = FileManager.default.contents(atPath: path)
            if let helper = DockerConfigFile.overridingHelper(in: existing, loginServer: credential.loginServer) {
                FileHandle.standardError.write(
                    Data("pullkeeper: warning: \(helper) takes precedence over auths\n".utf8))
            }
            let expiry = credential.expiresOn.map { " (expires \(ISO8601DateFormatter().string(from: $0)))" } ?? ""
            print("Login for \(credential.loginServer) written to \(path)\(expiry)")
        } catch {
            throw CommandFailure.exit(error)
        }
    }
}
