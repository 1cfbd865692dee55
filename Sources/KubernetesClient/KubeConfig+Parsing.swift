import Foundation
import YAML

extension KubeConfig {
    /// Reads and parses one kubeconfig file. `displayName` is how errors name it (defaults to `path`).
    public static func load(file path: String, displayName: String? = nil) throws -> KubeConfig {
        let name = displayName ?? path
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw KubeConfigError(file: name, message: "cannot read the file: \(error.localizedDescription)")
        }
        let directory = (path as NSString).deletingLastPathComponent
        return try parse(text, file: name, baseDirectory: directory)
    }

    /// Parses kubeconfig text; relative paths resolve against `baseDirectory`.
    public static func parse(_ text: String, file: String, baseDirectory: String) throws -> KubeConfig {
        let reader = KubeConfigReader(file: file)
        let root: YAMLNode?
        do {
            root = try parseKubeConfigYAML(text)
        } catch let error as YAMLError {
            throw KubeConfigError(
                file: file, line: error.line, column: error.column, field: error.path,
                message: [error.context, error.problem].compactMap { $0 }.joined(separator: ": "))
        } catch {
            throw KubeConfigError(file: file, message: "not valid YAML: \(error)")
        }
        var config = KubeConfig()
        config.files = [file]
        guard let root else { return config }
        for field in try reader.fields(root, "") {
            switch field.key {
            case "clusters":
                try reader.entries(field.value, "clusters", inner: "cluster") { name, node, path, entry in
                    guard config.clusters[name] == nil else {
                        throw reader.error(entry, path, "duplicate name \"\(name)\"")
                    }
                    config.clusters[name] = try reader.cluster(node, path, baseDirectory: baseDirectory)
                }
            case "users":
                try reader.entries(field.value, "users", inner: "user") { name, node, path, entry in
                    guard config.users[name] == nil else {
                        throw reader.error(entry, path, "duplicate name \"\(name)\"")
                    }
                    config.users[name] = try reader.user(node, path, baseDirectory: baseDirectory)
                }
            case "contexts":
                try reader.entries(field.value, "contexts", inner: "context") { name, node, path, entry in
                    guard config.contexts[name] == nil else {
                        throw reader.error(entry, path, "duplicate name \"\(name)\"")
                    }
                    config.contexts[name] = try reader.context(node, path)
                }
            case "current-context":
                let current = try reader.string(field.value, field.path)
                config.currentContext = current.isEmpty ? nil : current
            case "apiVersion", "kind":
                _ = try reader.string(field.value, field.path)
            default:
                continue  // preferences, extensions: not needed to connect
            }
        }
        return config
    }
}

extension KubeConfigReader {
    /// Walks `- name: x\n  <inner>: {...}` lists.
    func entries(
        _ node: YAMLNode, _ path: String, inner: String,
        _ body: (_ name: String, _ inner: YAMLNode, _ path: String, _ entry: YAMLNode) throws -> Void
    ) throws {
        for (index, entry) in try sequence(node, path).enumerated() {
            let entryPath = "\(path)[\(index)]"
            var name: String?
            var innerNode: YAMLNode?
            for field in try fields(entry, entryPath) {
                switch field.key {
                case "name": name = try string(field.value, field.path)
                case inner: innerNode = field.value
                default: continue
                }
            }
            guard let name, !name.isEmpty else { throw error(entry, entryPath + ".name", "name is required") }
            guard let innerNode else { throw error(entry, entryPath + ".\(inner)", "\(inner) is required") }
            try body(name, innerNode, entryPath + ".\(inner)", entry)
        }
    }

    func cluster(_ node: YAMLNode, _ path: String, baseDirectory: String) throws -> KubeConfig.Cluster {
        var cluster = KubeConfig.Cluster(
            insecureSkipTLSVerify: false, location: location(node, path), fieldLocations: [:])
        for field in try fields(node, path) {
            cluster.fieldLocations[field.key] = location(field.value, field.path)
            switch field.key {
            case "server": cluster.server = try string(field.value, field.path)
            case "certificate-authority":
                cluster.certificateAuthority = Self.resolve(try string(field.value, field.path), against: baseDirectory)
            case "certificate-authority-data": cluster.certificateAuthorityData = try base64(field.value, field.path)
            case "insecure-skip-tls-verify": cluster.insecureSkipTLSVerify = try bool(field.value, field.path)
            case "tls-server-name": cluster.tlsServerName = try string(field.value, field.path)
            default: continue  // proxy-url, disable-compression, extensions
            }
        }
        return cluster
    }

