import Foundation

extension KubeConfig {
    /// The client configuration of `context` (or `current-context`), with files read and credentials set up.
    public func clientConfiguration(context name: String? = nil) throws -> KubernetesClientConfiguration {
        let file = files.first ?? "kubeconfig"
        guard let contextName = name ?? currentContext else {
            throw KubeConfigError(file: file, field: "current-context", message: "no context given and none is current")
        }
        guard let context = contexts[contextName] else {
            let known = contexts.keys.sorted().joined(separator: ", ")
            throw KubeConfigError(
                file: file, field: "contexts", message: "context \"\(contextName)\" not found (known: \(known))")
        }
        guard let cluster = clusters[context.cluster] else {
            throw context.location.error("cluster \"\(context.cluster)\" not found", field: "cluster")
        }
        let user = try context.user.map { userName in
            guard let user = users[userName] else {
                throw context.location.error("user \"\(userName)\" not found", field: "user")
            }
            return user
        }
        var configuration = try cluster.clientConfiguration()
        configuration.namespace = context.namespace
        if let user {
            try user.apply(to: &configuration, cluster: cluster)
        }
        return configuration
    }
}

extension KubeConfig.Cluster {
    func fieldError(_ key: String, _ message: String) -> KubeConfigError {
        (fieldLocations[key] ?? location).error(message, field: fieldLocations[key] == nil ? key : nil)
    }

    func clientConfiguration() throws -> KubernetesClientConfiguration {
        guard let server, !server.isEmpty else { throw location.error("server is required", field: "server") }
        guard let url = URLComponents(string: server), url.scheme == "https" || url.scheme == "http",
            url.host?.isEmpty == false
        else {
            throw fieldError("server", "\"\(server)\" is not an http(s) URL")
        }
        if insecureSkipTLSVerify, certificateAuthority != nil || certificateAuthorityData != nil {
            throw fieldError(
                "insecure-skip-tls-verify", "cannot be combined with certificate-authority(-data)")
        }
        var ca: String?
        if let data = certificateAuthorityData {
            ca = String(decoding: data, as: UTF8.self)
        } else if let path = certificateAuthority {
            ca = try readFile(path, key: "certificate-authority", at: self)
        }
        if let pem = ca, !pem.contains("-----BEGIN CERTIFICATE-----") {
            let key = certificateAuthorityData != nil ? "certificate-authority-data" : "certificate-authority"
            throw fieldError(key, "does not contain a PEM certificate")
        }
        return KubernetesClientConfiguration(
            server: server, certificateAuthorityPEM: ca, insecureSkipTLSVerify: insecureSkipTLSVerify,
            tlsServerName: tlsServerName)
    }
}

extension KubeConfig.User {
    func fieldError(_ key: String, _ message: String) -> KubeConfigError {
        (fieldLocations[key] ?? location).error(message, field: fieldLocations[key] == nil ? key : nil)
    }

    func apply(to configuration: inout KubernetesClientConfiguration, cluster: KubeConfig.Cluster) throws {
        if clientCertificate != nil && clientCertificateData != nil {
            throw fieldError("client-certificate-data", "cannot be combined with client-certificate")
        }
        if clientKey != nil && clientKeyData != nil {
            throw fieldError("client-key-data", "cannot be combined with client-key")
        }
        let certificate =
            try clientCertificateData.map { String(decoding: $0, as: UTF8.self) }
            ?? clientCertificate.map { try readFile($0, key: "client-certificate", at: self) }
        let key =
            try clientKeyData.map { String(decoding: $0, as: UTF8.self) }
            ?? clientKey.map { try readFile($0, key: "client-key", at: self) }
        switch (certificate, key) {
        case (.some, nil):
            throw location.error("client-certificate is set but client-key is missing", field: "client-key")
        case (nil, .some):
            throw location.error("client-key is set but client-certificate is missing", field: "client-certificate")
        default: break
        }
        // Checked here so that the error names the field; TLS setup later could only say "invalid PEM".
        if let certificate, !certificate.contains("-----BEGIN CERTIFICATE-----") {
            let field = clientCertificateData != nil ? "client-certificate-data" : "client-certificate"
            throw fieldError(field, "does not contain a PEM certificate")
        }
        if let key, !key.contains("PRIVATE KEY-----") {
            throw fieldError(
                clientKeyData != nil ? "client-key-data" : "client-key", "does not contain a PEM private key")
        }
        configuration.clientCertificatePEM = certificate
        configuration.clientKeyPEM = key
        if let token, !token.isEmpty {
            configuration.credentials = StaticCredentialProvider(KubernetesCredentials(token: token))
        } else if let tokenFile {
            guard FileManager.default.isReadableFile(atPath: tokenFile) else {
                throw fieldError("tokenFile", "cannot read \(tokenFile)")
            }
            configuration.credentials = TokenFileCredentialProvider(path: tokenFile)
        } else if let exec {
            configuration.credentials = ExecCredentialProvider(
                config: exec, server: cluster.server ?? "", certificateAuthorityData: cluster.certificateAuthorityData,
                insecureSkipTLSVerify: cluster.insecureSkipTLSVerify)
        }
    }
}

/// Reads a PEM file named by a kubeconfig field; the error points at that field.
private func readFile(_ path: String, key: String, at cluster: KubeConfig.Cluster) throws -> String {
    do {
        return try String(contentsOfFile: path, encoding: .utf8)
    } catch {
        throw cluster.fieldError(key, "cannot read \(path)")
    }
}

private func readFile(_ path: String, key: String, at user: KubeConfig.User) throws -> String {
    do {
        return try String(contentsOfFile: path, encoding: .utf8)
    } catch {
        throw user.fieldError(key, "cannot read \(path)")
    }
}
