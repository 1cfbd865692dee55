import AzureAuth
import Testing

@Suite("WWW-Authenticate Bearer challenge")
struct BearerChallengeTests {
    @Test("ACR's challenge")
    func acr() throws {
        let challenge = try #require(
            BearerChallenge.parse(
                #"Bearer realm="https://contoso.azurecr.io/oauth2/token",service="contoso.azurecr.io""#))
        #expect(challenge.realm == "https://contoso.azurecr.io/oauth2/token")
        #expect(challenge.service == "contoso.azurecr.io")
        let endpoint = try #require(ACREndpoint.from(challenge: challenge, loginServer: "contoso.azurecr.io"))
        #expect(endpoint.exchangeURL == "https://contoso.azurecr.io/oauth2/exchange")
    }

    @Test("quoted commas, escapes, spaces, token values and case")
    func quoting() throws {
        let header =
            #"bearer  Realm="https://127.0.0.1:5443/oauth2/token" , service=fake.azurecr.io,"#
            + #"scope="repository:a/b:pull,push",error="insufficient_scope", note="say \"hi\"""#
        let challenge = try #require(BearerChallenge.parse(header))
        #expect(challenge.scope == "repository:a/b:pull,push")
        #expect(challenge.service == "fake.azurecr.io")
        #expect(challenge.error == "insufficient_scope")
        #expect(challenge.parameters["note"] == #"say "hi""#)
        let endpoint = try #require(ACREndpoint.from(challenge: challenge, loginServer: "127.0.0.1:5000"))
        #expect(endpoint.authBaseURL == "https://127.0.0.1:5443")
        #expect(endpoint.service == "fake.azurecr.io")
        #expect(endpoint.loginServer == "127.0.0.1:5000")
    }

    @Test(
        "not a usable challenge",
        arguments: [
            #"Basic realm="x""#, "", "Bearer realm", #"Bearer realm="unterminated"#, "Bearer =x", #"Bearer realm="a\"#,
        ])
    func invalid(header: String) {
        #expect(BearerChallenge.parse(header) == nil)
    }
}
