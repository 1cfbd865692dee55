import ArgumentParser
import AzureAuth
import Foundation

/// `pullkeeper token`: prints a registry credential like `az acr login --expose-token`.
public struct TokenCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "token",
        abstract: "Print a registry credential as JSON (loginServer, username, accessToken, expiresOn).")

    @OptionGroup public var options: RegistryCredentialOptions

    public init() {}

    public func run() async throws {
        let credential: RegistryCredential
        do {
            credential = try await options.obtainCredential(
                environment: ProcessInfo.processInfo.environment, logger: commandLogger(label: "pullkeeper.token"))
        } catch {
            throw CommandFailure.exit(error)
        }
        print(try Self.render(credential))
    }

    /// The JSON document printed: `expiresOn` is RFC 3339 UTC, or null for static credentials.
    public static func render(_ credential: RegistryCredential) throws -> String {
        struct Output: Encodable {
            var loginServer: String
            var username: String
            var accessToken: String
            var expiresOn: String?

            func encode(to encoder: any Encoder) throws {
                var container = encoder.container(keyedBy: CodingKeys.self)
                try container.encode(loginServer, forKey: .loginServer)
                try container.encode(username, forKey: .username)
                try container.encode(accessToken, forKey: .accessToken)
                try container.encode(expiresOn, forKey: .expiresOn)
            }

            enum CodingKeys: String, CodingKey { case loginServer, username, accessToken, expiresOn }
        }
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        let output = Output(
            loginServer: credential.loginServer, username: credential.username, accessToken: credential.password,
            expiresOn: credential.expiresOn.map { formatter.string(from: $0) })
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(output), as: UTF8.self)
    }
}
