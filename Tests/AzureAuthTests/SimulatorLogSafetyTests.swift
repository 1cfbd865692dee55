import AzureAuth
import AzureSimulator
import Foundation
import Logging
import PullKeeperTesting
import Testing

private typealias App = SimulatedAzure.App
private typealias Managed = SimulatedAzure.Managed

/// Issue 4: no secret, assertion or token appears in log output at any level, nor in error or credential
/// descriptions, for real runs against the simulator (the scripted variant is `LogSafetyTests`).
@Suite("No secret in logs or descriptions, against the AzureSimulator (HTTPS)")
struct SimulatorLogSafetyTests {
    /// Texts that must hold no secret: `description` and `debugDescription`; for errors also `localizedDescription`
    /// and `dump` (every field: an error carries no secret at all, while a credential's `dump` shows its password).
    final class Descriptions: @unchecked Sendable {
        var texts: [String] = []

        func add(_ value: Any) {
            texts.append("\(value)")
            texts.append(String(reflecting: value))
            if let error = value as? any Error {
                texts.append(error.localizedDescription)
                var dumped = ""
                dump(error, to: &dumped)
                texts.append(dumped)
            }
        }
    }

    @Test("trace logs of AzureAuth and of the simulator, and every description, hold no secret, assertion or token")
    func noSecretsAnywhere() async throws {
        let library = LogCapture()
        let simulatorLog = LogCapture()
        let descriptions = Descriptions()
        try await SimulatedAzure.with(simulatorLogger: simulatorLog.logger(label: "simulator")) { azure in
            let logger = library.logger()
            let provider = azure.provider(logger: logger)
            let environment = [
                "AZURE_TENANT_ID": SimulatedAzure.tenant, "AZURE_CLIENT_ID": App.secret,
                "AZURE_CLIENT_SECRET": azure.secret, "AZURE_AUTHORITY_HOST": azure.simulator.authorityHost,
            ]
            let working: [(String, any TokenCredential)] = [
                ("sp-secret", try azure.secretCredential()),
                ("sp-cert", try azure.certificateCredential(algorithm: .ps256)),
                ("sp-cert-rs256", try azure.certificateCredential(algorithm: .rs256)),
                ("workload", try azure.workloadCredential()),
                ("managed", azure.managedIdentity(.clientID(Managed.userClientID))),
                ("app-service", azure.appServiceIdentity(.systemAssigned)),
                (
                    "env",
                    try EnvironmentCredential.make(environment: environment, transport: azure.transport, tls: azure.tls)
                ),
            ]
            for (name, credential) in working {
                let identity = RegistryIdentity(name: name, kind: .entra(credential))
                descriptions.add(try await provider.credential(identity: identity, registry: azure.target()))
                descriptions.add(
                    try await provider.credential(
                        identity: identity, registry: azure.target(), scope: "repository:team-a/app:pull"))
                descriptions.add(try await credential.token(for: SimulatedAzure.scope, logger: logger))
            }
            let admin = try azure.adminCredential()
            descriptions.add(admin)
            descriptions.add(try admin.logins()[0])
            descriptions.add(
                try await provider.credential(
                    identity: RegistryIdentity(name: "admin", kind: .static(admin)), registry: azure.target()))

            let wrongSecret = "wrong-" + UUID().uuidString
            let failing: [(String, any TokenCredential, String?)] = [
                ("wrong-secret", try azure.secretCredential(secret: wrongSecret), nil),
                ("expired-secret", try azure.secretCredential(clientID: App.expired), nil),
                ("unknown-app", try azure.secretCredential(clientID: "0a5e1f3c-1111-4c2d-8e9f-0000000000ff"), nil),
                ("foreign-cert", try azure.certificateCredential(clientID: App.secret), nil),
                ("intruder", try azure.workloadCredential(subject: "system:serviceaccount:other:intruder"), nil),
                ("unknown-mi", azure.managedIdentity(.clientID("5e6f7a8b-3333-4c4d-8e9f-0a1b2c3d4eff")), nil),
                ("wrong-header", azure.appServiceIdentity(.systemAssigned, header: "wrong-" + UUID().uuidString), nil),
                ("no-role", try azure.secretCredential(clientID: App.noRole), nil),
                ("denied", try azure.secretCredential(), azure.deniedRegistry),
            ]
            for (name, credential, registry) in failing {
                let identity = RegistryIdentity(name: name, kind: .entra(credential))
                do {
                    let unexpected = try await provider.credential(identity: identity, registry: azure.target(registry))
                    Issue.record("\(name) should have failed, got \(unexpected.kind)")
                } catch {
                    descriptions.add(error)
                }
            }
            var extraSecrets = [wrongSecret, azure.secret, azure.adminPassword, azure.adminPassword2]
            extraSecrets += try SimulatedAzure.certificate.get().privateKeyPEM.split(separator: "\n")
                .filter { !$0.hasPrefix("-----") }.map(String.init)

            let wire = azure.transport.sensitiveValues
            // Secrets, assertions, federated tokens, Entra and ACR tokens, Basic and App Service headers.
            #expect(wire.count >= 40, "the tap saw \(wire.count) values")
            let needles = Self.needles(wire.union(extraSecrets))
            let haystacks =
                [("AzureAuth log", library.text), ("simulator log", simulatorLog.text)]
                + descriptions.texts.enumerated().map { ("description #\($0.offset)", $0.element) }
            var leaks: [String] = []
            for (index, needle) in needles.enumerated() {
                for (place, text) in haystacks where text.contains(needle) {
                    leaks.append("secret #\(index) (\(needle.count) characters) in \(place)")
                }
            }
            #expect(leaks.isEmpty, "\(leaks.joined(separator: "\n"))")
        }

        // The captures are not empty: the test would see a leak.
        let log = library.text
        #expect(log.contains("debug"))
        #expect(log.contains("identity.name"))
        #expect(log.contains("token request failed"))
        #expect(log.contains("Entra ID token obtained"))
        #expect(simulatorLog.text.contains("Azure simulator refused"))
        #expect(descriptions.texts.contains { $0.contains("AADSTS7000215") })
        #expect(descriptions.texts.contains { $0.contains("RegistryCredential(refreshToken") })
    }

    /// Each secret, and for JWTs also their payload and signature (a log that cut a token up would still leak).
    static func needles(_ secrets: Set<String>) -> [String] {
        var needles: Set<String> = []
        for secret in secrets where secret.count >= 8 {
            needles.insert(secret)
            let parts = secret.split(separator: ".", omittingEmptySubsequences: false)
            if parts.count == 3 {
                for part in parts.dropFirst() where part.count >= 16 { needles.insert(String(part)) }
            }
        }
        return needles.sorted()
    }
}
