import Crypto
import Foundation
import SimulatorPKI
import SwiftASN1
import Testing
import X509
import _CryptoExtras

@Suite struct SimulatorPKITests {
    @Test func serverCertificateChainsToTheCAAndCarriesLoopbackNames() async throws {
        let pki = try SimulatorPKI.makeCA()
        let leaf = try pki.issue(commonName: "simulator")
        let ca = try Certificate(pemEncoded: pki.caCertificatePEM)
        let certificate = try Certificate(pemEncoded: leaf.certificatePEM)
        #expect(certificate.issuer == ca.subject)
        #expect(ca.publicKey.isValidSignature(certificate.signature, for: certificate))
        let names = try #require(try certificate.extensions.subjectAlternativeNames)
        #expect(names.contains(.dnsName("localhost")))
        #expect(names.contains(.ipAddress(ASN1OctetString(contentBytes: [127, 0, 0, 1]))))
        var roots = CertificateStore()
        roots.append(ca)
        var verifier = Verifier(rootCertificates: roots) { RFC5280Policy(validationTime: Date()) }
        let result = await verifier.validate(leafCertificate: certificate, intermediates: CertificateStore())
        guard case .validCertificate = result else {
            Issue.record("chain does not verify: \(result)")
            return
        }
    }

    @Test(arguments: [SimulatorPKI.KeyKind.p256, .rsa2048])
    func privateKeyMatchesCertificate(kind: SimulatorPKI.KeyKind) throws {
        let pki = try SimulatorPKI.makeCA()
        let leaf = try pki.issue(commonName: "signer", keyKind: kind, usage: .signing)
        let certificate = try Certificate(pemEncoded: leaf.certificatePEM)
        #expect(leaf.privateKeyPEM.hasPrefix("-----BEGIN PRIVATE KEY-----"))
        let message = Data("payload".utf8)
        switch kind {
        case .p256:
            let key = try P256.Signing.PrivateKey(pemRepresentation: leaf.privateKeyPEM)
            #expect(certificate.publicKey == Certificate.PublicKey(key.publicKey))
            let signature = try key.signature(for: message)
            #expect(key.publicKey.isValidSignature(signature, for: message))
        case .rsa2048:
            let key = try _RSA.Signing.PrivateKey(pemRepresentation: leaf.privateKeyPEM)
            #expect(certificate.publicKey == Certificate.PublicKey(key.publicKey))
        }
        #expect(leaf.chainPEM.hasSuffix(pki.caCertificatePEM))
    }

    @Test func clientCertificateCarriesOrganizationsAsGroups() throws {
        let pki = try SimulatorPKI.makeCA()
        let leaf = try pki.issue(commonName: "admin", organizations: ["system:masters"], usage: .client)
        let certificate = try Certificate(pemEncoded: leaf.certificatePEM)
        let text = String(describing: certificate.subject)
        #expect(text.contains("CN=admin"))
        #expect(text.contains("O=system:masters"))
    }
}
