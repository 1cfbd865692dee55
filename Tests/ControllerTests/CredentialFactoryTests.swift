import AzureAuth
import Controller
import Foundation
import PullKeeperConfig
import Testing

@Suite("CredentialFactory")
struct CredentialFactoryTests {
    struct NoTransport: HTTPTransport {
        func send(_ request: HTTPRequestData) async throws -> HTTPResponseData {
            Issue.record("unexpected request \(request.url)")
            throw CancellationError()
        }
    }

    func factory(_ config: OperatorConfig, environment: [String: String] = [:]) -> CredentialFactory {
        CredentialFactory(config: config, environment: environment, transport: NoTransport())
    }

    @Test(
        "clouds and authority host precedence",
        arguments: [
            (Cloud.public, nil, nil, "https://login.microsoftonline.com/", "azurecr.io"),
            (.china, nil, nil, "https://login.chinacloudapi.cn/", "azurecr.cn"),
            (.usgov, nil, nil, "https://login.microsoftonline.us/", "azurecr.us"),
            (.public, nil, "https://env.example/", "https://env.example/", "azurecr.io"),
            (.public, "https://cfg.example", "https://env.example/", "https://cfg.example/", "azurecr.io"),
            (
                .custom, "https://login.sovereign.example/", nil, "https://login.sovereign.example/",
                "cr.sovereign.example"
            ),
        ] as [(Cloud, String?, String?, String, String)])
    func clouds(cloud: Cloud, configured: String?, env: String?, authority: String, suffix: String) {
        let config = OperatorConfig(cloud: cloud, authorityHost: configured, registrySuffixes: ["cr.sovereign.example"])
        let made = factory(config, environment: env.map { ["AZURE_AUTHORITY_HOST": $0] } ?? [:])
        #expect(made.cloud.authorityHost == authority)
        #expect(made.cloud.registrySuffix == suffix)
    }

    @Test("token audience: ACR by default, the cloud's ARM audience as an option")
    func audience() {
        #expect(factory(OperatorConfig()).entraScope == "https://containerregistry.azure.net/.default")
        #expect(
            factory(OperatorConfig(cloud: .china, tokenAudience: .arm)).entraScope
                == "https://management.chinacloudapi.cn/.default")
    }

    @Test("registries: explicit entries get their auth endpoint and both CA files; suffix rules")
    func registries() {
        let config = OperatorConfig(
            registrySuffixes: ["proxy.example"],
            registries: [
                RegistryEntry(loginServer: "127.0.0.1:5000", authEndpoint: "https://127.0.0.1:5443", caFile: "/r.pem")
            ],
            caFile: "/global.pem")
        let made = factory(config)
        let target = made.registry("127.0.0.1:5000")
        #expect(target.authEndpoint == "https://127.0.0.1:5443")
        #expect(target.tls.caFiles == ["/global.pem", "/r.pem"])
        #expect(
            made.registry("contoso.azurecr.io")
                == RegistryTarget(loginServer: "contoso.azurecr.io", tls: TLSOptions(caFiles: ["/global.pem"])))
        #expect(made.isAllowed(registry: "contoso.azurecr.io"))
        #expect(made.isAllowed(registry: "x.proxy.example"))
        #expect(made.isAllowed(registry: "127.0.0.1:5000"))
        #expect(!made.isAllowed(registry: "azurecr.io"))
        #expect(!made.isAllowed(registry: "evil-azurecr.io"))
        #expect(!made.isAllowed(registry: "docker.io"))
    }

    @Test("identities map to the right credential kinds")
    func identities() throws {
        let config = OperatorConfig(
            defaultIdentity: "sp",
            identities: [
                IdentityConfig(
                    name: "sp",
                    credential: .servicePrincipal(.init(tenantID: "t", clientID: "c", clientSecretFile: "/s"))),
                IdentityConfig(
                    name: "cert",
                    credential: .servicePrincipal(
                        .init(tenantID: "t", clientID: "c", certificateFile: "/c.pem", legacyRS256: true))),
                IdentityConfig(
                    name: "mi",
                    credential: .managedIdentity(.init(selector: .clientID("m"), endpoint: "http://127.0.0.1:9"))),
                IdentityConfig(
                    name: "wi", credential: .workloadIdentity(.init(tenantID: "t", clientID: "c", tokenFile: "/f"))),
                IdentityConfig(name: "admin", credential: .static(.init(username: "u", passwordFile: "/p"))),
                IdentityConfig(name: "bad-sp", credential: .servicePrincipal(.init(tenantID: "t", clientID: "c"))),
            ])
        let made = factory(
            config, environment: ["AZURE_TENANT_ID": "t", "AZURE_CLIENT_ID": "c", "AZURE_CLIENT_SECRET": "s"])
        func entra(_ name: String?) throws -> any TokenCredential {
            guard case .entra(let credential) = try made.identity(named: name).kind else {
                Issue.record("\(name ?? "default") is not an Entra identity")
                throw CancellationError()
            }
            return credential
        }
        #expect(try entra(nil) is ClientSecretCredential)
        #expect((try entra("cert") as? ClientCertificateCredential)?.algorithm == .rs256)
        let mi = try #require(try entra("mi") as? ManagedIdentityCredential)
        #expect(mi.endpoint == .imds(baseURL: "http://127.0.0.1:9"))
        #expect(mi.selector == .clientID("m"))
        #expect(try entra("wi") is WorkloadIdentityCredential)
        #expect(try entra("env") is ClientSecretCredential)
        guard case .static(let admin) = try made.identity(named: "admin").kind else {
            Issue.record("admin is not static")
            return
        }
        #expect((admin as? CredentialConfig.StaticCredential)?.username == "u")
        #expect(throws: AzureAuthError.self) { try made.identity(named: "bad-sp") }
        #expect(throws: AzureAuthError.self) { try made.identity(named: "nobody") }
    }

    @Test("App Service endpoint from IDENTITY_ENDPOINT / IDENTITY_HEADER when no IMDS endpoint is configured")
    func appService() throws {
        let config = OperatorConfig(identities: [IdentityConfig(name: "mi", credential: .managedIdentity(.init()))])
        let made = factory(
            config, environment: ["IDENTITY_ENDPOINT": "http://127.0.0.1:8081/msi/token", "IDENTITY_HEADER": "h"])
        guard case .entra(let credential) = try made.identity(named: "mi").kind else { return }
        #expect(
            (credential as? ManagedIdentityCredential)?.endpoint
                == .appService(endpoint: "http://127.0.0.1:8081/msi/token", header: "h"))
    }
}
