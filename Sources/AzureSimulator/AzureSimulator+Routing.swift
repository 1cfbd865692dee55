import Foundation

extension AzureSimulator {
    /// Routes one request: count it, answer a scripted fault if one is due, else run the endpoint's handler.
    func handle(_ request: SimRequest) -> SimResponse {
        let segments = request.path.split(separator: "/", omittingEmptySubsequences: true).map(String.init)
        guard let (endpoint, handler) = route(request, segments) else {
            return .plain(404, "not found")
        }
        if let fault = countAndTakeFault(endpoint) {
            logger.debug(
                "Azure simulator injected a fault",
                metadata: [
                    "simulator.endpoint": "\(endpoint.rawValue)", "http.status": "\(fault.status)",
                ])
            return faultResponse(fault, endpoint: endpoint)
        }
        return handler()
    }

    private func route(
        _ request: SimRequest, _ segments: [String]
    ) -> (SimulatorEndpoint, () -> SimResponse)? {
        let method = request.method
        switch (method, segments) {
        case ("POST", let s) where s.count == 4 && s[1] == "oauth2" && s[2] == "v2.0" && s[3] == "token":
            return (.entra, { self.entraToken(request, tenantSegment: s[0]) })
        case ("GET", let s)
        where s.count == 4 && s[1] == "v2.0" && s[2] == ".well-known"
            && s[3] == "openid-configuration":
            return (.openidConfiguration, { self.openIDConfiguration(request, tenantSegment: s[0]) })
        case ("GET", ["metadata", "identity", "oauth2", "token"]):
            return (.imds, { self.imdsToken(request) })
        case ("GET", ["msi", "token"]):
            return (.appService, { self.appServiceToken(request) })
        case ("GET", let s) where s.first == "v2", ("HEAD", let s) where s.first == "v2":
            return (.challenge, { self.registryRequest(request, segments: Array(s.dropFirst())) })
        case ("POST", ["oauth2", "exchange"]):
            return (.exchange, { self.exchange(request) })
        case ("GET", ["oauth2", "token"]), ("POST", ["oauth2", "token"]):
            return (.token, { self.registryToken(request) })
        case ("POST", ["_simulator", "roles"]):
            return (.control, { self.controlRoles(request) })
        default:
            return nil
        }
    }

    private func faultResponse(_ fault: SimulatedFault, endpoint: SimulatorEndpoint) -> SimResponse {
        let retry = fault.retryAfter.map { [("Retry-After", String($0))] } ?? []
        switch endpoint {
        case .entra, .openidConfiguration:
            let error = fault.status == 429 ? "temporarily_unavailable" : "server_error"
            return .json(fault.status, ["error": error, "error_description": "simulated failure"], headers: retry)
        case .imds, .appService, .control:
            return .json(
                fault.status, ["error": "simulated", "error_description": "simulated failure"], headers: retry)
        case .challenge, .exchange, .token:
            let code = fault.status == 429 ? "TOOMANYREQUESTS" : "UNAVAILABLE"
            return acrError(fault.status, code, "simulated failure", headers: retry)
        }
    }

    /// An ACR error body (`{"errors":[{"code","message","detail"}]}`).
    func acrError(_ status: Int, _ code: String, _ message: String, headers: [(String, String)] = []) -> SimResponse {
        .json(status, ["errors": [["code": code, "message": message, "detail": NSNull()]]], headers: headers)
    }
}
