import Foundation
import KubernetesModel
import Manifests
import PullKeeperCommands
import YAML

/// Paths and helpers shared by the manifest tests.
enum Repository {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../..")
        .standardizedFileURL
    static let deploy = root.appendingPathComponent("deploy")
    static let chart = root.appendingPathComponent("charts/pullkeeper")
    /// `PULLKEEPER_UPDATE_GOLDEN=1` rewrites golden files instead of comparing (then review the diff).
    static let update = ProcessInfo.processInfo.environment["PULLKEEPER_UPDATE_GOLDEN"] == "1"

    static func text(_ url: URL) throws -> String { try String(contentsOf: url, encoding: .utf8) }
}

extension ManifestOptions {
    /// The options `pullkeeper render` uses with no flags but the identity mode.
    static func defaults(_ mode: IdentityMode = .workload) -> ManifestOptions {
        ManifestOptions(version: BuildInfo.version, identityMode: mode)
    }
}

extension Array where Element == ManifestFile {
    /// The document of the named file, decoded as a typed resource.
    func decode<T: Decodable>(_ type: T.Type, from name: String) throws -> T {
        guard let file = first(where: { $0.name == name }) else { throw MissingFile(name: name) }
        return try YAMLDecoder().decode(T.self, from: try file.text())
    }
}

struct MissingFile: Error { var name: String }

extension YAMLNode {
    /// Every scalar in the tree, keys included.
    var allScalars: [String] {
        switch content {
        case .scalar(let scalar): [scalar.value]
        case .sequence(let items): items.flatMap(\.allScalars)
        case .mapping(let pairs): pairs.flatMap { $0.key.allScalars + $0.value.allScalars }
        }
    }
}
