import Foundation
import KubernetesClient
import Testing

/// Each broken kubeconfig must fail with `file:line[:column]: field: message`.
@Suite("Broken kubeconfigs")
struct BrokenKubeConfigTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var name: String
        var yaml: String
        var context: String? = nil
        /// The expected start of the description, e.g. `cfg:5:7: users[0].user.exec: `.
        var prefix: String
        var message: String
        var testDescription: String { name }
    }

    static let cluster = "clusters:\n- name: c\n  cluster:\n    server: https://127.0.0.1:6443\n"
    static let context = "contexts:\n- name: x\n  context:\n    cluster: c\n    user: u\ncurrent-context: x\n"

    static let cases: [Case] = [
        Case(
            name: "unterminated quote", yaml: "clusters:\n- name: \"c\n  cluster: {}\n",
            prefix: "cfg:4:1: ", message: "while scanning a quoted scalar: found unexpected end of stream"),
        Case(
            name: "clusters is a mapping", yaml: "apiVersion: v1\nclusters:\n  c: {}\n",
            prefix: "cfg:3:3: clusters: ", message: "expected a list, found a mapping"),
        Case(
            name: "cluster without name", yaml: "clusters:\n- cluster:\n    server: https://a\n",
            prefix: "cfg:2:3: clusters[0].name: ", message: "name is required"),
        Case(
            name: "cluster entry without cluster", yaml: "clusters:\n- name: c\n",
            prefix: "cfg:2:3: clusters[0].cluster: ", message: "cluster is required"),
        Case(
            name: "duplicate cluster name", yaml: cluster + "- name: c\n  cluster:\n    server: https://b\n",
            prefix: "cfg:5:3: clusters[1].cluster: ", message: "duplicate name \"c\""),
        Case(
            name: "insecure flag not a bool",
            yaml: "clusters:\n- name: c\n  cluster:\n    server: https://a\n    insecure-skip-tls-verify: maybe\n",
            prefix: "cfg:5:31: clusters[0].cluster.insecure-skip-tls-verify: ", message: "expected true or false"),
        Case(
            name: "CA data not base64",
            yaml: "clusters:\n- name: c\n  cluster:\n    server: https://a\n    certificate-authority-data: \"%%%\"\n",
            prefix: "cfg:5:33: clusters[0].cluster.certificate-authority-data: ", message: "not valid base64"),
        Case(
            name: "exec without apiVersion",
            yaml: cluster + "users:\n- name: u\n  user:\n    exec:\n      command: kubelogin\n",
            prefix: "cfg:9:7: users[0].user.exec: ", message: "apiVersion is required"),
        Case(
            name: "exec with a removed apiVersion",
            yaml: "users:\n- name: u\n  user:\n    exec:\n      apiVersion: client.authentication.k8s.io/v1alpha1\n"
                + "      command: x\n",
            prefix: "cfg:5:7: users[0].user.exec.apiVersion: ", message: "unsupported exec apiVersion"),
        Case(
            name: "exec v1 without interactiveMode",
            yaml: "users:\n- name: u\n  user:\n    exec:\n      apiVersion: client.authentication.k8s.io/v1\n"
                + "      command: x\n",
            prefix: "cfg:5:7: users[0].user.exec: ", message: "interactiveMode is required"),
        Case(
            name: "exec without command",
            yaml: "users:\n- name: u\n  user:\n    exec:\n      apiVersion: client.authentication.k8s.io/v1beta1\n",
            prefix: "cfg:5:7: users[0].user.exec: ", message: "command is required"),
        Case(
            name: "exec env without name",
            yaml: "users:\n- name: u\n  user:\n    exec:\n      apiVersion: client.authentication.k8s.io/v1beta1\n"
                + "      command: x\n      env:\n      - value: y\n",
            prefix: "cfg:8:9: users[0].user.exec.env[0].name: ", message: "name is required"),
        Case(
            name: "auth-provider", yaml: "users:\n- name: u\n  user:\n    auth-provider:\n      name: azure\n",
            prefix: "cfg:5:7: users[0].user.auth-provider: ", message: "not supported"),
        Case(
            name: "context without cluster", yaml: "contexts:\n- name: x\n  context:\n    user: u\n",
            prefix: "cfg:4:5: contexts[0].context.cluster: ", message: "cluster is required"),
        Case(
            name: "duplicate key", yaml: "clusters:\n- name: c\n  name: d\n  cluster: {}\n",
            prefix: "cfg:3:3: ", message: "duplicate key \"name\""),
        Case(
            name: "context names a missing cluster",
            yaml: "contexts:\n- name: x\n  context:\n    cluster: nope\ncurrent-context: x\n",
            prefix: "cfg:4:5: contexts[0].context.cluster: ", message: "cluster \"nope\" not found"),
        Case(
            name: "context names a missing user", yaml: cluster + context,
            prefix: "cfg:8:5: contexts[0].context.user: ", message: "user \"u\" not found"),
        Case(
            name: "unknown --context", yaml: cluster + context, context: "other",
            prefix: "cfg: contexts: ", message: "context \"other\" not found"),
        Case(
            name: "cluster without server",
            yaml: "clusters:\n- name: c\n  cluster:\n    tls-server-name: a\n"
                + "contexts:\n- name: x\n  context: {cluster: c}\ncurrent-context: x\n",
            prefix: "cfg:4:5: clusters[0].cluster.server: ", message: "server is required"),
        Case(
            name: "server is not a URL",
            yaml: "clusters:\n- name: c\n  cluster:\n    server: 127.0.0.1:6443\n"
                + "contexts:\n- name: x\n  context: {cluster: c}\ncurrent-context: x\n",
            prefix: "cfg:4:13: clusters[0].cluster.server: ", message: "is not an http(s) URL"),
        Case(
            name: "client certificate without key",
            yaml: cluster + context
                + "users:\n- name: u\n  user:\n    client-certificate-data: \(Data("x".utf8).base64EncodedString())\n",
            prefix: "cfg:14:5: users[0].user.client-key: ", message: "client-key is missing"),
        Case(
            name: "missing token file",
            yaml: cluster + context + "users:\n- name: u\n  user:\n    tokenFile: /nonexistent/token\n",
            prefix: "cfg:14:16: users[0].user.tokenFile: ", message: "cannot read /nonexistent/token"),
        Case(
            name: "missing CA file",
            yaml:
                "clusters:\n- name: c\n  cluster:\n    server: https://a\n    certificate-authority: /nonexistent/ca\n"
                + "contexts:\n- name: x\n  context: {cluster: c}\ncurrent-context: x\n",
            prefix: "cfg:5:28: clusters[0].cluster.certificate-authority: ", message: "cannot read /nonexistent/ca"),
        Case(
            name: "insecure together with a CA",
            yaml: "clusters:\n- name: c\n  cluster:\n    server: https://a\n    insecure-skip-tls-verify: true\n"
                + "    certificate-authority-data: \(Data("x".utf8).base64EncodedString())\n"
                + "contexts:\n- name: x\n  context: {cluster: c}\ncurrent-context: x\n",
            prefix: "cfg:5:31: clusters[0].cluster.insecure-skip-tls-verify: ", message: "cannot be combined"),
    ]

    @Test(arguments: cases)
    func failsWithFileLineAndField(_ testCase: Case) throws {
        do {
            let config = try KubeConfig.parse(testCase.yaml, file: "cfg", baseDirectory: "/tmp")
            _ = try config.clientConfiguration(context: testCase.context)
            Issue.record("\(testCase.name): expected an error")
        } catch let error as KubeConfigError {
            #expect(error.description.hasPrefix(testCase.prefix), "\(error)")
            #expect(error.description.contains(testCase.message), "\(error)")
        }
    }

    @Test func missingFileNamesIt() {
        #expect {
            try KubeConfig.load(file: "/nonexistent/kubeconfig")
        } throws: { error in
            "\(error)".hasPrefix("/nonexistent/kubeconfig: cannot read")
        }
    }
}
