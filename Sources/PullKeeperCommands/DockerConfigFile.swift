import AzureAuth
import Foundation

/// Merges one registry login into a docker `config.json`, keeping every other entry and unknown key.
public enum DockerConfigFile {
    /// The default path: `$DOCKER_CONFIG/config.json`, else `~/.docker/config.json`.
    public static func defaultPath(environment: [String: String]) -> String {
        if let dir = environment["DOCKER_CONFIG"], !dir.isEmpty { return dir + "/config.json" }
        let home = environment["HOME"] ?? FileManager.default.homeDirectoryForCurrentUser.path
        return home + "/.docker/config.json"
    }

    /// The merged document. `auth` = base64(username:password) and `username`/`password` agree; stale
    /// `identitytoken`/`registrytoken` of that entry are dropped (they would win over the new login).
    public static func merge(existing: Data?, loginServer: String, username: String, password: String) throws -> Data {
        // Every reader splits auth at the first colon: it would read another username and password.
        guard !username.contains(":") else {
            throw CommandFailure(
                message: "the username contains \":\", which a docker config auth (user:password) cannot hold",
                exitCode: 1)
        }
        var root: [String: Any] = [:]
        if let existing, !existing.allSatisfy({ $0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 }) {
            guard let object = try? JSONSerialization.jsonObject(with: existing) as? [String: Any] else {
                throw CommandFailure(message: "the docker config is not a JSON object; not touching it", exitCode: 1)
            }
            root = object
        }
        var auths: [String: Any] = [:]
        if let value = root["auths"] {
            guard let object = value as? [String: Any] else {
                throw CommandFailure(
                    message: "the docker config's auths is not an object; not touching it", exitCode: 1)
            }
            auths = object
        }
        var entry = (auths[loginServer] as? [String: Any]) ?? [:]
        entry["auth"] = Data("\(username):\(password)".utf8).base64EncodedString()
        entry["username"] = username
        entry["password"] = password
        entry["identitytoken"] = nil
        entry["registrytoken"] = nil
        auths[loginServer] = entry
        root["auths"] = auths
        return try JSONSerialization.data(
            withJSONObject: root, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
    }

    /// Reads, merges and atomically replaces the file with mode 0600 (creating `~/.docker` as 0700).
    public static func write(path: String, loginServer: String, username: String, password: String) throws {
        let url = URL(fileURLWithPath: path)
        let manager = FileManager.default
        let directory = url.deletingLastPathComponent()
        if !manager.fileExists(atPath: directory.path) {
            try manager.createDirectory(
                at: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        }
        let existing = manager.fileExists(atPath: path) ? try Data(contentsOf: url) : nil
        let merged = try merge(existing: existing, loginServer: loginServer, username: username, password: password)
        let temporary = directory.appendingPathComponent(".\(url.lastPathComponent).\(UUID().uuidString).tmp")
        guard manager.createFile(atPath: temporary.path, contents: merged, attributes: [.posixPermissions: 0o600])
        else {
            throw CommandFailure(message: "cannot write \(temporary.path)", exitCode: 1)
        }
        do {
            // rename(2) keeps readers from ever seeing a half-written file.
            guard rename(temporary.path, path) == 0 else {
                throw CommandFailure(message: "cannot replace \(path) (errno \(errno))", exitCode: 1)
            }
        } catch {
            try? manager.removeItem(at: temporary)
            throw error
        }
    }

    /// Helpers that would take over from `auths` for this registry, so the user can be warned.
    public static func overridingHelper(in data: Data?, loginServer: String) -> String? {
        guard let data, let root = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else { return nil }
        if let helpers = root["credHelpers"] as? [String: Any], let helper = helpers[loginServer] as? String {
            return "credHelpers[\(loginServer)] = \(helper)"
        }
        if let store = root["credsStore"] as? String, !store.isEmpty { return "credsStore = \(store)" }
        return nil
    }
}
