import Foundation

extension AzureSimulator {
    /// `POST /_simulator/roles` (form `principal`, `registry`, `role` = AcrPull | AcrPush | Owner | none), with
    /// `Authorization: Bearer <controlToken>`: lets a test script in another process revoke or grant a role while
    /// the simulator runs. Not part of any Azure API.
    func controlRoles(_ request: SimRequest) -> SimResponse {
        guard request.bearerToken == controlToken else { return .plain(401, "control token required") }
        guard let form = request.form, let principal = form["principal"], !principal.isEmpty,
            let registry = form["registry"], !registry.isEmpty, let roleName = form["role"]
        else { return .plain(400, "form fields principal, registry and role are required") }
        if roleName == "none" {
            removeRole(principal: principal, registry: registry)
            return .json(200, ["principal": principal, "registry": registry, "role": "none"])
        }
        guard let role = AcrRole(rawValue: roleName) else {
            return .plain(400, "role must be AcrPull, AcrPush, Owner or none")
        }
        do {
            try assignRole(role, principal: principal, registry: registry)
        } catch {
            return .plain(400, "\(error)")
        }
        return .json(200, ["principal": principal, "registry": registry, "role": role.rawValue])
    }
}
