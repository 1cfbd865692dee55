import Foundation
import YAML

/// Reads kubeconfig YAML nodes into typed values, turning every surprise into a `KubeConfigError` that names the
/// file, line, column and field path.
struct KubeConfigReader {
    let file: String

    func location(_ node: YAMLNode, _ path: String) -> KubeConfig.Location {
        KubeConfig.Location(file: file, line: node.mark?.line, column: node.mark?.column, path: path)
    }

    func error(_ node: YAMLNode, _ path: String, _ message: String) -> KubeConfigError {
        location(node, path).error(message)
    }

    /// Null-like scalars (`~`, `null`, empty, plain) count as absent, as in Go's YAML decoding.
    func isNull(_ node: YAMLNode) -> Bool {
        guard let scalar = node.scalar, !scalar.isQuotedOrTagged else { return false }
        return ["", "~", "null", "Null", "NULL"].contains(scalar.value)
    }

    func mapping(_ node: YAMLNode, _ path: String) throws -> [YAMLPair] {
        if isNull(node) { return [] }
        guard let pairs = node.mapping else {
            throw error(node, path, "expected a mapping, found \(node.kindDescription)")
        }
        return pairs
    }

    func sequence(_ node: YAMLNode, _ path: String) throws -> [YAMLNode] {
        if isNull(node) { return [] }
        guard let items = node.sequence else {
            throw error(node, path, "expected a list, found \(node.kindDescription)")
        }
        return items
    }

    func string(_ node: YAMLNode, _ path: String) throws -> String {
        guard let scalar = node.scalar else {
            throw error(node, path, "expected a string, found \(node.kindDescription)")
        }
        return scalar.value
    }

    func bool(_ node: YAMLNode, _ path: String) throws -> Bool {
        guard let scalar = node.scalar else { throw error(node, path, "expected true or false") }
        switch scalar.value {
        case "true", "True", "TRUE": return true
        case "false", "False", "FALSE": return false
        default: throw error(node, path, "expected true or false, found \"\(scalar.value)\"")
        }
    }

    func base64(_ node: YAMLNode, _ path: String) throws -> Data {
        let text = try string(node, path)
        guard let data = Data(base64Encoded: text, options: .ignoreUnknownCharacters), !data.isEmpty else {
            throw error(node, path, "is not valid base64")
        }
        return data
    }

    /// The pairs of a mapping as (key, value, path), rejecting non-string and duplicate keys.
    func fields(_ node: YAMLNode, _ path: String) throws -> [(key: String, value: YAMLNode, path: String)] {
        var seen: Set<String> = []
        var result: [(key: String, value: YAMLNode, path: String)] = []
        for pair in try mapping(node, path) {
            guard let key = pair.key.scalar?.value else { throw error(pair.key, path, "keys must be strings") }
            let fieldPath = path.isEmpty ? key : "\(path).\(key)"
            guard seen.insert(key).inserted else { throw error(pair.key, fieldPath, "duplicate key") }
            if isNull(pair.value) { continue }
            result.append((key, pair.value, fieldPath))
        }
        return result
    }

    /// Resolves a path from the kubeconfig against its directory (kubectl's rule), expanding `~`.
    static func resolve(_ path: String, against directory: String) -> String {
        if path.hasPrefix("~/") {
            return FileManager.default.homeDirectoryForCurrentUser.path + String(path.dropFirst(1))
        }
        if path.hasPrefix("/") || directory.isEmpty { return path }
        return (directory as NSString).appendingPathComponent(path)
    }
}
