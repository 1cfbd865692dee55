import Foundation

extension KubernetesSimulator {
    /// A kubeconfig for this cluster: server URL, CA data and a token user (the admin by default).
    public func kubeconfig(
        contextName: String = "pullkeeper-simulator", userName: String? = nil,
        token: String? = nil
    ) -> String {
        let user = userName ?? Self.adminUserName
        let caData = Data(caCertificatePEM.utf8).base64EncodedString()
        // JSON-style double-quoted scalars are valid YAML and need no escaping rules of their own.
        func quoted(_ text: String) -> String { JSONValue.string(text).jsonString }
        return """
            apiVersion: v1
            kind: Config
            clusters:
            - name: \(quoted(contextName))
              cluster:
                server: \(quoted(baseURL))
                certificate-authority-data: \(quoted(caData))
            users:
            - name: \(quoted(user))
              user:
                token: \(quoted(token ?? adminToken))
            contexts:
            - name: \(quoted(contextName))
              context:
                cluster: \(quoted(contextName))
                user: \(quoted(user))
                namespace: "default"
            current-context: \(quoted(contextName))

            """
    }
}
