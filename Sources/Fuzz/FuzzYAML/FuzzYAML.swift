import FuzzSupport
import YAML

/// libFuzzer harness for the YAML reader: parse with the real limits, then (with a small node budget so one input
/// stays fast) resolve every scalar, decode into loose and typed values, emit, and parse the emitted text again.
@main enum FuzzYAML {
    static func main() { FuzzHarness.run(fuzzYAML) }
}

/// Emitting what was parsed and parsing it again must give the same tree: anything else is a bug.
@Sendable func fuzzYAML(_ bytes: [UInt8]) {
    // The limits every caller gets (billion-laughs and depth guards), nothing more: expanded trees can be huge.
    _ = try? YAML.parse(bytes: bytes)
    _ = try? YAML.parse(bytes: bytes, limits: YAMLLimits(allowDuplicateKeys: true))

    guard let documents = try? YAML.parse(bytes: bytes, limits: YAMLLimits(maxNodes: 20_000)) else { return }
    for document in documents {
        Walk.resolve(document)
        _ = try? YAMLDecoder().decode(LooseValue.self, from: document)
        _ = try? YAMLDecoder().decode(TypedSample.self, from: document)
        _ = try? YAMLDecoder().decode([TypedSample].self, from: document)
        _ = document.description
        _ = document.hashValue
    }
    let text = String(decoding: bytes, as: UTF8.self)
    _ = try? YAMLDecoder(limits: YAMLLimits(maxNodes: 20_000)).decode(LooseValue.self, from: text)

    // Deeper than the emitter allows is a thrown error, not a bug. Tags are left out: pullkeeper emits only trees
    // it builds, which have none, and libyaml 0.2.5 writes some tags as shorthands its own scanner then rejects
    // (`!<tag:yaml.org,2002:a,b>` becomes `!!a,b`).
    let plain = documents.map(untagged)
    guard let emitted = try? YAML.emit(plain) else { return }
    let reparsed: [YAMLNode]
    do {
        reparsed = try YAML.parse(emitted, limits: YAMLLimits(maxNodes: 20_000, allowDuplicateKeys: true))
    } catch {
        fatalError("the emitted YAML does not parse (\(error)):\n\(emitted)")
    }
    guard readable(reparsed) == readable(plain) else {
        fatalError("emit + parse changed the tree:\n\(emitted)")
    }
}

/// The documents a reader gets: a document that is only an empty plain scalar (null, as `---` alone parses)
/// is emitted as nothing at all by libyaml, so it reads back as no document; that is the same stream to a reader.
func readable(_ documents: [YAMLNode]) -> [Shape] {
    documents.filter { $0.scalar != YAMLScalar("", style: .plain) }.map(Shape.init)
}

/// The same tree without tags.
func untagged(_ node: YAMLNode) -> YAMLNode {
    switch node.content {
    case .scalar(let scalar): YAMLNode(.scalar(YAMLScalar(scalar.value, style: scalar.style)), mark: node.mark)
    case .sequence(let items): YAMLNode(.sequence(items.map(untagged)), mark: node.mark)
    case .mapping(let pairs):
        YAMLNode(.mapping(pairs.map { YAMLPair(untagged($0.key), untagged($0.value)) }), mark: node.mark)
    }
}

/// A node without its marks, scalar styles and tags: what a reader of an untagged document sees.
indirect enum Shape: Equatable {
    case scalar(String)
    case sequence([Shape])
    case mapping([Pair])

    struct Pair: Equatable {
        var key: Shape
        var value: Shape
    }

    init(_ node: YAMLNode) {
        switch node.content {
        case .scalar(let scalar): self = .scalar(scalar.value)
        case .sequence(let items): self = .sequence(items.map(Shape.init))
        case .mapping(let pairs): self = .mapping(pairs.map { Pair(key: Shape($0.key), value: Shape($0.value)) })
        }
    }
}

enum Walk {
    /// Every scalar through every resolver, and every string key through the subscript.
    static func resolve(_ node: YAMLNode) {
        switch node.content {
        case .scalar(let scalar):
            _ = scalar.isNull
            _ = scalar.boolValue
            _ = scalar.intValue
            _ = scalar.doubleValue
        case .sequence(let items):
            items.forEach(resolve)
        case .mapping(let pairs):
            for pair in pairs {
                resolve(pair.key)
                resolve(pair.value)
                if let key = pair.key.scalar?.value { _ = node[key] }
            }
        }
    }
}

/// Takes whatever the node is, trying each kind the way a `Codable` type with enum payloads would.
enum LooseValue: Decodable {
    case null, bool(Bool), int(Int), double(Double), string(String)
    case list([LooseValue]), object([String: LooseValue])

    init(from decoder: any Decoder) throws {
        if let container = try? decoder.singleValueContainer() {
            if container.decodeNil() {
                self = .null
                return
            }
            if let value = try? container.decode(Bool.self) {
                self = .bool(value)
                return
            }
            if let value = try? container.decode(Int.self) {
                self = .int(value)
                return
            }
            if let value = try? container.decode(Double.self) {
                self = .double(value)
                return
            }
            if let value = try? container.decode(String.self) {
                self = .string(value)
                return
            }
        }
        if var list = try? decoder.unkeyedContainer() {
            var items: [LooseValue] = []
            while !list.isAtEnd { items.append(try list.decode(LooseValue.self)) }
            self = .list(items)
            return
        }
        let object = try decoder.container(keyedBy: AnyKey.self)
        var values: [String: LooseValue] = [:]
        for key in object.allKeys { values[key.stringValue] = try object.decode(LooseValue.self, forKey: key) }
        self = .object(values)
    }
}

struct AnyKey: CodingKey {
    var stringValue: String
    var intValue: Int?
    init(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) {
        self.stringValue = "\(intValue)"
        self.intValue = intValue
    }
}

/// Every scalar type the decoder special-cases, in the shapes the operator's own types use.
struct TypedSample: Decodable {
    var name: String
    var count: Int?
    var big: Int64?
    var small: Int32?
    var port: UInt16?
    var ratio: Double?
    var enabled: Bool?
    var tags: [String]?
    var labels: [String: String]?
    var nested: [String: [Int]]?
    var children: [TypedSample]?
}
