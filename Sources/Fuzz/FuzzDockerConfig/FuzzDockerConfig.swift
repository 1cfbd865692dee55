import Foundation
import FuzzSupport
import PullKeeperConfig
import Reconciler

/// libFuzzer harness for the `.dockerconfigjson` reader, and for what pullkeeper writes with the credentials it
/// finds there: decode; a reconcile pass that finds the payload in pullkeeper's own Secret; and a pass that writes
/// the decoded username and password, whose Secret must decode back to exactly them.
@main enum FuzzDockerConfig {
    static func main() { FuzzHarness.run(fuzzDockerConfig) }
}

private let registry = "contoso.azurecr.io"
private let now = Date(timeIntervalSince1970: 1_796_083_200)  // 2026-12-01T00:00:00Z
private let config = OperatorConfig(
    defaultIdentity: "sp", identities: [IdentityConfig(name: "sp", credential: .environment)])
private let reconciler = Reconciler(config: config)
private let namespace = ObservedNamespace(name: "team-a", annotations: [SecretLayout.registriesAnnotation: registry])
private let accounts = [ObservedServiceAccount(name: "default")]

@Sendable func fuzzDockerConfig(_ bytes: [UInt8]) {
    let data = Data(bytes)
    let decoded = DockerConfig.decode(data)
    if case .success(let config) = decoded {
        _ = config.auths.values.map(\.description)
        for (_, entry) in config.auths.sorted(by: { $0.key < $1.key }).prefix(4) { write(entry) }
    }

    // The payload as pullkeeper's own Secret in an opted-in namespace, content hash matching or not.
    let hash = SecretLayout.inputsHash(identity: "sp", registries: [registry], scope: nil)
    for contentHash in [SecretLayout.contentHash(data), "sha256:0"] {
        let secret = ObservedSecret(
            name: config.secretName, labels: [SecretLayout.managedByLabel: SecretLayout.managedByValue],
            annotations: [
                SecretLayout.inputsHashAnnotation: hash, SecretLayout.contentHashAnnotation: contentHash,
                SecretLayout.expiresAtAnnotation: SecretLayout.timestamp(now.addingTimeInterval(7200)),
                SecretLayout.refreshedAtAnnotation: SecretLayout.timestamp(now.addingTimeInterval(-600)),
            ],
            data: [SecretLayout.dockerConfigJSONKey: data])
        _ = reconciler.decide(
            ReconcileInput(namespace: namespace, secrets: [secret], serviceAccounts: accounts, now: now))
    }
}

/// pullkeeper must be able to read back every Secret it writes, with the same username and password.
private func write(_ entry: DockerConfig.Entry) {
    let credential = PullCredential(
        username: entry.username, password: entry.password, expiresOn: now.addingTimeInterval(10_800))
    let decision = reconciler.decide(
        ReconcileInput(
            namespace: namespace, serviceAccounts: accounts, credentials: [registry: .ready(credential)], now: now))
    guard case .createSecret(let desired) = decision.action else { return }
    guard case .success(let written) = DockerConfig.decode(desired.dockerConfigJSON) else {
        fatalError("pullkeeper cannot read back the Secret it writes")
    }
    guard written.auths == [registry: entry] else { fatalError("the written Secret holds other credentials") }
}
