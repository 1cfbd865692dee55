import Foundation
import KubernetesModel
import Manifests
import PullKeeperCommands
import PullKeeperConfig
import PullKeeperConfigLoader
import Testing

/// The config every mode renders by default must pass the operator's own validator (`pullkeeper check`).
@Suite struct DefaultConfigTests {
    struct Case: CustomTestStringConvertible, Sendable {
        var mode: IdentityMode
        var tenantID: String?
        var clientID: String?
        var testDescription: String { "\(mode.rawValue) tenant=\(tenantID ?? "-") client=\(clientID ?? "-")" }
    }

    static let cases: [Case] = IdentityMode.allCases.flatMap { mode in
        [
            Case(mode: mode),
            Case(mode: mode, tenantID: "contoso.onmicrosoft.com", clientID: "3f1c9a2e-1111-4a55-9d8e-0a1b2c3d4e5f"),
        ]
    }

    func configText(_ options: ManifestOptions) throws -> String {
        let files = try Manifests.render(options)
        let configMap = try files.decode(ConfigMap.self, from: "configmap.yaml")
        return try #require(configMap.data?[ManifestNames.configKey])
    }

    @Test(arguments: cases)
    func renderedDefaultConfigPassesCheck(_ test: Case) throws {
        var options = ManifestOptions.defaults(test.mode)
        options.tenantID = test.tenantID
        options.clientID = test.clientID
        let text = try configText(options)
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("pullkeeper-\(UUID()).yaml")
        try text.write(to: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: file) }
        let result = CheckCommand.check(path: file.path)
        #expect(result.exitCode == 0, "\(result.lines)")

        let config = try ConfigLoader.parse(text)
        #expect(config.defaultIdentity == test.mode.identityName)
        #expect(config.identities.map(\.name) == [test.mode.identityName])
        let credentials = ManifestNames.credentialsDirectory
        let expected: CredentialConfig =
            switch test.mode {
            case .workload: .environment
            case .managed: .managedIdentity(.init(selector: test.clientID.map { .clientID($0) } ?? .systemAssigned))
            case .servicePrincipal:
                .servicePrincipal(
                    .init(
                        tenantID: test.tenantID ?? ManifestNames.placeholderGUID,
                        clientID: test.clientID ?? ManifestNames.placeholderGUID,
                        clientSecretFile: "\(credentials)/client-secret"))
            case .static:
                .static(
                    .init(
                        usernameFile: "\(credentials)/username", passwordFile: "\(credentials)/password",
                        password2File: "\(credentials)/password2"))
            }
        #expect(config.identities.first?.credential == expected)
    }

    @Test(arguments: IdentityMode.allCases)
    func credentialFilesLiveWhereTheSecretIsMounted(_ mode: IdentityMode) throws {
        let text = try configText(.defaults(mode))
        let paths = text.split(separator: "\n").compactMap { line -> String? in
            guard let range = line.range(of: "File: ") else { return nil }
            return String(line[range.upperBound...])
        }
        #expect(paths == mode.credentialKeys.map { "\(ManifestNames.credentialsDirectory)/\($0)" })
    }

    @Test func givenConfigIsKeptVerbatim() throws {
        let example = try Repository.text(Repository.root.appendingPathComponent("examples/config.yaml"))
        var options = ManifestOptions.defaults()
        options.configText = example
        #expect(try configText(options) == example)
    }
}
