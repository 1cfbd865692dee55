import SimulatorPKI
import _CryptoExtras

/// The simulator's key material: CA, TLS certificate, registry token-signing certificate and Entra signing key.
public struct AzureSimulatorKeys: Sendable {
    /// The CA that issued the TLS and signing certificates.
    public let pki: SimulatorPKI
    let tlsCertificate: IssuedCertificate
    let signingCertificate: IssuedCertificate
    let entraKey: _RSA.Signing.PrivateKey

    /// Fresh keys; a new CA unless `pki` is given.
    public static func generate(pki: SimulatorPKI? = nil) throws -> AzureSimulatorKeys {
        let pki = try pki ?? SimulatorPKI.makeCA(commonName: "pullkeeper Azure simulator CA")
        return AzureSimulatorKeys(
            pki: pki,
            tlsCertificate: try pki.issue(commonName: "pullkeeper Azure simulator"),
            signingCertificate: try pki.issue(
                commonName: "pullkeeper simulated ACR token signer", dnsNames: [], ipAddresses: [],
                keyKind: .rsa2048, usage: .signing, validFor: .seconds(86_400 * 365)),
            entraKey: try _RSA.Signing.PrivateKey(keySize: .bits2048))
    }
}
