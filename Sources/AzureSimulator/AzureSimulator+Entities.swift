import Crypto
import Foundation
import SwiftASN1
import X509
import _CryptoExtras

extension AzureSimulator {
    /// Registers a tenant by GUID, with optional verified domain names that also address it.
    public func addTenant(_ tenantID: String, domains: [String] = []) {
        state.withLock { state in
            let key = tenantID.lowercased()
            var tenant = state.tenants[key] ?? SimTenant(id: tenantID, domains: [])
            tenant.domains.formUnion(domains.map { $0.lowercased() })
            state.tenants[key] = tenant
        }
    }

    /// Registers an app registration (service principal) in a tenant; returns its object ID.
    @discardableResult
    public func addApplication(tenant: String, clientID: String, objectID: String? = nil) throws -> String {
        let objectID = objectID ?? UUID().uuidString.lowercased()
        try withApp(tenant: tenant, clientID: clientID, create: objectID) { _ in }
        return objectID
    }

    /// Adds a client secret to an app; an `expired` secret is answered with AADSTS7000222.
    public func addClientSecret(tenant: String, clientID: String, secret: String, expired: Bool = false) throws {
        try withApp(tenant: tenant, clientID: clientID) {
            $0.secrets.append(SimSecret(value: secret, expired: expired))
        }
    }

    /// Removes every client secret of an app (rotation tests add the new one afterwards).
    public func removeClientSecrets(tenant: String, clientID: String) throws {
        try withApp(tenant: tenant, clientID: clientID) { $0.secrets.removeAll() }
    }

    /// Registers a certificate (PEM, RSA key) whose key may sign the app's client assertions.
    public func addCertificate(tenant: String, clientID: String, certificatePEM: String) throws {
        let certificate = try Certificate(pemEncoded: certificatePEM)
        guard let key = _RSA.Signing.PublicKey(certificate.publicKey) else {
            throw AzureSimulatorError.invalid("certificate of app \(clientID) has no RSA key")
        }
        var serializer = DER.Serializer()
        try serializer.serialize(certificate)
        let der = serializer.serializedBytes
        let entry = SimCertificate(
            der: der, sha1: Array(Insecure.SHA1.hash(data: der)), sha256: Array(SHA256.hash(data: der)),
            publicKey: key)
        try withApp(tenant: tenant, clientID: clientID) { $0.certificates.append(entry) }
    }

    /// Registers a federated identity credential (issuer, subject, audience) on an app.
    public func addFederatedCredential(
        tenant: String, clientID: String, issuer: String, subject: String,
        audience: String = "api://AzureADTokenExchange"
    ) throws {
        let credential = SimFederatedCredential(issuer: issuer, subject: subject, audience: audience)
        try withApp(tenant: tenant, clientID: clientID) { $0.federatedCredentials.append(credential) }
    }

    /// Registers a managed identity served by IMDS and App Service; `systemAssigned` answers requests without
    /// a selector.
    public func addManagedIdentity(
        tenant: String, clientID: String, objectID: String? = nil, resourceID: String? = nil,
        systemAssigned: Bool = false
    ) {
        let identity = SimManagedIdentity(
            clientID: clientID, objectID: objectID ?? UUID().uuidString.lowercased(),
            resourceID: resourceID
                ?? "/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/sim/providers/"
                + "Microsoft.ManagedIdentity/userAssignedIdentities/\(clientID)",
            tenantID: tenant, systemAssigned: systemAssigned)
        state.withLock { $0.managedIdentities.append(identity) }
    }

    private func withApp(
        tenant: String, clientID: String, create objectID: String? = nil, _ body: (inout SimApp) -> Void
    ) throws {
        try state.withLock { state in
            guard let tenantKey = state.tenant(tenant).map({ $0.id.lowercased() }) else {
                throw AzureSimulatorError.notRegistered("tenant \(tenant)")
            }
            let key = clientID.lowercased()
            var app = state.tenants[tenantKey]?.apps[key]
            if app == nil, let objectID { app = SimApp(clientID: clientID, objectID: objectID) }
            guard var app else { throw AzureSimulatorError.notRegistered("app \(clientID) in tenant \(tenant)") }
            body(&app)
            state.tenants[tenantKey]?.apps[key] = app
        }
    }
}
