import AsyncHTTPClient
import AzureSimulator
import Foundation
import NIOCore
import NIOHTTP1
import NIOSSL
import PullKeeperCore
import SimulatorPKI
import Testing

/// One HTTP exchange as the tests see it.
struct Reply {
    var status: Int
    var headers: HTTPHeaders
    var body: [UInt8]

    /// The body as a JSON object (empty when it is not one).
    var json: [String: Any] {
        (try? JSONSerialization.jsonObject(with: Data(body))) as? [String: Any] ?? [:]
    }

    var text: String { String(decoding: body, as: UTF8.self) }
}

/// A started simulator (two registry listeners) and a client that trusts its CA.
struct Harness {
    let simulator: AzureSimulator
    let client: HTTPClient
    static let tenant = "72f988bf-0000-4000-8000-2d7cd011db47"
    /// One key set for every test: RSA key generation dominates a debug build's start-up time.
    static let sharedKeys = Result { try AzureSimulatorKeys.generate() }
    /// One RSA client certificate for every certificate-credential test.
    static let sharedClientCertificate = Result {
        try sharedKeys.get().pki.issue(
            commonName: "cert-app", dnsNames: [], ipAddresses: [], keyKind: .rsa2048, usage: .client)
    }
    static let otherClientCertificate = Result {
        try sharedKeys.get().pki.issue(
            commonName: "other", dnsNames: [], ipAddresses: [], keyKind: .rsa2048, usage: .client)
    }

    /// Runs `body` against a fresh simulator and always shuts both down.
    static func with<T>(
        lifetimes: AzureSimulator.TokenLifetimes = .init(),
        _ body: (Harness) async throws -> T
    ) async throws -> T {
        let simulator = try AzureSimulator(
            configuration: .init(lifetimes: lifetimes, registryListeners: 2), keys: try sharedKeys.get())
        try await simulator.start()
        var tls = TLSConfiguration.makeClientConfiguration()
        tls.trustRoots = .certificates(try NIOSSLCertificate.fromPEMBytes(Array(simulator.caCertificatePEM.utf8)))
        tls.shutdownTimeout = .milliseconds(200)
        var configuration = HTTPClient.Configuration(tlsConfiguration: tls)
        configuration.timeout = .init(connect: .seconds(5), read: .seconds(10))
        let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
        let harness = Harness(simulator: simulator, client: client)
        do {
            let result = try await body(harness)
            try await client.shutdown()
            await simulator.shutdown()
            return result
        } catch {
            try? await client.shutdown()
            await simulator.shutdown()
            throw error
        }
    }

    func send(
        _ method: HTTPMethod, _ url: String, headers: [(String, String)] = [], body: [UInt8]? = nil
    ) async throws -> Reply {
        var request = HTTPClientRequest(url: url)
        request.method = method
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        if let body { request.body = .bytes(ByteBuffer(bytes: body)) }
        let response = try await client.execute(request, timeout: .seconds(10))
        var buffer = try await response.body.collect(upTo: 4 * 1024 * 1024)
        return Reply(
            status: Int(response.status.code), headers: response.headers,
            body: buffer.readBytes(length: buffer.readableBytes) ?? [])
    }

    func get(_ url: String, headers: [(String, String)] = []) async throws -> Reply {
        try await send(.GET, url, headers: headers)
    }

    func postForm(_ url: String, _ fields: [(String, String)], headers: [(String, String)] = []) async throws -> Reply {
        try await send(
            .POST, url, headers: [("Content-Type", "application/x-www-form-urlencoded")] + headers,
            body: Array(Form.encode(fields).utf8))
    }

    // MARK: Shortcuts

    var tokenURL: String { simulator.tokenURL(tenant: Self.tenant) }

    /// Registers the tenant and an app with a secret; returns the client ID.
    @discardableResult
    func addSecretApp(
        clientID: String = UUID().uuidString.lowercased(), secret: String = "s3cret~value"
    ) throws
        -> String
    {
        simulator.addTenant(Self.tenant)
        try simulator.addApplication(tenant: Self.tenant, clientID: clientID)
        try simulator.addClientSecret(tenant: Self.tenant, clientID: clientID, secret: secret)
        return clientID
    }

    /// An Entra access token for a secret app, for `resource`.
    func entraToken(
        clientID: String, secret: String = "s3cret~value",
        resource: String = "https://containerregistry.azure.net"
    ) async throws -> String {
        let reply = try await postForm(
            tokenURL,
            [
                ("grant_type", "client_credentials"), ("client_id", clientID), ("client_secret", secret),
                ("scope", resource + "/.default"),
            ])
        guard reply.status == 200, let token = reply.json["access_token"] as? String else {
            throw HarnessError(description: "Entra token failed: \(reply.status) \(reply.text)")
        }
        return token
    }

    /// The ACR refresh token for an Entra token.
    func exchange(_ aadToken: String, service: String, tenant: String = Self.tenant) async throws -> Reply {
        try await postForm(
            simulator.registryAuthEndpoint + "/oauth2/exchange",
            [
                ("grant_type", "access_token"), ("service", service), ("tenant", tenant), ("access_token", aadToken),
            ])
    }

    /// `GET /oauth2/token` with Basic auth.
    func basicToken(service: String, user: String, password: String, scopes: [String]) async throws -> Reply {
        var url = simulator.registryAuthEndpoint + "/oauth2/token?service=" + Form.escape(service)
        for scope in scopes { url += "&scope=" + Form.escape(scope) }
        let basic = Data("\(user):\(password)".utf8).base64EncodedString()
        return try await get(url, headers: [("Authorization", "Basic \(basic)")])
    }
}

struct HarnessError: Error, CustomStringConvertible {
    var description: String
}

enum Form {
    static func escape(_ value: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return value.addingPercentEncoding(withAllowedCharacters: allowed) ?? value
    }

    static func encode(_ fields: [(String, String)]) -> String {
        fields.map { escape($0.0) + "=" + escape($0.1) }.joined(separator: "&")
    }
}
