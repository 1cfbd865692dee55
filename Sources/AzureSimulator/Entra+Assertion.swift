import Foundation

extension AzureSimulator {
    /// Validates a client assertion: a certificate-signed JWT (`iss` = the client ID) or a federated token.
    func checkAssertion(_ assertion: String, app: SimApp, tenantSegment: String, request: SimRequest) throws {
        guard let jwt = SimJWT.parse(assertion) else {
            throw EntraError.badAssertion("The client assertion is not a well-formed JWT.")
        }
        let isCertificateAssertion = jwt.string("iss")?.lowercased() == app.clientID.lowercased()
        if !isCertificateAssertion && !app.federatedCredentials.isEmpty {
            try checkFederated(jwt, app: app)
        } else {
            try checkCertificateAssertion(jwt, app: app, tenantSegment: tenantSegment, request: request)
        }
    }

    private func checkCertificateAssertion(
        _ jwt: SimJWT, app: SimApp, tenantSegment: String, request: SimRequest
    ) throws {
        guard jwt.algorithm == "RS256" || jwt.algorithm == "PS256" else {
            throw EntraError.badAssertion("The assertion's alg must be RS256 or PS256.")
        }
        let certificate: SimCertificate?
        if let thumbprint = jwt.header["x5t#S256"] as? String {
            let bytes = SimBase64.decode(thumbprint)
            certificate = app.certificates.first { bytes != nil && $0.sha256 == bytes }
        } else if let thumbprint = jwt.header["x5t"] as? String {
            let bytes = SimBase64.decode(thumbprint)
            certificate = app.certificates.first { bytes != nil && $0.sha1 == bytes }
        } else {
            throw EntraError.badAssertion("The assertion header has neither x5t#S256 nor x5t.")
        }
        guard let certificate else {
            throw EntraError.badAssertion("The key was not found: no certificate of the app has this thumbprint.")
        }
        guard jwt.verify(with: certificate.publicKey) else {
            throw EntraError.badAssertion("The signature does not verify with the registered certificate.")
        }
        guard jwt.string("iss")?.lowercased() == app.clientID.lowercased(),
            jwt.string("sub")?.lowercased() == app.clientID.lowercased()
        else { throw EntraError.assertionSubject }
        var tokenURLs = [authorityHost + tenantSegment + "/oauth2/v2.0/token"]
        if let host = request.header("host") { tokenURLs.append("https://\(host)/\(tenantSegment)/oauth2/v2.0/token") }
        guard jwt.audiences.contains(where: tokenURLs.contains) else {
            throw EntraError.badAssertion("The assertion's aud must be the token endpoint URL.")
        }
        try checkTimeWindow(jwt)
        guard let jti = jwt.string("jti"), !jti.isEmpty else {
            throw EntraError.badAssertion("The assertion has no jti.")
        }
        let fresh = state.withLock { $0.usedAssertionIDs.insert(app.clientID.lowercased() + "/" + jti).inserted }
        guard fresh else { throw EntraError.badAssertion("The assertion's jti was already used (replay).") }
    }

    private func checkFederated(_ jwt: SimJWT, app: SimApp) throws {
        guard let issuer = jwt.string("iss"), let subject = jwt.string("sub") else {
            throw EntraError.noFederatedMatch("The assertion has no iss or sub.")
        }
        try checkTimeWindow(jwt)
        // Only tokens of the simulator's own issuer can be verified; others are taken on trust (protocols.md §1.5).
        if issuer == configuration.oidcIssuer, !jwt.verify(with: entraKey.publicKey) {
            throw EntraError.badAssertion("The federated token's signature does not verify.")
        }
        let audiences = jwt.audiences
        let matches = app.federatedCredentials.contains { credential in
            credential.issuer == issuer && credential.subject == subject && audiences.contains(credential.audience)
        }
        guard matches else {
            throw EntraError.noFederatedMatch(
                "Assertion issuer '\(issuer)', subject '\(subject)', audience '\(audiences.joined(separator: ","))'.")
        }
    }

    private func checkTimeWindow(_ jwt: SimJWT) throws {
        let now = Int(configuration.now().timeIntervalSince1970)
        let skew = Int(configuration.assertionClockSkew.components.seconds)
        guard let expiry = jwt.integer("exp") else {
            throw EntraError.assertionTime("The assertion has no integer exp.")
        }
        if expiry + skew < now { throw EntraError.assertionTime("The assertion has expired.") }
        if let notBefore = jwt.integer("nbf"), notBefore - skew > now {
            throw EntraError.assertionTime("The assertion is not valid yet (nbf).")
        }
    }
}