    func user(_ node: YAMLNode, _ path: String, baseDirectory: String) throws -> KubeConfig.User {
        var user = KubeConfig.User(location: location(node, path), fieldLocations: [:])
        for field in try fields(node, path) {
            user.fieldLocations[field.key] = location(field.value, field.path)
            switch field.key {
            case "token": user.token = try string(field.value, field.path)
            case "tokenFile":
                user.tokenFile = Self.resolve(try string(field.value, field.path), against: baseDirectory)
            case "client-certificate":
                user.clientCertificate = Self.resolve(try string(field.value, field.path), against: baseDirectory)
            case "client-certificate-data": user.clientCertificateData = try base64(field.value, field.path)
            case "client-key":
                user.clientKey = Self.resolve(try string(field.value, field.path), against: baseDirectory)
            case "client-key-data": user.clientKeyData = try base64(field.value, field.path)
            case "exec": user.exec = try exec(field.value, field.path, baseDirectory: baseDirectory)
            case "auth-provider":
                throw error(field.value, field.path, "auth-provider plugins are not supported; use an exec plugin")
            case "username", "password":
                throw error(field.value, field.path, "basic authentication is not supported")
            default: continue
            }
        }
        return user
    }

    func exec(_ node: YAMLNode, _ path: String, baseDirectory: String) throws -> KubeConfig.ExecConfig {
        var apiVersion: String?
        var command: String?
        var args: [String] = []
        var env: [KubeConfig.ExecConfig.EnvVar] = []
        var provideClusterInfo = false
        var interactiveMode: String?
        for field in try fields(node, path) {
            switch field.key {
            case "apiVersion": apiVersion = try string(field.value, field.path)
            case "command": command = try string(field.value, field.path)
            case "args":
                args = try sequence(field.value, field.path).enumerated().map {
                    try string($0.element, "\(field.path)[\($0.offset)]")
                }
            case "env":
                for (index, item) in try sequence(field.value, field.path).enumerated() {
                    env.append(try envVar(item, "\(field.path)[\(index)]"))
                }
            case "provideClusterInfo": provideClusterInfo = try bool(field.value, field.path)
            case "interactiveMode": interactiveMode = try string(field.value, field.path)
            default: continue  // installHint
            }
        }
        guard let apiVersion, !apiVersion.isEmpty else { throw error(node, path, "apiVersion is required") }
        guard ExecCredentialProvider.supportedAPIVersions.contains(apiVersion) else {
            throw error(
                node, path + ".apiVersion",
                "unsupported exec apiVersion \"\(apiVersion)\" (use client.authentication.k8s.io/v1 or v1beta1)")
        }
        guard let command, !command.isEmpty else { throw error(node, path, "command is required") }
        // client-go insists on an explicit mode for v1 (kubelogin's generated configs carry one).
        if apiVersion == "client.authentication.k8s.io/v1", interactiveMode == nil {
            throw error(node, path, "interactiveMode is required for client.authentication.k8s.io/v1")
        }
        if let interactiveMode, !["Never", "IfAvailable", "Always"].contains(interactiveMode) {
            throw error(node, path + ".interactiveMode", "must be Never, IfAvailable or Always")
        }
        return KubeConfig.ExecConfig(
            apiVersion: apiVersion, command: command, args: args, env: env, provideClusterInfo: provideClusterInfo,
            interactiveMode: interactiveMode, baseDirectory: baseDirectory, location: location(node, path))
    }

    func envVar(_ node: YAMLNode, _ path: String) throws -> KubeConfig.ExecConfig.EnvVar {
        var name: String?
        var value: String?
        for field in try fields(node, path) {
            switch field.key {
            case "name": name = try string(field.value, field.path)
            case "value": value = try string(field.value, field.path)
            default: continue
            }
        }
        guard let name, !name.isEmpty else { throw error(node, path + ".name", "name is required") }
        return .init(name: name, value: value ?? "")
    }

    func context(_ node: YAMLNode, _ path: String) throws -> KubeConfig.Context {
        var cluster: String?
        var user: String?
        var namespace: String?
        for field in try fields(node, path) {
            switch field.key {
            case "cluster": cluster = try string(field.value, field.path)
            case "user": user = try string(field.value, field.path)
            case "namespace": namespace = try string(field.value, field.path)
            default: continue
            }
        }
        guard let cluster, !cluster.isEmpty else { throw error(node, path + ".cluster", "cluster is required") }
        return KubeConfig.Context(
            cluster: cluster, user: user?.isEmpty == true ? nil : user, namespace: namespace,
            location: location(node, path))
    }
}

/// The one call into the YAML layer: a single document with marks.
func parseKubeConfigYAML(_ text: String) throws -> YAMLNode? {
    try YAML.parseDocument(text)
}
