import Crypto
import Foundation
import SwiftASN1
import X509
import _CryptoExtras

/// A throw-away certificate authority for the simulators: fresh on every start, never persisted.
public struct SimulatorPKI: Sendable {
    /// The algorithm of an issued leaf's key.
    public enum KeyKind: Sendable {
        case p256
        case rsa2048
    }

    /// What an issued leaf is for; decides its extended key usage.
    public enum Usage: Sendable {
        case server
        case client
        case signing
    }

    private let caKey: P256.Signing.PrivateKey
    private let caCertificate: Certificate

    /// The CA certificate, PEM.
    public let caCertificatePEM: String
    /// The CA certificate, DER.
    public let caCertificateDER: [UInt8]

    /// A fresh self-signed CA (P-256), valid from an hour ago for a year.
    public static func makeCA(commonName: String = "pullkeeper simulator CA") throws -> SimulatorPKI {
        let key = P256.Signing.PrivateKey()
        let name = try DistinguishedName { CommonName(commonName) }
        let publicKey = Certificate.PublicKey(key.publicKey)
        let now = Date()
        let certificate = try Certificate(
            version: .v3,
            serialNumber: Certificate.SerialNumber(),
            publicKey: publicKey,
            notValidBefore: now.addingTimeInterval(-3600),
            notValidAfter: now.addingTimeInterval(365 * 86_400),
            issuer: name,
            subject: name,
            signatureAlgorithm: .ecdsaWithSHA256,
            extensions: try Certificate.Extensions {
                Critical(BasicConstraints.isCertificateAuthority(maxPathLength: nil))
                Critical(KeyUsage(digitalSignature: true, keyCertSign: true, cRLSign: true))
                SubjectKeyIdentifier(hash: publicKey)
            },
            issuerPrivateKey: Certificate.PrivateKey(key)
        )
        return try SimulatorPKI(caKey: key, caCertificate: certificate)
    }

    private init(caKey: P256.Signing.PrivateKey, caCertificate: Certificate) throws {
        self.caKey = caKey
        self.caCertificate = caCertificate
        var serializer = DER.Serializer()
        try serializer.serialize(caCertificate)
        self.caCertificateDER = serializer.serializedBytes
        self.caCertificatePEM = try caCertificate.serializeAsPEM().pemString + "\n"
    }

    /// Issues a leaf certificate signed by this CA.
    ///
    /// Server certificates carry the given subject alternative names: Go and BoringSSL ignore the common name,
    /// so a loopback server needs the IP SAN.
    public func issue(
        commonName: String,
        organizations: [String] = [],
        dnsNames: [String] = ["localhost"],
        ipAddresses: [String] = ["127.0.0.1"],
        keyKind: KeyKind = .p256,
        usage: Usage = .server,
        validFor: Duration = .seconds(86_400 * 30)
    ) throws -> IssuedCertificate {
        let (privateKey, publicKey, keyPEM) = Self.makeKey(keyKind)
        let subject = try DistinguishedName {
            for organization in organizations { OrganizationName(organization) }
            CommonName(commonName)
        }
        let names: [GeneralName] =
            dnsNames.map { .dnsName($0) }
            + ipAddresses.compactMap { address in
                Self.ipBytes(address).map { .ipAddress(ASN1OctetString(contentBytes: $0[...])) }
            }
        let now = Date()
        let seconds = Double(validFor.components.seconds)
        let certificate = try Certificate(
            version: .v3,
            serialNumber: Certificate.SerialNumber(),
            publicKey: publicKey,
            notValidBefore: now.addingTimeInterval(-3600),
            notValidAfter: now.addingTimeInterval(seconds),
            issuer: caCertificate.subject,
            subject: subject,
            signatureAlgorithm: .ecdsaWithSHA256,
            extensions: try Certificate.Extensions {
                Critical(BasicConstraints.notCertificateAuthority)
                switch usage {
                case .server:
                    Critical(KeyUsage(digitalSignature: true, keyEncipherment: true))
                    try ExtendedKeyUsage([.serverAuth])
                case .client:
                    Critical(KeyUsage(digitalSignature: true, keyEncipherment: true))
                    try ExtendedKeyUsage([.clientAuth])
                case .signing:
                    Critical(KeyUsage(digitalSignature: true))
                }
                if usage == .server && !names.isEmpty {
                    SubjectAlternativeNames(names)
                }
                SubjectKeyIdentifier(hash: publicKey)
            },
            issuerPrivateKey: Certificate.PrivateKey(caKey)
        )
        var serializer = DER.Serializer()
        try serializer.serialize(certificate)
        let pem = try certificate.serializeAsPEM().pemString + "\n"
        _ = privateKey
        return IssuedCertificate(
            certificatePEM: pem,
            certificateDER: serializer.serializedBytes,
            privateKeyPEM: keyPEM,
            chainPEM: pem + caCertificatePEM
        )
    }

    private static func makeKey(_ kind: KeyKind) -> (Certificate.PrivateKey, Certificate.PublicKey, String) {
        switch kind {
        case .p256:
            let key = P256.Signing.PrivateKey()
            return (Certificate.PrivateKey(key), Certificate.PublicKey(key.publicKey), key.pemRepresentation + "\n")
        case .rsa2048:
            // Key generation only fails on an invalid size; 2048 is valid, so a failure here is a broken BoringSSL.
            guard let key = try? _RSA.Signing.PrivateKey(keySize: .bits2048) else {
                preconditionFailure("BoringSSL could not generate an RSA-2048 key")
            }
            return (Certificate.PrivateKey(key), Certificate.PublicKey(key.publicKey), key.pkcs8PEMRepresentation + "\n")
        }
    }

    /// IPv4 dotted quad or IPv6 text to network-order bytes.
    static func ipBytes(_ text: String) -> [UInt8]? {
        var v4 = in_addr()
        if inet_pton(AF_INET, text, &v4) == 1 {
            return withUnsafeBytes(of: &v4) { Array($0) }
        }
        var v6 = in6_addr()
        if inet_pton(AF_INET6, text, &v6) == 1 {
            return withUnsafeBytes(of: &v6) { Array($0) }
        }
        return nil
    }
}

/// A leaf certificate and its private key, PEM-encoded.
public struct IssuedCertificate: Sendable {
    /// The leaf certificate only.
    public var certificatePEM: String
    public var certificateDER: [UInt8]
    /// PKCS#8 PEM (`PRIVATE KEY`), RSA or P-256.
    public var privateKeyPEM: String
    /// Leaf followed by the CA certificate.
    public var chainPEM: String
}
