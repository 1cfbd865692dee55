import _CryptoExtras

enum TestKeys {
    private static let shared = Result { try _RSA.Signing.PrivateKey(keySize: .bits2048) }

    /// A foreign RSA key (shared: generation is slow) for tokens the simulator must not trust.
    static func rsa() throws -> _RSA.Signing.PrivateKey {
        try shared.get()
    }
}
