import AzureAuth
import Foundation
import PullKeeperCommands
import Testing

@Suite("docker config merge")
struct DockerConfigFileTests {
    func object(_ data: Data) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    }

    @Test("keeps other registries and unknown keys; auth agrees with username and password")
    func merge() throws {
        let existing = Data(
            #"""
            {"auths":{"other.io":{"auth":"b3RoZXI6cHc="},"contoso.azurecr.io":{"email":"x@y","identitytoken":"old"}},
             "credHelpers":{"gcr.io":"gcloud"},"psFormat":"table {{.ID}}","experimental":"enabled"}
            """#.utf8)
        let merged = try object(
            DockerConfigFile.merge(
                existing: existing, loginServer: "contoso.azurecr.io", username: RegistryCredential.tokenUsername,
                password: "pa:ss"))
        let auths = try #require(merged["auths"] as? [String: Any])
        #expect((auths["other.io"] as? [String: String]) == ["auth": "b3RoZXI6cHc="])
        let entry = try #require(auths["contoso.azurecr.io"] as? [String: String])
        #expect(entry["username"] == RegistryCredential.tokenUsername)
        #expect(entry["password"] == "pa:ss")
        #expect(entry["email"] == "x@y")
        #expect(entry["identitytoken"] == nil)
        let auth = try #require(entry["auth"])
        let decoded = String(decoding: try #require(Data(base64Encoded: auth)), as: UTF8.self)
        #expect(decoded == "\(RegistryCredential.tokenUsername):pa:ss")
        #expect(merged["psFormat"] as? String == "table {{.ID}}")
        #expect(merged["experimental"] as? String == "enabled")
        #expect((merged["credHelpers"] as? [String: String]) == ["gcr.io": "gcloud"])
    }

    @Test("an empty or missing file starts a new document")
    func fresh() throws {
        for existing in [nil, Data(), Data("\n".utf8)] {
            let merged = try object(
                DockerConfigFile.merge(existing: existing, loginServer: "r.io", username: "u", password: "p"))
            #expect((merged["auths"] as? [String: Any])?.keys.sorted() == ["r.io"])
        }
    }

    @Test("a file that is not a docker config is left alone", arguments: ["[1]", "not json", #"{"auths":[]}"#])
    func refuses(text: String) {
        #expect(throws: CommandFailure.self) {
            try DockerConfigFile.merge(existing: Data(text.utf8), loginServer: "r.io", username: "u", password: "p")
        }
    }

    @Test("a username with a colon is refused (auth is user:password, split at the first colon)")
    func colonInUsername() {
        #expect(throws: CommandFailure.self) {
            try DockerConfigFile.merge(existing: nil, loginServer: "r.io", username: "robot:ci", password: "p")
        }
    }

    @Test("write creates the file with mode 0600 and replaces it atomically")
    func writeMode() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("dockercfg-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent(".docker/config.json").path
        try DockerConfigFile.write(path: path, loginServer: "a.io", username: "u", password: "p1")
        try DockerConfigFile.write(path: path, loginServer: "b.io", username: "u", password: "p2")
        let attributes = try FileManager.default.attributesOfItem(atPath: path)
        #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o600)
        let merged = try object(try Data(contentsOf: URL(fileURLWithPath: path)))
        #expect((merged["auths"] as? [String: Any])?.keys.sorted() == ["a.io", "b.io"])
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: dir.appendingPathComponent(".docker").path)
        #expect(leftovers == ["config.json"])
    }

    @Test("token JSON has the az acr login --expose-token keys")
    func render() throws {
        let credential = RegistryCredential(
            loginServer: "contoso.azurecr.io", username: RegistryCredential.tokenUsername, password: "rt",
            expiresOn: Date(timeIntervalSince1970: 1_767_236_400), kind: .refreshToken)
        let text = try TokenCommand.render(credential)
        let json = try object(Data(text.utf8))
        #expect(json["loginServer"] as? String == "contoso.azurecr.io")
        #expect(json["username"] as? String == RegistryCredential.tokenUsername)
        #expect(json["accessToken"] as? String == "rt")
        #expect(json["expiresOn"] as? String == "2026-01-01T03:00:00Z")
        let staticText = try TokenCommand.render(
            RegistryCredential(
                loginServer: "r.io", username: "admin", password: "p", expiresOn: nil, kind: .static))
        #expect(staticText.contains(#""expiresOn" : null"#))
    }
}
