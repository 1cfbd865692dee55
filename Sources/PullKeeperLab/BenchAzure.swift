import AzureSimulator
import Foundation

/// The benchmark's Azure side: a simulated tenant with `identities` service principals, each with AcrPull on each
/// of `registries` simulated registries, and the pullkeeper config that uses them (every namespace granted).
package struct BenchAzure: Sendable {
    package let simulator: AzureSimulator
    package let registries: [String]
    package let identityNames: [String]
    /// The pullkeeper config for `pullkeeper run` (mode 600).
    package let configPath: String

    /// Starts the simulator and writes `directory/config.yaml` (plus `configExtra`, top-level YAML lines).
    package static func start(
        identities: Int, registries: Int, lifetime: Duration, keys: AzureSimulatorKeys, directory: String,
        configExtra: String = ""
    ) async throws -> BenchAzure {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        var configuration = AzureSimulator.Configuration(registryListeners: registries)
        configuration.lifetimes = .init(entra: lifetime, managedIdentity: lifetime, refresh: lifetime, access: lifetime)
        let azure = try AzureSimulator(configuration: configuration, keys: keys)
        try await azure.start()
        let tenant = UUID().uuidString.lowercased()
        azure.addTenant(tenant)
        let hosts = azure.registryListenerHosts
        for host in hosts { azure.addRegistry(host) }
        let caPath = directory + "/ca.pem"
        try azure.writeCACertificate(to: caPath)
        var names: [String] = []
        var config = """
            cloud: custom
            authorityHost: "\(azure.authorityHost)"
            caFile: "\(caPath)"
            registries:

            """
        for host in hosts {
            config += "  - loginServer: \"\(host)\"\n    authEndpoint: \"\(azure.registryAuthEndpoint)\"\n"
        }
        config += "defaultIdentity: bench-0\nrefresh: {fraction: 0.5, jitter: 0.1, resync: 10m}\nidentities:\n"
        for index in 0..<identities {
            let clientID = UUID().uuidString.lowercased()
            let secret = UUID().uuidString
            _ = try azure.addApplication(tenant: tenant, clientID: clientID)
            try azure.addClientSecret(tenant: tenant, clientID: clientID, secret: secret)
            for host in hosts { try azure.assignRole(.acrPull, principal: clientID, registry: host) }
            let secretFile = directory + "/identity-\(index).secret"
            try writePrivateFile(secret, to: secretFile)
            config += """
                  - name: bench-\(index)
                    servicePrincipal: {tenantID: "\(tenant)", clientID: "\(clientID)", clientSecretFile: "\(secretFile)"}
                    namespaces: ["*"]
                    registries: [\(hosts.map { "\"\($0)\"" }.joined(separator: ", "))]

                """
            names.append("bench-\(index)")
        }
        config += configExtra
        let configPath = directory + "/config.yaml"
        try writePrivateFile(config, to: configPath)
        return BenchAzure(simulator: azure, registries: hosts, identityNames: names, configPath: configPath)
    }
}
