import ArgumentParser
import AzureAuth
import Controller
import Foundation
import Logging
import PullKeeperConfig
import PullKeeperConfigLoader

/// Flags shared by `token` and `login`.
public struct RegistryCredentialOptions: ParsableArguments {
    @Option(help: "Registry login server, e.g. contoso.azurecr.io.")
    public var registry: String

    @Option(help: "Identity name from the config (default: defaultIdentity; `env` = AZURE_* variables).")
    public var identity: String?

    @Option(help: "pullkeeper config file (default: none; only the `env` identity is then available).")
    public var config: String?

    public init() {}

    public func validate() throws {
        guard !registry.isEmpty, !registry.contains("/"), !registry.contains(" ") else {
            throw ValidationError("--registry must be a login server (host[:port]), not \"\(registry)\"")
        }
    }

    /// Loads the config, builds the identity and fetches one credential. Throws `CommandFailure` with the
    /// exit code to use.
    public func obtainCredential(environment: [String: String], logger: Logger) async throws -> RegistryCredential {
        let operatorConfig: OperatorConfig
        if let config {
            do {
                operatorConfig = try ConfigLoader.load(path: config)
            } catch {
                throw CommandFailure(message: "\(error)", exitCode: 2)
            }
        } else {
            operatorConfig = OperatorConfig()
        }
        let transport = AsyncHTTPTransport()
        do {
            let result = try await fetch(operatorConfig, environment: environment, transport: transport, logger: logger)
            try? await transport.shutdown()
            return result
        } catch {
            try? await transport.shutdown()
            throw error
        }
    }

    private func fetch(
        _ operatorConfig: OperatorConfig, environment: [String: String], transport: AsyncHTTPTransport, logger: Logger
    ) async throws -> RegistryCredential {
        let factory = CredentialFactory(config: operatorConfig, environment: environment, transport: transport)
        guard factory.isAllowed(registry: registry) else {
            throw CommandFailure(
                message: "registry \(registry) is neither under an allowed suffix nor listed in registries", exitCode: 2
            )
        }
        let chosen: RegistryIdentity
        do {
            chosen = try factory.identity(named: identity)
        } catch let error as AzureAuthError {
            throw CommandFailure(message: error.description, exitCode: 2)
        }
        guard factory.identity(chosen.name, mayUse: registry) else {
            throw CommandFailure(
                message: "identity \(chosen.name) may not be used for registry \(registry)", exitCode: 2)
        }
        let provider = TokenProvider(transport: transport, logger: logger)
        do {
            return try await provider.credential(identity: chosen, registry: factory.registry(registry))
        } catch let error as AzureAuthError {
            throw CommandFailure(message: error.description, exitCode: error.code == .invalidConfiguration ? 2 : 1)
        }
    }
}

/// A command failure with its message (for stderr) and exit code (1 job failure, 2 usage or config error).
public struct CommandFailure: Error, CustomStringConvertible {
    public var message: String
    public var exitCode: Int32
    public var description: String { message }
}

extension CommandFailure {
    /// Prints the message to stderr and turns the failure into an ArgumentParser exit.
    static func exit(_ error: any Error) -> ExitCode {
        let failure = (error as? CommandFailure) ?? CommandFailure(message: "\(error)", exitCode: 1)
        FileHandle.standardError.write(Data("pullkeeper: \(failure.message)\n".utf8))
        return ExitCode(failure.exitCode)
    }
}

/// A logger for commands: warnings and above to stderr, never bootstrapped globally.
func commandLogger(label: String) -> Logger {
    var logger = Logger(label: label) { StreamLogHandler.standardError(label: $0) }
    logger.logLevel = .warning
    return logger
}
