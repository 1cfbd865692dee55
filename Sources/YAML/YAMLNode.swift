/// A position in a YAML document, 1-based, as editors show it.
public struct YAMLMark: Sendable, Hashable, CustomStringConvertible {
    public var line: Int
    public var column: Int

    public init(line: Int, column: Int) {
        self.line = line
        self.column = column
    }

    public var description: String { "\(line):\(column)" }
}

/// A scalar with the style it was written in (or should be emitted in) and its explicit tag, if any.
public struct YAMLScalar: Sendable, Hashable {
    public enum Style: Sendable, Hashable {
        /// Let the emitter choose: plain when that reads back as the same string, quoted otherwise.
        case any
        case plain
        case singleQuoted
        case doubleQuoted
        case literal
        case folded
    }

    public var value: String
    public var style: Style
    public var tag: String?

    public init(_ value: String, style: Style = .any, tag: String? = nil) {
        self.value = value
        self.style = style
        self.tag = tag
    }

    /// True when a YAML reader would treat this scalar as a string rather than null, bool or number.
    public var isQuotedOrTagged: Bool {
        switch style {
        case .singleQuoted, .doubleQuoted, .literal, .folded: true
        case .any, .plain: tag == "tag:yaml.org,2002:str"
        }
    }
}

/// A key-value pair of a mapping; mappings keep the order their pairs were written in.
public struct YAMLPair: Sendable, Hashable {
    public var key: YAMLNode
    public var value: YAMLNode

    public init(_ key: YAMLNode, _ value: YAMLNode) {
        self.key = key
        self.value = value
    }
}

/// One node of a YAML document. `mark` is where the parser found it (nil for nodes built in code);
/// it does not take part in equality.
public struct YAMLNode: Sendable, CustomStringConvertible {
    public enum Content: Sendable, Hashable {
        case scalar(YAMLScalar)
        case sequence([YAMLNode])
        case mapping([YAMLPair])
    }

    public var content: Content
    public var mark: YAMLMark?

    public init(_ content: Content, mark: YAMLMark? = nil) {
        self.content = content
        self.mark = mark
    }

    public static func scalar(_ value: String, style: YAMLScalar.Style = .any, tag: String? = nil) -> YAMLNode {
        YAMLNode(.scalar(YAMLScalar(value, style: style, tag: tag)))
    }

    public static func sequence(_ items: [YAMLNode]) -> YAMLNode { YAMLNode(.sequence(items)) }

    public static func mapping(_ pairs: [YAMLPair]) -> YAMLNode { YAMLNode(.mapping(pairs)) }

    /// A mapping with string keys, in the order given.
    public static func mapping(_ pairs: KeyValuePairs<String, YAMLNode>) -> YAMLNode {
        YAMLNode(.mapping(pairs.map { YAMLPair(.scalar($0.key), $0.value) }))
    }

    public var scalar: YAMLScalar? {
        if case .scalar(let s) = content { return s }
        return nil
    }

    public var sequence: [YAMLNode]? {
        if case .sequence(let items) = content { return items }
        return nil
    }

    public var mapping: [YAMLPair]? {
        if case .mapping(let pairs) = content { return pairs }
        return nil
    }

    /// The value for a string key of a mapping (first match), or nil.
    public subscript(key: String) -> YAMLNode? {
        mapping?.first { $0.key.scalar?.value == key }?.value
    }

    /// A short name for the node's kind, for error messages ("a mapping", "a string").
    public var kindDescription: String {
        switch content {
        case .scalar: "a scalar"
        case .sequence: "a sequence"
        case .mapping: "a mapping"
        }
    }

    public var description: String {
        switch content {
        case .scalar(let s): s.value
        case .sequence(let items): "[" + items.map(\.description).joined(separator: ", ") + "]"
        case .mapping(let pairs): "{" + pairs.map { "\($0.key): \($0.value)" }.joined(separator: ", ") + "}"
        }
    }
}

extension YAMLNode: Hashable {
    public static func == (lhs: YAMLNode, rhs: YAMLNode) -> Bool { lhs.content == rhs.content }
    public func hash(into hasher: inout Hasher) { hasher.combine(content) }
}
