import AzureAuth
import Foundation
import Logging
import PullKeeperCore
import Synchronization
import Testing

@Suite("TokenProvider (routing transport)")
struct TokenProviderTests {
    static let start = 1_767_225_600
    let logger = Logger(label: "test") { _ in SwiftLogNoOpLogHandler() }

    /// Entra answers a 1 h token; the exchange answers a refresh token valid `refreshLifetime` from the clock.
    func transport(clock: TestClock, refreshLifetime: Int = 10_800) -> RoutingTransport {
        RoutingTransport([
            "/oauth2/v2.0/token": Answer.json(200, #"{"access_token":"aad-token","expires_in":3600}"#),
            "/oauth2/exchange": { _ in
                let exp = Int(clock.now.timeIntervalSince1970) + refreshLifetime
                return HTTPResponseData(
                    status: 200, body: Array(#"{"refresh_token":"\#(TestJWT.expiring(exp))"}"#.utf8))
            },
            "/oauth2/token": { _ in
                let exp = Int(clock.now.timeIntervalSince1970) + 1200
                return HTTPResponseData(
                    status: 200, body: Array(#"{"access_token":"\#(TestJWT.expiring(exp, extra: #","a":1"#))"}"#.utf8))
            },
        ])
    }

    func identity(_ transport: RoutingTransport, clock: TestClock, name: String = "ci-sp") -> RegistryIdentity {
        RegistryIdentity(
            name: name,
            kind: .entra(
                ClientSecretCredential(
                    tenantID: "tid", clientID: "cid", secret: "s", transport: transport, now: clock.function)))
    }

    @Test("200 concurrent callers share one Entra request and one exchange")
    func singleFlight() async throws {
        let clock = TestClock()
        let transport = transport(clock: clock)
        let provider = TokenProvider(transport: transport, now: clock.function, logger: logger)
        let identity = identity(transport, clock: clock)
        let registry = RegistryTarget(loginServer: "contoso.azurecr.io")
        let passwords = try await withThrowingTaskGroup(of: String.self) { group in
            for _ in 0..<200 {
                group.addTask { try await provider.credential(identity: identity, registry: registry).password }
            }
            return try await group.reduce(into: Set<String>()) { $0.insert($1) }
        }
        #expect(passwords.count == 1)
        #expect(transport.count("/oauth2/v2.0/token") == 1)
        #expect(transport.count("/oauth2/exchange") == 1)
    }

    @Test("one Entra token serves several registries")
    func sharedEntraToken() async throws {
        let clock = TestClock()
        let transport = transport(clock: clock)
        let provider = TokenProvider(transport: transport, now: clock.function, logger: logger)
        let identity = identity(transport, clock: clock)
        for host in ["a.azurecr.io", "b.azurecr.io", "c.azurecr.io"] {
            let credential = try await provider.credential(
                identity: identity, registry: RegistryTarget(loginServer: host))
            #expect(credential.username == RegistryCredential.tokenUsername)
            #expect(credential.kind == .refreshToken)
            #expect(credential.loginServer == host)
        }
        #expect(transport.count("/oauth2/v2.0/token") == 1)
        #expect(transport.count("/oauth2/exchange") == 3)
    }

    @Test("refreshes ahead of expiry, serves the cache before")
    func refreshAhead() async throws {
        let clock = TestClock()
        let transport = transport(clock: clock)
        let provider = TokenProvider(
            transport: transport, refreshMargin: .seconds(300), now: clock.function, logger: logger)
        let identity = identity(transport, clock: clock)
        let registry = RegistryTarget(loginServer: "contoso.azurecr.io")
        let first = try await provider.credential(identity: identity, registry: registry)
        #expect(first.expiresOn == clock.now.addingTimeInterval(10_800))
        clock.advance(by: 10_800 - 301)
        #expect(try await provider.credential(identity: identity, registry: registry).password == first.password)
        #expect(transport.count("/oauth2/exchange") == 1)
        clock.advance(by: 2)
        let second = try await provider.credential(identity: identity, registry: registry)
        #expect(second.password != first.password)
        #expect(transport.count("/oauth2/exchange") == 2)
        // The Entra token (1 h) was past its own refresh point too.
        #expect(transport.count("/oauth2/v2.0/token") == 2)
    }

    @Test("an already expired token is never returned")
    func expiredOnArrival() async throws {
        let clock = TestClock()
        let transport = transport(clock: clock, refreshLifetime: -10)
        let provider = TokenProvider(transport: transport, now: clock.function, logger: logger)
        let error = await #expect(throws: AzureAuthError.self) {
            try await provider.credential(
                identity: identity(transport, clock: clock), registry: RegistryTarget(loginServer: "r.io"))
        }
        #expect(error?.code == .expiredToken)
        #expect(error?.identity == "ci-sp")
    }

    @Test("failures are not cached and carry the identity name")
    func failureNotCached() async throws {
        let clock = TestClock()
        let calls = Mutex(0)
        let transport = RoutingTransport([
            "/oauth2/v2.0/token": { _ in
                let n = calls.withLock {
                    $0 += 1; return $0
                }
                if n == 1 {
                    return HTTPResponseData(
                        status: 401, body: Array(#"{"error":"invalid_client","error_codes":[7000215]}"#.utf8))
                }
                return HTTPResponseData(status: 200, body: Array(#"{"access_token":"t","expires_in":3600}"#.utf8))
            },
            "/oauth2/exchange": Answer.json(200, #"{"refresh_token":"\#(TestJWT.expiring(Self.start + 9000))"}"#),
        ])
        let provider = TokenProvider(transport: transport, now: clock.function, logger: logger)
        let identity = identity(transport, clock: clock)
        let registry = RegistryTarget(loginServer: "contoso.azurecr.io")
        let error = await #expect(throws: AzureAuthError.self) {
            try await provider.credential(identity: identity, registry: registry)
        }
        #expect(error?.description == "identity ci-sp: the client secret is wrong or expired (AADSTS7000215)")
        _ = try await provider.credential(identity: identity, registry: registry)
        #expect(transport.count("/oauth2/v2.0/token") == 2)
    }

    @Test("a failed refresh keeps a still-valid token for callers it is good enough for; not for a due refresh")
    func failedRefreshKeepsValidToken() async throws {
        let clock = TestClock()
        let failing = Mutex(false)
        let transport = RoutingTransport([
            "/oauth2/v2.0/token": Answer.json(200, #"{"access_token":"aad-token","expires_in":3600}"#),
            "/oauth2/exchange": { _ in
                if failing.withLock({ $0 }) { return HTTPResponseData(status: 503, body: []) }
                let exp = Int(clock.now.timeIntervalSince1970) + 3600
                return HTTPResponseData(
                    status: 200, body: Array(#"{"refresh_token":"\#(TestJWT.expiring(exp))"}"#.utf8))
            },
        ])
        let provider = TokenProvider(
            transport: transport, refreshMargin: .seconds(300), now: clock.function, logger: logger)
        let identity = identity(transport, clock: clock)
        let registry = RegistryTarget(loginServer: "contoso.azurecr.io")
        let first = try await provider.credential(identity: identity, registry: registry)
        let expiry = try #require(first.expiresOn)
        clock.advance(by: 3600 - 200)  // past the refresh point, 200 s before expiry
        failing.withLock { $0 = true }
        // Any caller: the refresh fails, the cached token is still valid and is the answer.
        #expect(try await provider.credential(identity: identity, registry: registry).password == first.password)
        // A Secret due for a newer token: the failure is the answer (its old Secret stays as it is).
        await #expect(throws: AzureAuthError.self) {
            try await provider.credential(
                identity: identity, registry: registry, mustExpireAfter: expiry.addingTimeInterval(60))
        }
        // After an invalidation (a registry refused it) the old token is not put back.
        await provider.invalidate(identity: "ci-sp")
        await #expect(throws: AzureAuthError.self) {
            try await provider.credential(identity: identity, registry: registry)
        }
        // The registry answers again: a new token.
        failing.withLock { $0 = false }
        let renewed = try await provider.credential(identity: identity, registry: registry)
        #expect(renewed.password != first.password)
        #expect(transport.count("/oauth2/exchange") == 5)
    }

    @Test("scoped access tokens reuse the refresh token")
    func scoped() async throws {
        let clock = TestClock()
        let transport = transport(clock: clock)
        let provider = TokenProvider(transport: transport, now: clock.function, logger: logger)
        let identity = identity(transport, clock: clock)
        let registry = RegistryTarget(loginServer: "contoso.azurecr.io")
        let a = try await provider.credential(identity: identity, registry: registry, scope: "repository:a:pull")
        let b = try await provider.credential(identity: identity, registry: registry, scope: "repository:b:pull")
        #expect(a.kind == .accessToken && b.kind == .accessToken)
        #expect(a.expiresOn == clock.now.addingTimeInterval(1200))
        #expect(transport.count("/oauth2/exchange") == 1)
        #expect(transport.count("/oauth2/token") == 2)
    }

    @Test("static credentials: files re-read, password2 when password is missing, no network")
    func staticCredential() async throws {
        let dir = try TempDirectory()
        let transport = RoutingTransport([:])
        let provider = TokenProvider(transport: transport, logger: logger)
        let cred = StaticFiles(
            username: "contoso", passwordFile: dir.path("password"), password2File: try dir.write("password2", "pw2"))
        let identity = RegistryIdentity(name: "admin", kind: .static(cred))
        let registry = RegistryTarget(loginServer: "contoso.azurecr.io")
        #expect(try await provider.credential(identity: identity, registry: registry).password == "pw2")
        try dir.write("password", "pw1\n")
        let credential = try await provider.credential(identity: identity, registry: registry)
        #expect(credential.password == "pw1")
        #expect(credential.username == "contoso")
        #expect(credential.kind == .static)
        #expect(credential.expiresOn == nil)
        #expect(try cred.logins().map(\.password) == ["pw1", "pw2"])
        #expect(transport.requests.isEmpty)
        #expect(!"\(credential)".contains("pw1"))
    }

}
