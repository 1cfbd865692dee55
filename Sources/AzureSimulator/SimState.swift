import Crypto
import Foundation
import _CryptoExtras

/// Everything the simulator knows; lives in one `Mutex` so handlers see a consistent picture.
struct SimState: Sendable {
    var tenants: [String: SimTenant] = [:]
    var managedIdentities: [SimManagedIdentity] = []
    /// Keyed by lower-cased login server.
    var registries: [String: SimRegistry] = [:]
    /// Lower-cased principal ID (app/client ID or object ID) to lower-cased login server to role.
    var roles: [String: [String: AcrRole]] = [:]
    var usedAssertionIDs: Set<String> = []
    var counters: [SimulatorEndpoint: Int] = [:]
    var faults: [SimulatorEndpoint: [FaultRule]] = [:]
    var lifetimes: AzureSimulator.TokenLifetimes

    /// A tenant by GUID or domain name, case-insensitively.
    func tenant(_ idOrDomain: String) -> SimTenant? {
        let key = idOrDomain.lowercased()
        if let tenant = tenants[key] { return tenant }
        return tenants.values.first { $0.domains.contains(key) }
    }

    /// The role of a principal on a registry, trying each of its IDs.
    func role(principals: [String], registry: String) -> AcrRole? {
        let roleSets = principals.compactMap { roles[$0.lowercased()]?[registry.lowercased()] }
        return roleSets.max { $0.actions.count < $1.actions.count }
    }
}

struct SimTenant: Sendable {
    var id: String
    var domains: Set<String>
    /// Keyed by lower-cased client ID.
    var apps: [String: SimApp] = [:]
}

struct SimApp: Sendable {
    var clientID: String
    var objectID: String
    var secrets: [SimSecret] = []
    var certificates: [SimCertificate] = []
    var federatedCredentials: [SimFederatedCredential] = []
}

struct SimSecret: Sendable {
    var value: String
    var expired: Bool
}

struct SimCertificate: Sendable {
    var der: [UInt8]
    var sha1: [UInt8]
    var sha256: [UInt8]
    var publicKey: _RSA.Signing.PublicKey
}

struct SimFederatedCredential: Sendable {
    var issuer: String
    var subject: String
    var audience: String
}

struct SimManagedIdentity: Sendable {
    var clientID: String
    var objectID: String
    var resourceID: String
    var tenantID: String
    var systemAssigned: Bool
}

struct SimRegistry: Sendable {
    var loginServer: String
    var allowsARMAudience: Bool
    var admin: SimPasswordAccount?
    /// Repository-scoped tokens by name.
    var tokens: [String: SimRepositoryToken] = [:]
}

/// A username with ACR's two password slots; a nil slot is disabled.
struct SimPasswordAccount: Sendable {
    var username: String
    var password: String?
    var password2: String?

    func accepts(_ candidate: String) -> Bool {
        candidate == password || candidate == password2
    }
}

struct SimRepositoryToken: Sendable {
    var account: SimPasswordAccount
    var permissions: RepositoryPermissions
}

struct FaultRule: Sendable {
    var fault: SimulatedFault
    var remaining: Int?
    var until: ContinuousClock.Instant?
}
