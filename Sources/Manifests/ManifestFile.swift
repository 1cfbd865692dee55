import YAML

/// One rendered file: a name in the output directory, comment lines above the document, and the document.
public struct ManifestFile: Sendable, Hashable {
    /// The file name, e.g. `deployment.yaml`.
    public var name: String
    /// Lines written as `# ...` before the document (libyaml does not emit comments, so they go on top).
    public var comment: [String]
    public var document: YAMLNode

    public init(name: String, comment: [String], document: YAMLNode) {
        self.name = name
        self.comment = comment
        self.document = document
    }

    /// The file's text: the comment, then the document emitted by libyaml.
    public func text() throws -> String {
        let header = comment.map { $0.isEmpty ? "#\n" : "# \($0)\n" }.joined()
        return try header + YAML.emit(document)
    }
}

/// A kustomize `Kustomization` listing the rendered files, so `kubectl apply -k DIR` installs them.
public struct Kustomization: Codable, Hashable, Sendable {
    public var apiVersion = "kustomize.config.k8s.io/v1beta1"
    public var kind = "Kustomization"
    public var resources: [String]

    public init(resources: [String]) { self.resources = resources }
}
