import ArgumentParser
import AzureAuth
import Controller
import Foundation
import PullKeeperConfig
import PullKeeperConfigLoader
import PullKeeperCore

/// `pullkeeper audit`: what each identity's credential may do on each of its registries.
public struct AuditCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "audit",
        abstract: "Show the repository actions each identity's credential is granted on each of its registries.",
        discussion: """
            For every identity × registry of the config (or the one chosen), pullkeeper obtains the identity's \
            credential as the controller does and asks the registry's token service for pull, push and delete on \
            one repository; the access token's grant is what the table shows (the token is dropped). A pull \
            Secret needs pull only: anything more lets whoever reads the Secret change or delete images.

            Exit status: 0 when every identity is granted pull and nothing more, 1 when one is granted more or \
            could not be audited, 2 for a usage or config error.
            """)

    @Option(help: "pullkeeper config file.")
    var config: String

    @Option(help: "Audit only this identity.")
    var identity: String?

    @Option(help: "Audit only this registry (a login server of the identities' registries).")
    var registry: String?

    @Option(help: "Repository to ask about (rights may differ per repository with ABAC or repository tokens).")
    var repository = TokenProvider.auditRepository

    @Option(help: "table or json.")
    var output: OutputFormat = .table

    enum OutputFormat: String, ExpressibleByArgument, CaseIterable {
        case table, json
    }

    public init() {}

    public func validate() throws {
        guard !repository.isEmpty, !repository.contains(":"), !repository.contains(" ") else {
            throw ValidationError("--repository must be a repository name like team-a/app, not \"\(repository)\"")
        }
    }

    public func run() async throws {
        let operatorConfig: OperatorConfig
        do {
            operatorConfig = try ConfigLoader.load(path: config)
        } catch {
            throw CommandFailure.exit(CommandFailure(message: "\(error)", exitCode: 2))
        }
        let transport = AsyncHTTPTransport()
        let factory = CredentialFactory(
            config: operatorConfig, environment: ProcessInfo.processInfo.environment, transport: transport)
        let audit = RightsAudit(
            factory: factory,
            provider: TokenProvider(transport: transport, logger: commandLogger(label: "pullkeeper.audit")))
        let pairs = audit.pairs(identity: identity, registry: registry)
        guard !pairs.isEmpty else {
            try? await transport.shutdown()
            throw CommandFailure.exit(
                CommandFailure(message: Self.nothingToAudit(operatorConfig, identity, registry), exitCode: 2))
        }
        let findings = await audit.run(pairs, repository: repository)
        try? await transport.shutdown()
        switch output {
        case .table: print(Self.table(findings, repository: repository), terminator: "")
        case .json: print(try Self.json(findings, repository: repository))
        }
        if findings.contains(where: { $0.excess != [] }) { throw ExitCode(1) }
    }

    static func nothingToAudit(_ config: OperatorConfig, _ identity: String?, _ registry: String?) -> String {
        if config.identities.isEmpty { return "the config has no identities to audit" }
        if let identity, config.identity(named: identity) == nil {
            return "identity \(identity) is not in the config (known: "
                + config.identities.map(\.name).joined(separator: ", ") + ")"
        }
        return "no identity\(identity.map { " named \($0)" } ?? "") is granted registry \(registry ?? "-")"
    }

    /// One line per identity × registry: the granted actions and a verdict.
    static func table(_ findings: [RightsFinding], repository: String) -> String {
        let rows = findings.map { finding -> [String] in
            switch finding.result {
            case .success(let rights):
                let granted = rights.ordered.isEmpty ? "none" : rights.ordered.joined(separator: ",")
                let verdict =
                    rights.excess.isEmpty
                    ? (rights.actions.contains("pull") ? "ok: pull only" : "cannot pull \(repository)")
                    : "MORE THAN PULL: can \(rights.excess.joined(separator: " and "))"
                return [finding.identity, finding.registry, granted, verdict]
            case .failure(let error):
                return [finding.identity, finding.registry, "?", "not audited: \(error)"]
            }
        }
        return TextTable.render(header: ["IDENTITY", "REGISTRY", "GRANTED", "VERDICT"], rows: rows)
    }

    static func json(_ findings: [RightsFinding], repository: String) throws -> String {
        struct Item: Encodable {
            var identity: String
            var registry: String
            var repository: String
            var granted: [String]?
            var excess: [String]?
            var error: String?
        }
        let items = findings.map { finding in
            switch finding.result {
            case .success(let rights):
                Item(
                    identity: finding.identity, registry: finding.registry, repository: repository,
                    granted: rights.ordered, excess: rights.excess)
            case .failure(let error):
                Item(
                    identity: finding.identity, registry: finding.registry, repository: repository,
                    error: error.description)
            }
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(items), as: UTF8.self)
    }
}
