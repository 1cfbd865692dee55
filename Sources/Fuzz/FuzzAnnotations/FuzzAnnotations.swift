import Foundation
import FuzzSupport
import PullKeeperConfig
import PullKeeperConfigLoader
import Reconciler

/// libFuzzer harness for a namespace's opt-in: annotations and labels → `NamespaceRequest.read` → a whole
/// `Reconciler.decide` pass, once before credentials are fetched and once with a credential for every registry.
///
/// Input, one field per line (absent lines leave the annotation out, later lines win):
/// `r:` registries, `i:` identity, `a:` service-accounts, `s:` secret-name, `c:` scope, `l:key=value` a label,
/// `n:` the namespace name, `x:1` the second config.
@main enum FuzzAnnotations {
    static func main() {
        _ = FuzzedNamespace.configs  // a broken built-in config fails here, before any input
        FuzzHarness.run(fuzzAnnotations)
    }
}

@Sendable func fuzzAnnotations(_ bytes: [UInt8]) {
    let input = FuzzedNamespace(String(decoding: bytes, as: UTF8.self))
    let config = FuzzedNamespace.configs[input.config]
    let now = Date(timeIntervalSince1970: 1_796_083_200)  // 2026-12-01T00:00:00Z
    let optIn = NamespaceRequest.read(input.namespace, config: config)
    let reconciler = Reconciler(config: config)
    let accounts = [ObservedServiceAccount(name: "default"), ObservedServiceAccount(name: "builder")]
    _ = reconciler.decide(ReconcileInput(namespace: input.namespace, serviceAccounts: accounts, now: now))

    guard case .optedIn(let request, _) = optIn else { return }
    let credential = PullCredential(
        username: SecretLayout.tokenUsername, password: "fuzz-password", expiresOn: now.addingTimeInterval(10_800))
    var credentials: [String: CredentialOutcome] = [:]
    for registry in request.registries { credentials[registry] = .ready(credential) }
    _ = reconciler.decide(
        ReconcileInput(namespace: input.namespace, serviceAccounts: accounts, credentials: credentials, now: now))
}

struct FuzzedNamespace {
    var namespace = ObservedNamespace(name: "team-a")
    var config = 0

    init(_ text: String) {
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            let value = String(line.dropFirst(2))
            switch line.prefix(2) {
            case "r:": namespace.annotations[SecretLayout.registriesAnnotation] = value
            case "i:": namespace.annotations[SecretLayout.identityAnnotation] = value
            case "a:": namespace.annotations[SecretLayout.serviceAccountsAnnotation] = value
            case "s:": namespace.annotations[SecretLayout.secretNameAnnotation] = value
            case "c:": namespace.annotations[SecretLayout.scopeAnnotation] = value
            case "n:": namespace.name = value
            case "x:": config = value == "1" ? 1 : 0
            case "l:":
                let parts = value.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
                namespace.labels[String(parts[0])] = parts.count > 1 ? String(parts[1]) : ""
            default: continue
            }
        }
    }

    /// The example config (every kind of identity, a label selector) and one without a default identity that
    /// hands the Secret to every service account.
    static let configs: [OperatorConfig] = [exampleConfig, openConfig].map { text in
        do {
            return try ConfigLoader.parse(text, file: "fuzz-config.yaml")
        } catch {
            fatalError("the harness's own config is invalid: \(error)")
        }
    }

    static let exampleConfig = """
        cloud: public
        registries:
          - loginServer: registry.internal.contoso.com
            authEndpoint: https://registry.internal.contoso.com
        defaultIdentity: cluster-pull
        secretName: acr-pull
        serviceAccounts: [default]
        excludeNamespaces: [kube-system, kube-public, kube-node-lease]
        namespaceSelector:
          matchLabels: {pullkeeper.io/enabled: "true"}
          registries: [contoso.azurecr.io]
        identities:
          - name: cluster-pull
            workloadIdentity:
              tenantID: 72f988bf-0000-4000-8000-2d7cd011db47
              clientID: 3f1c9a2e-1111-4a55-9d8e-0a1b2c3d4e5f
              tokenFile: /var/run/secrets/azure/tokens/azure-identity-token
          - name: ci-sp
            servicePrincipal:
              tenantID: 72f988bf-0000-4000-8000-2d7cd011db47
              clientID: 5e6f7a8b-3333-4c4d-8e9f-0a1b2c3d4e5f
              clientSecretFile: /etc/pullkeeper/ci-sp/secret
            namespaces: {matchLabels: {team: ci}}
            registries: [contoso.azurecr.io]
          - name: node-mi
            managedIdentity: {clientID: 9a8b7c6d-4444-4e5f-8a9b-0c1d2e3f4a5b}
          - name: legacy-admin
            static:
              username: fabrikam
              passwordFile: /etc/pullkeeper/legacy-admin/password
            registries: [fabrikam.azurecr.io]
        """

    static let openConfig = """
        cloud: china
        registrySuffixes: [registry.example.com]
        serviceAccounts: ["*"]
        excludeNamespaces: []
        namespaceSelector:
          matchExpressions:
            - {key: tier, operator: In, values: [prod, staging]}
            - {key: legacy, operator: DoesNotExist}
          registries: [contoso.azurecr.cn, a.registry.example.com]
          identity: env
        identities:
          - name: env
            environment: {}
          - name: scoped
            environment: {}
            namespaces:
              matchExpressions: [{key: team, operator: NotIn, values: [blocked]}]
        """
}
