import ArgumentParser
import Foundation
import Manifests
import PullKeeperConfig
import PullKeeperConfigLoader

extension IdentityMode: ExpressibleByArgument {}
extension AdmissionAPIVersion: ExpressibleByArgument {}

/// `pullkeeper render`: writes the install manifests (PRODUCT.md §4) to a directory, or to stdout.
public struct RenderCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "render",
        abstract: "Write the install manifests (namespace, RBAC, config, Deployment, ...) as YAML.",
        discussion: """
            With --output-dir DIR, writes one file per object and a kustomization.yaml (kubectl apply -k DIR). \
            Without it, or with --output-dir - (or a lone -), writes every object to stdout as one YAML stream. \
            deploy/ in the repository is `pullkeeper render --output-dir deploy`.
            """)

    public init() {}

    @Argument(help: ArgumentHelp("`-` writes to stdout (the default).", valueName: "-"))
    package var destination: String?

    @Option(help: ArgumentHelp("Directory to write the files into, or - for stdout.", valueName: "dir"))
    package var outputDir: String?

    @Option(help: "The operator's namespace.") var namespace = "pullkeeper"

    @Option(help: "The container image.") var image = ManifestOptions.defaultImage(version: BuildInfo.version)

    @Option(help: ArgumentHelp("How the operator authenticates to Entra ID.", valueName: "mode"))
    var identityMode: IdentityMode = .workload

    @Option(
        help: """
            An operator config file for the ConfigMap (validated first); default: one for the identity mode. \
            --identity-mode still decides what the pod mounts.
            """)
    var config: String?

    @Option(help: "Number of replicas (one leader, the rest stand by).") var replicas = 2

    @Flag(
        help: ArgumentHelp(
            "Let the controller evict pods stuck without the Secret: repairPods: true in the default config and the "
                + "RBAC it needs (pods list/watch, pods/eviction create), absent otherwise."))
    var repairPods = false

    @Flag(inversion: .prefixedNo, help: "Render the metrics Service and allow ingress to the metrics port.")
    var metrics = true

    @Option(help: "Entra tenant of the service principal (or of the workload identity).") var tenantId: String?

    @Option(help: "Client ID of the workload identity, service principal or user-assigned managed identity.")
    var clientId: String?

    @Option(
        help: ArgumentHelp(
            "Namespaces (names and glob patterns, comma-separated) the default config's identity serves.",
            valueName: "list"))
    var namespaces: String?

    @Option(
        help: ArgumentHelp(
            "Registries (login servers, comma-separated) the default config's identity serves.", valueName: "list"))
    var registries: String?

    @Flag(
        inversion: .prefixedNo,
        help: """
            Render the ValidatingAdmissionPolicies that limit who may set pullkeeper.io/ namespace metadata and what \
            the operator's ServiceAccount may write (Kubernetes 1.30+).
            """)
    var admissionPolicies = true

    @Option(
        name: .customLong("namespace-admin-group"),
        help: ArgumentHelp(
            """
            A group whose members may set pullkeeper.io/ namespace metadata (repeatable; replaces the defaults \
            system:masters and pullkeeper:namespace-admins).
            """, valueName: "group"))
    var namespaceAdminGroups: [String] = ManifestNames.defaultNamespaceAdminGroups

    @Option(
        name: .customLong("namespace-admin-user"),
        help: ArgumentHelp("A user who may set pullkeeper.io/ namespace metadata (repeatable).", valueName: "user"))
    var namespaceAdminUsers: [String] = []

    @Flag(
        inversion: .prefixedNo,
        help: "Render the MutatingAdmissionPolicy that adds the pull Secret to pods (attach: pods or both).")
    var podInjection = true

    @Option(
        help: ArgumentHelp(
            "API version of the MutatingAdmissionPolicy: v1 (Kubernetes 1.36+) or v1beta1 (1.34-1.35, when enabled).",
            valueName: "version"))
    var admissionApi: AdmissionAPIVersion = .v1

    public func validate() throws {
        if let destination, destination != "-" {
            throw ValidationError("unexpected argument \"\(destination)\"; write to a directory with --output-dir DIR")
        }
        if destination != nil, let outputDir, outputDir != "-" {
            throw ValidationError("- (stdout) and --output-dir \(outputDir) cannot both be given")
        }
        let problems = manifestOptions(configText: nil).problems
        if let first = problems.first {
            throw ValidationError(problems.count == 1 ? first : problems.joined(separator: "\n"))
        }
    }

    public func run() throws {
        do {
            try Self.write(try render(), to: outputDir == "-" ? nil : outputDir)
        } catch {
            throw CommandFailure.exit(error)
        }
    }

    /// The files this invocation renders, after reading and validating `--config`.
    package func render() throws -> [ManifestFile] {
        var configText: String?
        var policyConfig = PolicyConfig()
        if let config {
            guard let data = FileManager.default.contents(atPath: config) else {
                throw CommandFailure(message: "\(config): cannot be read", exitCode: 2)
            }
            let text = String(decoding: data, as: UTF8.self)
            do {
                policyConfig = Self.policyConfig(try ConfigLoader.parse(text, file: config))
            } catch {
                throw CommandFailure(message: error.lines.joined(separator: "\n"), exitCode: 2)
            }
            configText = text
        }
        return try Manifests.render(manifestOptions(configText: configText, policyConfig: policyConfig))
    }

    package func manifestOptions(configText: String?, policyConfig: PolicyConfig = PolicyConfig()) -> ManifestOptions {
        ManifestOptions(
            namespace: namespace, image: image, version: BuildInfo.version, identityMode: identityMode,
            configText: configText, replicas: replicas, metrics: metrics, tenantID: tenantId, clientID: clientId,
            grantedNamespaces: Self.list(namespaces), grantedRegistries: Self.list(registries),
            admissionPolicies: admissionPolicies, podInjection: podInjection, admissionAPI: admissionApi,
            namespaceAdminGroups: namespaceAdminGroups, namespaceAdminUsers: namespaceAdminUsers,
            policyConfig: policyConfig, repairPods: repairPods)
    }

    /// What the admission policies need from a validated operator config.
    package static func policyConfig(_ config: OperatorConfig) -> PolicyConfig {
        PolicyConfig(
            secretName: config.secretName, excludeNamespaces: config.excludeNamespaces,
            optIn: config.namespaceSelector?.selector, defaultAttach: config.attach)
    }

    /// Writes the files into `directory` (created if needed), or the object stream to stdout when it is nil.
    package static func write(_ files: [ManifestFile], to directory: String?) throws {
        guard let directory else {
            FileHandle.standardOutput.write(Data(try Manifests.stream(files).utf8))
            return
        }
        let root = URL(fileURLWithPath: directory, isDirectory: true)
        do {
            try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
            for file in files {
                try Data(try file.text().utf8).write(to: root.appendingPathComponent(file.name), options: .atomic)
            }
        } catch {
            throw CommandFailure(message: "cannot write into \(directory): \(error.localizedDescription)", exitCode: 1)
        }
    }

    /// A comma-separated flag value as a list (nil when the flag was not given).
    static func list(_ text: String?) -> [String]? {
        text.map { $0.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty } }
    }
}
