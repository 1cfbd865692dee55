import _CryptoExtras

enum TestKeys {
    /// A throw-away RSA key for tokens the simulator cannot verify.
    static func rsa() throws -> _RSA.Signing.PrivateKey {
        try _RSA.Signing.PrivateKey(keySize: .bits2048)
    }
}
