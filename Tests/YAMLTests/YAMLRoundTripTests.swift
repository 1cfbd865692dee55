import Foundation
import PullKeeperCore
import Testing
import YAML

/// Random trees → emit → parse must give the same tree, and every string must stay a string under the
/// YAML 1.1 resolver rules that Kubernetes and PyYAML use (re-stated here independently of the emitter).
@Suite struct YAMLRoundTripTests {
    @Test(arguments: 0..<300)
    func randomTreeSurvivesEmitAndParse(seed: Int) throws {
        var generator = SplitMix64(seed: UInt64(seed) &+ 0x9E37_79B9)
        let tree = RandomTree.node(depth: 0, using: &generator)
        let text = try YAML.emit(tree)
        let parsed = try #require(try YAML.parseDocument(text), "no document in:\n\(text)")
        #expect(parsed.styleless == tree.styleless, "round trip changed the tree:\n\(text)")
        for scalar in parsed.scalars where scalar.style == .plain {
            #expect(!YAML11Resolver.resolvesToNonString(scalar.value), "\"\(scalar.value)\" emitted plain in:\n\(text)")
        }
    }

    @Test func streamOfDocumentsRoundTrips() throws {
        var generator = SplitMix64(seed: 42)
        let documents = (0..<5).map { _ in RandomTree.node(depth: 1, using: &generator) }
        let parsed = try YAML.parse(try YAML.emit(documents))
        #expect(parsed.map(\.styleless) == documents.map(\.styleless))
    }
}

/// PyYAML's implicit resolvers (resolver.py), which is what YAML 1.1 readers apply to plain scalars.
enum YAML11Resolver {
    static let patterns = [
        #"^(?:yes|Yes|YES|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF|y|Y|n|N)$"#,
        #"^(?:[-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+][0-9]+)?|\.[0-9][0-9_]*(?:[eE][-+][0-9]+)?|[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\.[0-9_]*|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$"#,
        #"^(?:[-+]?0b[0-1_]+|[-+]?0[0-7_]+|[-+]?(?:0|[1-9][0-9_]*)|[-+]?0x[0-9a-fA-F_]+|[-+]?[1-9][0-9_]*(?::[0-5]?[0-9])+)$"#,
        #"^(?:<<)$"#,
        #"^(?:~|null|Null|NULL|)$"#,
        #"^(?:[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]|[0-9][0-9][0-9][0-9]-[0-9][0-9]?-[0-9][0-9]?(?:[Tt]|[ \t]+)[0-9][0-9]?:[0-9][0-9]:[0-9][0-9](?:\.[0-9]*)?(?:[ \t]*(?:Z|[-+][0-9][0-9]?(?::[0-9][0-9])?))?)$"#,
        #"^(?:=)$"#,
        // YAML 1.2 core schema floats and ints that 1.1 spells differently.
        #"^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?$"#, #"^0o[0-7]+$"#,
    ]

    static func resolvesToNonString(_ text: String) -> Bool {
        patterns.contains { text.range(of: $0, options: .regularExpression) != nil }
    }
}

enum RandomTree {
    static let alphabet: [String] = [
        "a", "b", "z", "0", "1", "9", " ", "-", ":", "#", ".", ",", "'", "\"", "\\", "\n", "\t", "é", "名", "🔐",
        "yes", "no", "on", "null", "~", "true", "0x", "e", "+", "[", "]", "{", "}", "&", "*", "!", "|", ">", "%",
        "@", "`", "?", "<<", "=", "inf", ".",
    ]

    static func string(using generator: inout SplitMix64) -> String {
        let length = Int.random(in: 0...6, using: &generator)
        return (0..<length).map { _ in alphabet.randomElement(using: &generator) ?? "" }.joined()
    }

    static func node(depth: Int, using generator: inout SplitMix64) -> YAMLNode {
        let choice = depth >= 4 ? 0 : Int.random(in: 0...2, using: &generator)
        switch choice {
        case 0:
            return .scalar(string(using: &generator))
        case 1:
            let count = Int.random(in: 0...4, using: &generator)
            return .sequence((0..<count).map { _ in node(depth: depth + 1, using: &generator) })
        default:
            let count = Int.random(in: 0...4, using: &generator)
            var pairs: [YAMLPair] = []
            for _ in 0..<count {
                let key = string(using: &generator)
                guard !pairs.contains(where: { $0.key.scalar?.value == key }) else { continue }
                pairs.append(YAMLPair(.scalar(key), node(depth: depth + 1, using: &generator)))
            }
            return .mapping(pairs)
        }
    }
}

extension YAMLNode {
    /// The tree with every scalar's style and tag forgotten: what the data is, not how it was written.
    var styleless: YAMLNode {
        switch content {
        case .scalar(let scalar): .scalar(scalar.value)
        case .sequence(let items): .sequence(items.map(\.styleless))
        case .mapping(let pairs): .mapping(pairs.map { YAMLPair($0.key.styleless, $0.value.styleless) })
        }
    }

    var scalars: [YAMLScalar] {
        switch content {
        case .scalar(let scalar): [scalar]
        case .sequence(let items): items.flatMap(\.scalars)
        case .mapping(let pairs): pairs.flatMap { $0.key.scalars + $0.value.scalars }
        }
    }
}
