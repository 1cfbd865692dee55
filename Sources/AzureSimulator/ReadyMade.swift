import Foundation

/// Everything `installReadyMade` registered and wrote: the values behind PRODUCT.md §6.
public struct ReadyMadeAzure: Sendable {
    public var tenantID: String
    /// `AZURE_AUTHORITY_HOST` (trailing `/`).
    public var authorityHost: String
    /// IMDS base URL for the `managed` identity.
    public var imdsEndpoint: String
    /// Where `/oauth2/exchange` and `/oauth2/token` live for both registries.
    public var registryAuthEndpoint: String
    /// `PULLKEEPER_SIM_REGISTRY`: every ready-made identity may pull (env: AcrPush; admin: full).
    public var registry: String
    /// `PULLKEEPER_SIM_REGISTRY_DENIED`: no ready-made identity has a role.
    public var deniedRegistry: String
    /// `PULLKEEPER_SIM_CA`: verifies every simulator endpoint.
    public var caBundlePath: String
    /// `PULLKEEPER_SIM_SIGNING_CERT`: signs the registry access tokens.
    public var signingCertificatePath: String

    /// `sp-secret`: service principal with a client secret file.
    public var spSecretClientID: String
    public var spSecretFile: String
    /// `sp-cert`: service principal with a PEM (key + certificate) file.
    public var spCertClientID: String
    public var spCertFile: String
    /// `managed`: user-assigned managed identity through IMDS.
    public var managedClientID: String
    /// `workload`: federated token file signed by the simulator's OIDC issuer.
    public var workloadClientID: String
    public var workloadTokenFile: String
    public var workloadIssuer: String
    public var workloadSubject: String
    /// `admin`: the registry's admin account (static, two passwords).
    public var adminUsername: String
    public var adminUsernameFile: String
    public var adminPasswordFile: String
    public var adminPassword2File: String
    /// `env`: `AZURE_CLIENT_ID` / `AZURE_CLIENT_SECRET`.
    public var envClientID: String
    public var envClientSecret: String

    /// `export NAME=value` lines for the Azure side of the env file (the caller adds `KUBECONFIG` and
    /// `PULLKEEPER_SIM_CONFIG`).
    public var environment: [(name: String, value: String)] {
        [
            ("PULLKEEPER_SIM_CA", caBundlePath), ("PULLKEEPER_SIM_REGISTRY", registry),
            ("PULLKEEPER_SIM_REGISTRY_DENIED", deniedRegistry),
            ("PULLKEEPER_SIM_SIGNING_CERT", signingCertificatePath), ("AZURE_TENANT_ID", tenantID),
            ("AZURE_CLIENT_ID", envClientID), ("AZURE_CLIENT_SECRET", envClientSecret),
            ("AZURE_AUTHORITY_HOST", authorityHost),
        ]
    }

    /// The env lines as shell text, values single-quoted.
    public func environmentFile(extra: [(name: String, value: String)] = []) -> String {
        (environment + extra).map { "export \($0.name)=\(Self.shellQuoted($0.value))\n" }.joined()
    }

    static func shellQuoted(_ value: String) -> String {
        "'" + value.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }
}

