/// Encodes `Encodable` values to YAML; mapping keys come out in the order `encode(to:)` wrote them, except that
/// string-keyed dictionaries are written in sorted key order (their own order changes from run to run).
public struct YAMLEncoder: Sendable {
    public init() {}

    public func encode<T: Encodable>(_ value: T) throws -> String {
        try YAML.emit([encodeNode(value)])
    }

    public func encodeNode<T: Encodable>(_ value: T) throws -> YAMLNode {
        let encoder = NodeEncoder(codingPath: [])
        try encoder.encodeValue(value)
        return encoder.storage.node
    }
}

/// Mutable tree under construction: containers hand out references so nested encoders write in place.
final class EncodedStorage {
    enum Value {
        case empty
        case scalar(YAMLScalar)
        case sequence([EncodedStorage])
        case mapping([(String, EncodedStorage)])
    }

    var value: Value = .empty

    var node: YAMLNode {
        switch value {
        case .empty: .scalar("null", style: .plain)
        case .scalar(let scalar): YAMLNode(.scalar(scalar))
        case .sequence(let items): .sequence(items.map(\.node))
        case .mapping(let pairs): .mapping(pairs.map { YAMLPair(.scalar($0.0), $0.1.node) })
        }
    }

    func child(forKey key: String) -> EncodedStorage {
        var pairs: [(String, EncodedStorage)] = []
        if case .mapping(let existing) = value { pairs = existing }
        if let found = pairs.first(where: { $0.0 == key }) { return found.1 }
        let child = EncodedStorage()
        pairs.append((key, child))
        value = .mapping(pairs)
        return child
    }

    func appendChild() -> EncodedStorage {
        var items: [EncodedStorage] = []
        if case .sequence(let existing) = value { items = existing }
        let child = EncodedStorage()
        items.append(child)
        value = .sequence(items)
        return child
    }

    var count: Int {
        if case .sequence(let items) = value { return items.count }
        return 0
    }
}

struct NodeEncoder: Encoder {
    var storage = EncodedStorage()
    let codingPath: [any CodingKey]
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    init(codingPath: [any CodingKey], storage: EncodedStorage = EncodedStorage()) {
        self.codingPath = codingPath
        self.storage = storage
    }

    func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
        if case .empty = storage.value { storage.value = .mapping([]) }
        return KeyedEncodingContainer(KeyedNodeEncoder<Key>(encoder: self))
    }

    func unkeyedContainer() -> any UnkeyedEncodingContainer {
        if case .empty = storage.value { storage.value = .sequence([]) }
        return UnkeyedNodeEncoder(encoder: self)
    }

    func singleValueContainer() -> any SingleValueEncodingContainer { SingleNodeEncoder(encoder: self) }

    func encodeValue<T: Encodable>(_ value: T) throws {
        switch value {
        case let string as String: storage.value = .scalar(YAMLScalar(string))
        case let bool as Bool: storage.value = .scalar(YAMLScalar(bool ? "true" : "false", style: .plain))
        case let int as any BinaryInteger: storage.value = .scalar(YAMLScalar("\(int)", style: .plain))
        case let double as Double: storage.value = .scalar(YAMLScalar(Self.format(double), style: .plain))
        case let float as Float: storage.value = .scalar(YAMLScalar(Self.format(Double(float)), style: .plain))
        case let node as YAMLNode: storage.value = Self.storageValue(of: node)
        case let dictionary as any StringKeyedDictionary: try dictionary.encodeSortedByKey(to: self)
        default: try value.encode(to: self)
        }
    }

    private static func format(_ double: Double) -> String {
        if double.isNaN { return ".nan" }
        if double.isInfinite { return double > 0 ? ".inf" : "-.inf" }
        return "\(double)"
    }

    private static func storageValue(of node: YAMLNode) -> EncodedStorage.Value {
        switch node.content {
        case .scalar(let scalar): return .scalar(scalar)
        case .sequence(let items):
            return .sequence(
                items.map { item in
                    let child = EncodedStorage()
                    child.value = storageValue(of: item)
                    return child
                })
        case .mapping(let pairs):
            return .mapping(
                pairs.map { pair in
                    let child = EncodedStorage()
                    child.value = storageValue(of: pair.value)
                    return (pair.key.scalar?.value ?? pair.key.description, child)
                })
        }
    }
}

struct KeyedNodeEncoder<Key: CodingKey>: KeyedEncodingContainerProtocol {
    let encoder: NodeEncoder
    var codingPath: [any CodingKey] { encoder.codingPath }

    private func child(_ key: Key) -> NodeEncoder {
        NodeEncoder(codingPath: codingPath + [key], storage: encoder.storage.child(forKey: key.stringValue))
    }

    mutating func encodeNil(forKey key: Key) throws { child(key).storage.value = .empty }
    mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws { try child(key).encodeValue(value) }

    mutating func nestedContainer<NestedKey: CodingKey>(
        keyedBy keyType: NestedKey.Type, forKey key: Key
    ) -> KeyedEncodingContainer<NestedKey> {
        child(key).container(keyedBy: keyType)
    }

    mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer {
        child(key).unkeyedContainer()
    }

    mutating func superEncoder() -> any Encoder { encoder }
    mutating func superEncoder(forKey key: Key) -> any Encoder { child(key) }
}

struct UnkeyedNodeEncoder: UnkeyedEncodingContainer {
    let encoder: NodeEncoder
    var codingPath: [any CodingKey] { encoder.codingPath }
    var count: Int { encoder.storage.count }

    private func next() -> NodeEncoder {
        let index = count
        return NodeEncoder(codingPath: codingPath + [IndexKey(index)], storage: encoder.storage.appendChild())
    }

    mutating func encodeNil() throws { next().storage.value = .empty }
    mutating func encode<T: Encodable>(_ value: T) throws { try next().encodeValue(value) }

    mutating func nestedContainer<NestedKey: CodingKey>(
        keyedBy keyType: NestedKey.Type
    ) -> KeyedEncodingContainer<NestedKey> {
        next().container(keyedBy: keyType)
    }

    mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer { next().unkeyedContainer() }
    mutating func superEncoder() -> any Encoder { next() }
}

struct SingleNodeEncoder: SingleValueEncodingContainer {
    let encoder: NodeEncoder
    var codingPath: [any CodingKey] { encoder.codingPath }

    mutating func encodeNil() throws { encoder.storage.value = .empty }
    mutating func encode<T: Encodable>(_ value: T) throws { try encoder.encodeValue(value) }
}

/// A `[String: Value]` dictionary, so the encoder can write it in a stable order (golden files compare bytes).
protocol StringKeyedDictionary {
    func encodeSortedByKey(to encoder: NodeEncoder) throws
}

extension Dictionary: StringKeyedDictionary where Key == String, Value: Encodable {
    func encodeSortedByKey(to encoder: NodeEncoder) throws {
        var container = encoder.container(keyedBy: DictionaryKey.self)
        for (key, value) in sorted(by: { $0.key < $1.key }) {
            try container.encode(value, forKey: DictionaryKey(stringValue: key))
        }
    }
}

/// A coding key for any dictionary key.
struct DictionaryKey: CodingKey {
    var stringValue: String
    var intValue: Int? { nil }
    init(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) { nil }
}
