import Foundation
import PullKeeperConfig
import YAML

/// Walks a YAML tree collecting every problem instead of stopping at the first.
struct ConfigReader {
    private(set) var problems: [ConfigProblem] = []
    /// Valid but risky settings (`check` prints them; the controller logs them at start).
    private(set) var warnings: [ConfigProblem] = []

    mutating func report(_ node: YAMLNode?, _ path: String, _ message: String) {
        problems.append(ConfigProblem(mark: node?.mark, path: path, message: message))
    }

    mutating func warn(_ node: YAMLNode?, _ path: String, _ message: String) {
        warnings.append(ConfigProblem(mark: node?.mark, path: path, message: message))
    }

    /// The pairs of a mapping keyed by string; unknown keys are reported at the key's position.
    mutating func mapping(_ node: YAMLNode, _ path: String, allowed: [String]) -> [String: YAMLNode]? {
        if node.scalar?.isNull == true { return [:] }
        guard let pairs = node.mapping else {
            report(node, path, "must be a mapping, found \(node.kindDescription)")
            return nil
        }
        var result: [String: YAMLNode] = [:]
        for pair in pairs {
            guard let key = pair.key.scalar?.value else {
                report(pair.key, path, "keys must be strings, found \(pair.key.kindDescription)")
                continue
            }
            guard allowed.contains(key) else {
                let hint = Self.closest(to: key, in: allowed).map { " (did you mean \"\($0)\"?)" } ?? ""
                report(pair.key, path, "unknown key \"\(key)\"\(hint)")
                continue
            }
            result[key] = pair.value
        }
        return result
    }

    mutating func string(_ node: YAMLNode, _ path: String) -> String? {
        guard let scalar = node.scalar, !scalar.isNull || scalar.style != .plain else {
            report(node, path, "must be a string, found \(node.scalar == nil ? node.kindDescription : "null")")
            return nil
        }
        return scalar.value
    }

    mutating func nonEmptyString(_ node: YAMLNode, _ path: String) -> String? {
        guard let value = string(node, path) else { return nil }
        guard !value.trimmingCharacters(in: .whitespaces).isEmpty else {
            report(node, path, "must not be empty")
            return nil
        }
        return value
    }

    mutating func bool(_ node: YAMLNode, _ path: String) -> Bool? {
        guard let value = node.scalar?.boolValue else {
            report(node, path, "must be true or false, found \(Self.show(node))")
            return nil
        }
        return value
    }

    mutating func double(_ node: YAMLNode, _ path: String) -> Double? {
        guard let value = node.scalar?.doubleValue, value.isFinite else {
            report(node, path, "must be a number, found \(Self.show(node))")
            return nil
        }
        return value
    }

    mutating func stringList(_ node: YAMLNode, _ path: String) -> [(String, YAMLNode)]? {
        if node.scalar?.isNull == true { return [] }
        guard let items = node.sequence else {
            report(node, path, "must be a list of strings, found \(node.kindDescription)")
            return nil
        }
        var result: [(String, YAMLNode)] = []
        for (index, item) in items.enumerated() {
            if let value = string(item, "\(path)[\(index)]") { result.append((value, item)) }
        }
        return result
    }

    mutating func stringMap(_ node: YAMLNode, _ path: String) -> [String: String]? {
        if node.scalar?.isNull == true { return [:] }
        guard let pairs = node.mapping else {
            report(node, path, "must be a mapping of strings, found \(node.kindDescription)")
            return nil
        }
        var result: [String: String] = [:]
        for pair in pairs {
            guard let key = pair.key.scalar?.value, let value = pair.value.scalar?.value else {
                report(pair.value, path, "keys and values must be strings")
                continue
            }
            result[key] = value
        }
        return result
    }

    static func join(_ path: String, _ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }

    static func show(_ node: YAMLNode) -> String {
        guard let scalar = node.scalar else { return node.kindDescription }
        return "\"\(scalar.value)\""
    }

    /// The allowed key within edit distance 2, for "did you mean" hints.
    static func closest(to key: String, in allowed: [String]) -> String? {
        allowed.map { ($0, distance(key.lowercased(), $0.lowercased())) }
            .filter { $0.1 <= 2 }
            .min { $0.1 < $1.1 }?.0
    }

    private static func distance(_ a: String, _ b: String) -> Int {
        let a = Array(a)
        let b = Array(b)
        guard !a.isEmpty else { return b.count }
        guard !b.isEmpty else { return a.count }
        var previous = Array(0...b.count)
        for i in 1...a.count {
            var current = [i] + Array(repeating: 0, count: b.count)
            for j in 1...b.count {
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            }
            previous = current
        }
        return previous[b.count]
    }
}
