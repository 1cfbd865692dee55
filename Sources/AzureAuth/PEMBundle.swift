import Crypto
import Foundation
import X509
import _CryptoExtras

/// A PEM file holding an RSA private key and its certificate (plus optional chain), as Entra ID expects for
/// certificate credentials.
struct PEMBundle {
    var privateKey: _RSA.Signing.PrivateKey
    /// DER of the certificate whose public key matches `privateKey`.
    var leafDER: [UInt8]
    /// DER of every certificate in the file, leaf first.
    var chainDER: [[UInt8]]

    /// Parses `text` read from `path` (named in errors, the content never is).
    init(text: String, path: String) throws {
        func invalid(_ reason: String) -> AzureAuthError {
            AzureAuthError(code: .invalidCertificate, detail: "certificate file \(path): \(reason)")
        }
        let blocks = PEMBundle.blocks(in: text)
        guard let keyBlock = blocks.first(where: { $0.label.hasSuffix("PRIVATE KEY") }) else {
            throw invalid("no PRIVATE KEY block (an unencrypted PEM key is required)")
        }
        if keyBlock.label == "ENCRYPTED PRIVATE KEY" { throw invalid("the private key is encrypted") }
        if keyBlock.label == "EC PRIVATE KEY" { throw invalid("the private key is EC; Entra ID needs an RSA key") }
        do {
            privateKey = try _RSA.Signing.PrivateKey(pemRepresentation: keyBlock.pem)
        } catch {
            throw invalid("the private key is not an unencrypted RSA key")
        }
        var certificates: [(der: [UInt8], certificate: Certificate)] = []
        for block in blocks where block.label == "CERTIFICATE" {
            guard let der = LenientBase64.decode(Substring(block.base64)),
                let certificate = try? Certificate(derEncoded: der)
            else { throw invalid("a CERTIFICATE block cannot be parsed") }
            certificates.append((der, certificate))
        }
        guard !certificates.isEmpty else { throw invalid("no CERTIFICATE block") }
        let publicKey = Certificate.PublicKey(privateKey.publicKey)
        guard let leafIndex = certificates.firstIndex(where: { $0.certificate.publicKey == publicKey }) else {
            throw invalid("no certificate matches the private key")
        }
        leafDER = certificates[leafIndex].der
        chainDER = [leafDER] + certificates.enumerated().filter { $0.offset != leafIndex }.map(\.element.der)
    }

    private struct Block {
        var label: String
        var base64: String
        var pem: String
    }

    private static func blocks(in text: String) -> [Block] {
        var result: [Block] = []
        var label: String?
        var body: [String] = []
        for rawLine in text.split(omittingEmptySubsequences: true, whereSeparator: \.isNewline) {
            let line = rawLine.trimmingCharacters(in: .whitespaces)
            if line.hasPrefix("-----BEGIN "), line.hasSuffix("-----") {
                label = String(line.dropFirst("-----BEGIN ".count).dropLast(5))
                body = []
            } else if line.hasPrefix("-----END "), let current = label {
                let base64 = body.joined()
                let pem = "-----BEGIN \(current)-----\n\(body.joined(separator: "\n"))\n-----END \(current)-----\n"
                result.append(Block(label: current, base64: base64, pem: pem))
                label = nil
            } else if label != nil, !line.contains(":") {
                // Skip RFC 1421 headers (Proc-Type, DEK-Info): they only appear on encrypted keys.
                body.append(line)
            }
        }
        return result
    }
}
