import Foundation

extension ReadyMadeAzure {
    /// A pullkeeper config (PRODUCT.md §3) wired to the simulator: both registries explicit, identities
    /// `sp-secret`, `sp-cert`, `managed`, `workload`, `admin` and `env`, `defaultIdentity: sp-secret`. The
    /// simulated cluster is a lab: the Entra identities serve every namespace (`*`, which `check` warns about) and
    /// both registries; the static `admin` identity (which can push and delete) only namespaces named `static*` or
    /// `admin*`.
    public var configYAML: String {
        let q = Self.yamlQuoted
        let registries = [registry, deniedRegistry].map { server in
            """
              - loginServer: \(q(server))
                authEndpoint: \(q(registryAuthEndpoint))
                caFile: \(q(caBundlePath))

            """
        }.joined()
        let registryList = [registry, deniedRegistry].map(q).joined(separator: ", ")
        return """
            cloud: custom
            authorityHost: \(q(authorityHost))
            caFile: \(q(caBundlePath))
            registries:
            \(registries)tokenAudience: acr
            defaultIdentity: sp-secret
            identities:
              - name: sp-secret
                servicePrincipal:
                  tenantID: \(q(tenantID))
                  clientID: \(q(spSecretClientID))
                  clientSecretFile: \(q(spSecretFile))
                namespaces: ["*"]
                registries: [\(registryList)]
              - name: sp-cert
                servicePrincipal:
                  tenantID: \(q(tenantID))
                  clientID: \(q(spCertClientID))
                  certificateFile: \(q(spCertFile))
                namespaces: ["*"]
                registries: [\(registryList)]
              - name: managed
                managedIdentity:
                  clientID: \(q(managedClientID))
                  endpoint: \(q(imdsEndpoint))
                namespaces: ["*"]
                registries: [\(registryList)]
              - name: workload
                workloadIdentity:
                  tenantID: \(q(tenantID))
                  clientID: \(q(workloadClientID))
                  tokenFile: \(q(workloadTokenFile))
                namespaces: ["*"]
                registries: [\(registryList)]
              - name: admin
                static:
                  usernameFile: \(q(adminUsernameFile))
                  passwordFile: \(q(adminPasswordFile))
                  password2File: \(q(adminPassword2File))
                namespaces: ["static*", "admin*"]
                registries: [\(registryList)]
              - name: env
                environment: {}
                namespaces: ["*"]
                registries: [\(registryList)]

            """
    }

    /// A double-quoted YAML scalar (JSON escaping is valid YAML).
    static func yamlQuoted(_ value: String) -> String {
        var output = "\""
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\"": output += "\\\""
            case "\\": output += "\\\\"
            case "\n": output += "\\n"
            default: output.unicodeScalars.append(scalar)
            }
        }
        return output + "\""
    }
}
