import Foundation
import KubernetesClient
import KubernetesModel
import KubernetesSimulator
import Testing

/// Broken kubeconfig files, each one field away from a kubeconfig that works against the simulator: loading it
/// through `$KUBECONFIG` fails with `file:line:column: field: message`, and the unbroken file (same directory,
/// same certificates) connects, so the broken field is the only cause.
@Suite("Broken kubeconfig files")
struct BrokenKubeConfigFileTests {
    /// The working kubeconfig: CA and client certificate from files next to it. `PORT` is the simulator's.
    static let lines = [
        "apiVersion: v1",  // 1
        "kind: Config",  // 2
        "clusters:",  // 3
        "- name: sim",  // 4
        "  cluster:",  // 5
        "    server: \"https://127.0.0.1:PORT\"",  // 6
        "    certificate-authority: ca.crt",  // 7
        "users:",  // 8
        "- name: admin",  // 9
        "  user:",  // 10
        "    client-certificate: admin.crt",  // 11
        "    client-key: admin.key",  // 12
        "contexts:",  // 13
        "- name: sim",  // 14
        "  context:",  // 15
        "    cluster: sim",  // 16
        "    user: admin",  // 17
        "    namespace: default",  // 18
        "current-context: sim",  // 19
    ]

    struct Case: Sendable, CustomTestStringConvertible {
        var name: String
        /// Line number (1-based) to replace, and its replacement lines (none deletes it).
        var line: Int
        var replacement: [String]
        /// Inserts the replacement before `line` instead of replacing it.
        var insert = false
        /// Expected `:line:column: field: ` after the file name.
        var location: String
        var message: String
        var testDescription: String { name }

        func text() -> String {
            var lines = BrokenKubeConfigFileTests.lines
            if insert {
                lines.insert(contentsOf: replacement, at: line - 1)
            } else {
                lines.replaceSubrange((line - 1)...(line - 1), with: replacement)
            }
            return lines.joined(separator: "\n") + "\n"
        }
    }

    static let pemData = Data("-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n".utf8)
        .base64EncodedString()

    static let cases: [Case] = [
        Case(
            name: "server without a scheme", line: 6, replacement: ["    server: \"127.0.0.1:PORT\""],
            location: ":6:13: clusters[0].cluster.server: ", message: "is not an http(s) URL"),
        Case(
            name: "CA file missing", line: 7, replacement: ["    certificate-authority: missing/ca.crt"],
            location: ":7:28: clusters[0].cluster.certificate-authority: ", message: "cannot read"),
        Case(
            name: "CA file is not a certificate", line: 7, replacement: ["    certificate-authority: notes.txt"],
            location: ":7:28: clusters[0].cluster.certificate-authority: ",
            message: "does not contain a PEM certificate"),
        Case(
            name: "insecure flag is not a bool", line: 7, replacement: ["    insecure-skip-tls-verify: sometimes"],
            insert: true, location: ":7:31: clusters[0].cluster.insecure-skip-tls-verify: ",
            message: "expected true or false, found \"sometimes\""),
        Case(
            name: "insecure together with a CA file", line: 7, replacement: ["    insecure-skip-tls-verify: true"],
            insert: true, location: ":7:31: clusters[0].cluster.insecure-skip-tls-verify: ",
            message: "cannot be combined with certificate-authority"),
        Case(
            name: "client certificate file missing", line: 11, replacement: ["    client-certificate: nope.crt"],
            location: ":11:25: users[0].user.client-certificate: ", message: "cannot read"),
        Case(
            name: "client key file is not a key", line: 12, replacement: ["    client-key: notes.txt"],
            location: ":12:17: users[0].user.client-key: ", message: "does not contain a PEM private key"),
        Case(
            name: "client certificate data is not a certificate", line: 11,
            replacement: ["    client-certificate-data: \(Data("hello".utf8).base64EncodedString())"],
            location: ":11:30: users[0].user.client-certificate-data: ",
            message: "does not contain a PEM certificate"),
        Case(
            name: "client certificate file and data together", line: 12,
            replacement: ["    client-certificate-data: \(pemData)"], insert: true,
            location: ":12:30: users[0].user.client-certificate-data: ",
            message: "cannot be combined with client-certificate"),
        Case(
            name: "client key without certificate", line: 11, replacement: [],
            location: ":11:5: users[0].user.client-certificate: ",
            message: "client-key is set but client-certificate is missing"),
        Case(
            name: "basic auth", line: 11, replacement: ["    username: admin", "    password: hunter2"],
            location: ":11:15: users[0].user.username: ", message: "basic authentication is not supported"),
        Case(
            name: "exec with an unknown interactiveMode", line: 11,
            replacement: [
                "    exec:", "      apiVersion: client.authentication.k8s.io/v1", "      command: ./plugin.sh",
                "      interactiveMode: Sometimes",
            ],
            location: ":12:7: users[0].user.exec.interactiveMode: ", message: "must be Never, IfAvailable or Always"),
        Case(
            name: "users is a mapping", line: 9, replacement: ["  admin: {}"],
            location: ":9:3: users: ", message: "expected a list, found a mapping"),
        Case(
            name: "context names a missing cluster", line: 16, replacement: ["    cluster: elsewhere"],
            location: ":16:5: contexts[0].context.cluster: ", message: "cluster \"elsewhere\" not found"),
        Case(
            name: "context names a missing user", line: 17, replacement: ["    user: nobody"],
            location: ":16:5: contexts[0].context.user: ", message: "user \"nobody\" not found"),
        Case(
            name: "tab indentation", line: 12, replacement: ["\tclient-key: admin.key"],
            location: ":12:1: ", message: "found a tab character that violates indentation"),
    ]