extension AzureSimulator {
    /// Registers PRODUCT.md §6's ready-made tenant, identities and registries and writes their files into
    /// `directory` (created if needed). Call after `start()`. The registries default to the first two registry
    /// listeners (`Configuration.registryListeners >= 2`), so their `/v2/` answers on the login server itself.
    public func installReadyMade(
        in directory: String, registry: String? = nil, deniedRegistry: String? = nil
    ) throws -> ReadyMadeAzure {
        let listeners = registryListenerHosts
        guard let allowed = registry ?? listeners.first,
            let denied = deniedRegistry ?? (listeners.count > 1 ? listeners[1] : nil)
        else { throw AzureSimulatorError.invalid("the ready-made setup needs two registries or registry listeners") }
        let files = ReadyMadeFiles(root: directory)
        try files.makeDirectory()
        let tenant = UUID().uuidString.lowercased()
        addTenant(tenant, domains: ["pullkeeper-sim.onmicrosoft.com"])
        addRegistry(allowed)
        addRegistry(denied)
        let pki = try issueClientCertificate(commonName: "sp-cert")

        let spSecret = UUID().uuidString.lowercased()
        let secretValue = Self.randomSecret()
        try addApplication(tenant: tenant, clientID: spSecret)
        try addClientSecret(tenant: tenant, clientID: spSecret, secret: secretValue)
        try assignRole(.acrPull, principal: spSecret, registry: allowed)

        let spCert = UUID().uuidString.lowercased()
        try addApplication(tenant: tenant, clientID: spCert)
        try addCertificate(tenant: tenant, clientID: spCert, certificatePEM: pki.certificatePEM)
        try assignRole(.acrPull, principal: spCert, registry: allowed)

        let managed = UUID().uuidString.lowercased()
        addManagedIdentity(tenant: tenant, clientID: managed)
        try assignRole(.acrPull, principal: managed, registry: allowed)

        let workload = UUID().uuidString.lowercased()
        let subject = "system:serviceaccount:pullkeeper:pullkeeper"
        try addApplication(tenant: tenant, clientID: workload)
        try addFederatedCredential(tenant: tenant, clientID: workload, issuer: oidcIssuer, subject: subject)
        try assignRole(.acrPull, principal: workload, registry: allowed)

        let env = UUID().uuidString.lowercased()
        let envSecret = Self.randomSecret()
        try addApplication(tenant: tenant, clientID: env)
        try addClientSecret(tenant: tenant, clientID: env, secret: envSecret)
        try assignRole(.acrPush, principal: env, registry: allowed)

        let adminUser = "pullkeepersim"
        let (password, password2) = (Self.randomSecret(), Self.randomSecret())
        try enableAdmin(registry: allowed, username: adminUser, password: password, password2: password2)

        return ReadyMadeAzure(
            tenantID: tenant, authorityHost: authorityHost, imdsEndpoint: imdsEndpoint,
            registryAuthEndpoint: registryAuthEndpoint, registry: allowed, deniedRegistry: denied,
            caBundlePath: try files.write("ca.pem", caCertificatePEM, secret: false),
            signingCertificatePath: try files.write("signing-cert.pem", signingCertificatePEM, secret: false),
            spSecretClientID: spSecret, spSecretFile: try files.write("sp-secret/secret", secretValue),
            spCertClientID: spCert,
            spCertFile: try files.write("sp-cert/cert.pem", pki.privateKeyPEM + pki.certificatePEM),
            managedClientID: managed,
            workloadClientID: workload,
            workloadTokenFile: try files.write("workload/token", try issueFederatedToken(subject: subject)),
            workloadIssuer: oidcIssuer, workloadSubject: subject,
            adminUsername: adminUser, adminUsernameFile: try files.write("admin/username", adminUser, secret: false),
            adminPasswordFile: try files.write("admin/password", password),
            adminPassword2File: try files.write("admin/password2", password2),
            envClientID: env, envClientSecret: envSecret)
    }

    /// A client-secret-like random value (the shape Entra uses: `xxx8Q~...`).
    static func randomSecret() -> String {
        let alphabet = Array("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")
        let body = (0..<34).map { _ in alphabet.randomElement() ?? "x" }
        return String(body.prefix(3)) + "8Q~" + String(body.dropFirst(3))
    }
}

/// Writes the ready-made files; secrets get mode 0600.
struct ReadyMadeFiles {
    var root: String

    func makeDirectory() throws {
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
    }

    func write(_ relative: String, _ text: String, secret: Bool = true) throws -> String {
        let url = URL(fileURLWithPath: root).appendingPathComponent(relative)
        try FileManager.default.createDirectory(
            at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(text.utf8).write(to: url, options: .atomic)
        try FileManager.default.setAttributes([.posixPermissions: secret ? 0o600 : 0o644], ofItemAtPath: url.path)
        return url.path
    }
}
