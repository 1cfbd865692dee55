/// Decodes `Decodable` values from YAML text or nodes; errors carry the node's line, column and key path.
public struct YAMLDecoder: Sendable {
    public var limits: YAMLLimits

    public init(limits: YAMLLimits = .default) { self.limits = limits }

    public func decode<T: Decodable>(_ type: T.Type, from text: String) throws -> T {
        let node = try YAML.parseDocument(text, limits: limits) ?? YAMLNode(.mapping([]))
        return try decode(type, from: node)
    }

    public func decode<T: Decodable>(_ type: T.Type, from node: YAMLNode) throws -> T {
        do {
            return try T(from: NodeDecoder(node: node, codingPath: []))
        } catch let error as DecodingError {
            throw Self.translate(error, root: node)
        }
    }

    /// Turns a `DecodingError` thrown by a type's own `init(from:)` into a `YAMLError` at the right node.
    private static func translate(_ error: DecodingError, root: YAMLNode) -> YAMLError {
        switch error {
        case .typeMismatch(_, let context), .valueNotFound(_, let context), .dataCorrupted(let context):
            let node = root.node(at: context.codingPath)
            return YAMLError(
                .typeMismatch, problem: context.debugDescription, mark: node?.mark,
                path: context.codingPath.yamlPath)
        case .keyNotFound(let key, let context):
            let node = root.node(at: context.codingPath)
            return YAMLError(
                .missingKey, problem: "\(key.stringValue) is required", mark: node?.mark,
                path: context.codingPath.yamlPath)
        @unknown default:
            return YAMLError(.typeMismatch, problem: "\(error)")
        }
    }
}

extension YAMLNode {
    /// The node a coding path leads to, as far as it exists.
    func node(at path: [any CodingKey]) -> YAMLNode? {
        var current = self
        for key in path {
            if let index = key.intValue, let items = current.sequence, items.indices.contains(index) {
                current = items[index]
            } else if let next = current[key.stringValue] {
                current = next
            } else {
                return current
            }
        }
        return current
    }
}

extension [any CodingKey] {
    /// `users[0].user.exec`
    var yamlPath: String {
        var text = ""
        for key in self {
            if let index = key.intValue {
                text += "[\(index)]"
            } else {
                text += text.isEmpty ? key.stringValue : ".\(key.stringValue)"
            }
        }
        return text
    }
}

struct IndexKey: CodingKey {
    var intValue: Int?
    var stringValue: String { "\(intValue ?? 0)" }
    init(_ index: Int) { intValue = index }
    init?(intValue: Int) { self.intValue = intValue }
    init?(stringValue: String) { nil }
}

struct NodeDecoder: Decoder {
    let node: YAMLNode
    let codingPath: [any CodingKey]
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    func error(_ problem: String, at node: YAMLNode? = nil, path: [any CodingKey]? = nil) -> YAMLError {
        YAMLError(.typeMismatch, problem: problem, mark: (node ?? self.node).mark, path: (path ?? codingPath).yamlPath)
    }

    func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
        guard let pairs = node.mapping else {
            if let scalar = node.scalar, scalar.isNull {
                return KeyedDecodingContainer(KeyedNodeContainer<Key>(decoder: self, pairs: []))
            }
            throw error("expected a mapping, found \(node.kindDescription)")
        }
        return KeyedDecodingContainer(KeyedNodeContainer<Key>(decoder: self, pairs: pairs))
    }

    func unkeyedContainer() throws -> any UnkeyedDecodingContainer {
        guard let items = node.sequence else {
            if let scalar = node.scalar, scalar.isNull { return UnkeyedNodeContainer(decoder: self, items: []) }
            throw error("expected a sequence, found \(node.kindDescription)")
        }
        return UnkeyedNodeContainer(decoder: self, items: items)
    }

    func singleValueContainer() throws -> any SingleValueDecodingContainer { SingleNodeContainer(decoder: self) }
}

struct KeyedNodeContainer<Key: CodingKey>: KeyedDecodingContainerProtocol {
    let decoder: NodeDecoder
    let pairs: [YAMLPair]
    var codingPath: [any CodingKey] { decoder.codingPath }
    var allKeys: [Key] { pairs.compactMap { $0.key.scalar.flatMap { Key(stringValue: $0.value) } } }

    func contains(_ key: Key) -> Bool { value(for: key) != nil }