    /// Writes the certificates, the working kubeconfig as `good` and `text` as `broken`.
    static func files(
        for simulator: KubernetesSimulator, in dir: TemporaryDirectory, broken text: String
    ) throws -> (good: String, broken: String) {
        let issued = try simulator.issueClientCertificate(user: "file-admin", groups: ["system:masters"])
        try dir.write("ca.crt", simulator.caCertificatePEM)
        try dir.write("admin.crt", issued.certificatePEM)
        try dir.write("admin.key", issued.privateKeyPEM)
        try dir.write("notes.txt", "not PEM at all\n")
        let port = String(simulator.port ?? 0)
        let good = try dir.write("good", lines.joined(separator: "\n").replacingOccurrences(of: "PORT", with: port))
        let broken = try dir.write("broken", text.replacingOccurrences(of: "PORT", with: port))
        return (good, broken)
    }

    static func load(_ list: String, in dir: TemporaryDirectory) throws -> KubernetesClientConfiguration {
        let loader = KubernetesConfigurationLoader(
            environment: ["KUBECONFIG": list], inClusterPaths: .init(directory: dir.path + "/no-sa"),
            homeDirectory: dir.path)
        var configuration = try loader.load().0
        SimulatedCluster.tune(&configuration)
        return configuration
    }

    @Test(arguments: cases)
    func namesFileLineAndField(_ testCase: Case) async throws {
        try await SimulatedCluster.with { cluster in
            let dir = try TemporaryDirectory()
            defer { dir.remove() }
            let (good, broken) = try Self.files(for: cluster.simulator, in: dir, broken: testCase.text())
            do {
                _ = try Self.load(broken, in: dir)
                Issue.record("\(testCase.name): expected an error")
            } catch let error as KubeConfigError {
                #expect(error.file == broken)
                #expect(error.description.hasPrefix(broken + testCase.location), "\(error)")
                #expect(error.message.contains(testCase.message), "\(error)")
                #expect(!error.description.contains("hunter2"))
            }
            // The unbroken file from the same directory connects.
            try await SimulatedCluster.withClient(try Self.load(good, in: dir)) { client in
                _ = try await client.list(Namespace.self)
            }
            #expect(cluster.simulator.auditLog().map(\.user) == ["file-admin"])
        }
    }

    @Test("a broken file later in $KUBECONFIG is named, even when an earlier file is fine")
    func brokenSecondFile() async throws {
        try await SimulatedCluster.with { cluster in
            let dir = try TemporaryDirectory()
            defer { dir.remove() }
            let (good, broken) = try Self.files(
                for: cluster.simulator, in: dir, broken: "apiVersion: v1\nclusters:\n- name: x\n  cluster: [1]\n")
            #expect {
                try Self.load(good + ":" + broken, in: dir)
            } throws: { error in
                "\(error)" == "\(broken):4:12: clusters[0].cluster: expected a mapping, found a sequence"
            }
            try await SimulatedCluster.withClient(try Self.load(good, in: dir)) { client in
                _ = try await client.get(Namespace.self, name: "default")
            }
        }
    }
}