    private func value(for key: Key) -> YAMLNode? {
        pairs.first { $0.key.scalar?.value == key.stringValue }?.value
    }

    private func child(_ key: Key) throws -> NodeDecoder {
        guard let node = value(for: key) else {
            throw YAMLError(
                .missingKey, problem: "\(key.stringValue) is required", mark: decoder.node.mark,
                path: codingPath.yamlPath)
        }
        return NodeDecoder(node: node, codingPath: codingPath + [key])
    }

    func decodeNil(forKey key: Key) throws -> Bool {
        guard let node = value(for: key) else { return true }
        return node.scalar?.isNull ?? false
    }

    func decode<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T {
        try child(key).decodeValue(type)
    }

    func nestedContainer<NestedKey: CodingKey>(
        keyedBy type: NestedKey.Type, forKey key: Key
    ) throws -> KeyedDecodingContainer<NestedKey> {
        try child(key).container(keyedBy: type)
    }

    func nestedUnkeyedContainer(forKey key: Key) throws -> any UnkeyedDecodingContainer {
        try child(key).unkeyedContainer()
    }

    func superDecoder() throws -> any Decoder { decoder }
    func superDecoder(forKey key: Key) throws -> any Decoder { try child(key) }
}

struct UnkeyedNodeContainer: UnkeyedDecodingContainer {
    let decoder: NodeDecoder
    let items: [YAMLNode]
    var currentIndex = 0
    var codingPath: [any CodingKey] { decoder.codingPath }
    var count: Int? { items.count }
    var isAtEnd: Bool { currentIndex >= items.count }

    init(decoder: NodeDecoder, items: [YAMLNode]) {
        self.decoder = decoder
        self.items = items
    }

    private mutating func next() throws -> NodeDecoder {
        guard !isAtEnd else {
            throw decoder.error("expected more items in the sequence")
        }
        defer { currentIndex += 1 }
        return NodeDecoder(node: items[currentIndex], codingPath: codingPath + [IndexKey(currentIndex)])
    }

    mutating func decodeNil() throws -> Bool {
        guard !isAtEnd, items[currentIndex].scalar?.isNull == true else { return false }
        currentIndex += 1
        return true
    }

    mutating func decode<T: Decodable>(_ type: T.Type) throws -> T { try next().decodeValue(type) }

    mutating func nestedContainer<NestedKey: CodingKey>(
        keyedBy type: NestedKey.Type
    ) throws -> KeyedDecodingContainer<NestedKey> {
        try next().container(keyedBy: type)
    }

    mutating func nestedUnkeyedContainer() throws -> any UnkeyedDecodingContainer { try next().unkeyedContainer() }
    mutating func superDecoder() throws -> any Decoder { try next() }
}

struct SingleNodeContainer: SingleValueDecodingContainer {
    let decoder: NodeDecoder
    var codingPath: [any CodingKey] { decoder.codingPath }

    func decodeNil() -> Bool { decoder.node.scalar?.isNull ?? false }
    func decode<T: Decodable>(_ type: T.Type) throws -> T { try decoder.decodeValue(type) }
}

extension NodeDecoder {
    private func scalar(_ expected: String) throws -> YAMLScalar {
        guard let scalar = node.scalar else { throw error("expected \(expected), found \(node.kindDescription)") }
        return scalar
    }

    private func number<T>(_ expected: String, _ convert: (YAMLScalar) -> T?) throws -> T {
        let scalar = try scalar(expected)
        guard let value = convert(scalar) else { throw error("expected \(expected), found \"\(scalar.value)\"") }
        return value
    }

    func decodeValue<T: Decodable>(_ type: T.Type) throws -> T {
        switch type {
        case is String.Type:
            let scalar = try scalar("a string")
            return scalar.value as! T  // swiftlint:disable:this force_cast — guarded by the type switch
        case is Bool.Type:
            return try number("true or false") { $0.boolValue } as! T
        case is Int.Type:
            return try number("an integer") { $0.intValue } as! T
        case is Int64.Type:
            return try number("an integer") { $0.intValue.map(Int64.init) } as! T
        case is Int32.Type:
            return try number("a 32-bit integer") { $0.intValue.flatMap(Int32.init(exactly:)) } as! T
        case is UInt16.Type:
            return try number("a port number") { $0.intValue.flatMap(UInt16.init(exactly:)) } as! T
        case is Double.Type:
            return try number("a number") { $0.doubleValue } as! T
        default:
            return try T(from: self)
        }
    }
}
