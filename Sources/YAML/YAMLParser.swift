internal import CLibYAML

/// Limits that keep hostile documents from exhausting memory or the stack.
public struct YAMLLimits: Sendable, Hashable {
    /// Most nodes a stream may produce, aliases counted at their expanded size ("billion laughs" guard).
    public var maxNodes: Int
    /// Deepest nesting of collections.
    public var maxDepth: Int
    /// Whether a mapping may hold the same key twice (it may not in Kubernetes or pullkeeper configs).
    public var allowDuplicateKeys: Bool

    public init(maxNodes: Int = 1_000_000, maxDepth: Int = 256, allowDuplicateKeys: Bool = false) {
        self.maxNodes = maxNodes
        self.maxDepth = maxDepth
        self.allowDuplicateKeys = allowDuplicateKeys
    }

    public static let `default` = YAMLLimits()
}

/// Owns a `yaml_parser_t` and the input bytes it reads; both are freed in `deinit`.
final class ParserHandle {
    var parser = yaml_parser_t()
    private let input: UnsafeMutableBufferPointer<UInt8>

    init(bytes: [UInt8]) throws(YAMLError) {
        input = .allocate(capacity: max(bytes.count, 1))
        _ = input.initialize(from: bytes)
        // Every stored property is set, so a throw here still runs deinit, which frees `input` (and deleting a
        // parser whose initialisation failed is safe: libyaml zeroes it first).
        guard yaml_parser_initialize(&parser) == 1 else {
            throw YAMLError(.syntax, problem: "libyaml could not initialise a parser (out of memory)")
        }
        yaml_parser_set_input_string(&parser, input.baseAddress, bytes.count)
    }

    deinit {
        yaml_parser_delete(&parser)
        input.deallocate()
    }

    /// The parser's error as a `YAMLError`, positions made 1-based.
    func error() -> YAMLError {
        let problem = parser.problem.map { String(cString: $0) } ?? "invalid YAML"
        let context = parser.context.map { String(cString: $0) }
        let mark = YAMLMark(line: Int(parser.problem_mark.line) + 1, column: Int(parser.problem_mark.column) + 1)
        let kind: YAMLError.Kind = parser.error == YAML_READER_ERROR ? .encoding : .syntax
        if parser.error == YAML_READER_ERROR {
            // The reader reports a byte offset, not a mark: count lines up to the offending byte ourselves.
            let offset = min(Int(parser.problem_offset), input.count)
            let prefix = input[0..<offset]
            let line = prefix.lazy.filter { $0 == UInt8(ascii: "\n") }.count + 1
            let lineStart = prefix.lastIndex(of: UInt8(ascii: "\n")).map { $0 + 1 } ?? 0
            let column = String(decoding: input[lineStart..<offset], as: UTF8.self).count + 1
            return YAMLError(
                kind, problem: "\(problem) (byte \(offset))", mark: YAMLMark(line: line, column: column),
                context: context)
        }
        return YAMLError(kind, problem: problem, mark: mark, context: context)
    }
}

extension YAML {
    /// Parses every document of a YAML stream into nodes that remember their line and column.
    public static func parse(_ text: String, limits: YAMLLimits = .default) throws(YAMLError) -> [YAMLNode] {
        try parse(bytes: Array(text.utf8), limits: limits)
    }

    /// Parses raw bytes (UTF-8 is checked by libyaml's reader).
    public static func parse(bytes: [UInt8], limits: YAMLLimits = .default) throws(YAMLError) -> [YAMLNode] {
        let handle = try ParserHandle(bytes: bytes)
        var builder = TreeBuilder(limits: limits)
        while true {
            var event = yaml_event_t()
            guard yaml_parser_parse(&handle.parser, &event) == 1 else { throw handle.error() }
            defer { yaml_event_delete(&event) }
            if event.type == YAML_STREAM_END_EVENT { break }
            try builder.consume(event)
        }
        return builder.documents
    }

    /// Parses a stream that holds at most one document; nil when it holds none.
    public static func parseDocument(_ text: String, limits: YAMLLimits = .default) throws(YAMLError) -> YAMLNode? {
        let documents = try parse(text, limits: limits)
        guard documents.count <= 1 else {
            throw YAMLError(
                .syntax, problem: "expected one YAML document, found \(documents.count)",
                mark: documents[1].mark)
        }
        return documents.first
    }
}

/// Turns libyaml's event stream into `YAMLNode` trees without recursion, so depth is bounded by `limits` only.
struct TreeBuilder {
    /// An open collection. Mutated in place on the stack (no copy of its items per child), and a mapping keeps
    /// the set of its keys, so a document of n keys is parsed in O(n), not O(n²).
    private struct Frame {
        let isMapping: Bool
        let mark: YAMLMark
        let anchor: String?
        var items: [YAMLNode] = []
        var pairs: [YAMLPair] = []
        var pendingKey: YAMLNode?
        var keys: Set<KeyIdentity> = []
    }

    /// What makes two keys the same key: a scalar's text whatever its style (`a` and `"a"` are one key to a YAML
    /// reader that resolves them as strings, and to Kubernetes, which turns YAML into JSON), else the node.
    private enum KeyIdentity: Hashable {
        case text(String)
        case node(YAMLNode.Content)

        init(_ key: YAMLNode) {
            if case .scalar(let scalar) = key.content { self = .text(scalar.value) } else { self = .node(key.content) }
        }
    }

    let limits: YAMLLimits
    private(set) var documents: [YAMLNode] = []
    private var stack: [Frame] = []
    private var root: YAMLNode?
    private var anchors: [String: (node: YAMLNode, size: Int)] = [:]
    private var sizes: [Int] = []
    private var nodeCount = 0

    init(limits: YAMLLimits) { self.limits = limits }

    mutating func consume(_ event: yaml_event_t) throws(YAMLError) {
        let mark = YAMLMark(line: Int(event.start_mark.line) + 1, column: Int(event.start_mark.column) + 1)
        switch event.type {
        case YAML_DOCUMENT_START_EVENT:
            root = nil
            anchors = [:]
        case YAML_DOCUMENT_END_EVENT:
            documents.append(root ?? YAMLNode(.scalar(YAMLScalar("", style: .plain)), mark: mark))
        case YAML_SCALAR_EVENT:
            let data = event.data.scalar
            let value =
                data.value.map { String(decoding: UnsafeBufferPointer(start: $0, count: data.length), as: UTF8.self) }
                ?? ""
            let scalar = YAMLScalar(value, style: Self.style(data.style), tag: Self.string(data.tag))
            try add(YAMLNode(.scalar(scalar), mark: mark), size: 1, anchor: Self.string(data.anchor))
        case YAML_ALIAS_EVENT:
            let name = Self.string(event.data.alias.anchor) ?? ""
            guard let anchored = anchors[name] else {
                throw YAMLError(.unknownAnchor, problem: "alias *\(name) refers to an unknown anchor", mark: mark)
            }
            var node = anchored.node
            node.mark = mark
            try add(node, size: anchored.size, anchor: nil)
        case YAML_SEQUENCE_START_EVENT:
            try push(mark)
            let data = event.data.sequence_start
            stack.append(Frame(isMapping: false, mark: mark, anchor: Self.string(data.anchor)))
        case YAML_MAPPING_START_EVENT:
            try push(mark)
            let data = event.data.mapping_start
            stack.append(Frame(isMapping: true, mark: mark, anchor: Self.string(data.anchor)))
        case YAML_SEQUENCE_END_EVENT, YAML_MAPPING_END_EVENT:
            guard let frame = stack.popLast(), let childSize = sizes.popLast() else { return }
            let content: YAMLNode.Content = frame.isMapping ? .mapping(frame.pairs) : .sequence(frame.items)
            try add(YAMLNode(content, mark: frame.mark), size: childSize, new: 1, anchor: frame.anchor)
        default:
            break
        }
    }

    private mutating func push(_ mark: YAMLMark) throws(YAMLError) {
        guard stack.count < limits.maxDepth else {
            throw YAMLError(.tooDeep, problem: "collections nest deeper than \(limits.maxDepth) levels", mark: mark)
        }
        sizes.append(1)
    }

    /// `size` is the node's expanded size (for its anchor and its parent); `new` the nodes not counted yet: a
    /// finished collection's children were counted as they came, so it adds only itself.
    private mutating func add(_ node: YAMLNode, size: Int, new: Int? = nil, anchor: String?) throws(YAMLError) {
        nodeCount += new ?? size
        guard nodeCount <= limits.maxNodes else {
            throw YAMLError(
                .aliasBudget,
                problem: "the document expands to more than \(limits.maxNodes) nodes (aliases included)",
                mark: node.mark)
        }
        if let anchor { anchors[anchor] = (node, size) }
        if !sizes.isEmpty { sizes[sizes.count - 1] += size }
        guard !stack.isEmpty else {
            root = node
            return
        }
        let top = stack.count - 1
        guard stack[top].isMapping else {
            stack[top].items.append(node)
            return
        }
        guard let key = stack[top].pendingKey else {
            stack[top].pendingKey = node
            return
        }
        if !limits.allowDuplicateKeys, !stack[top].keys.insert(KeyIdentity(key)).inserted {
            throw YAMLError(.duplicateKey, problem: "duplicate key \"\(key)\"", mark: key.mark)
        }
        stack[top].pairs.append(YAMLPair(key, node))
        stack[top].pendingKey = nil
    }

    private static func string(_ pointer: UnsafeMutablePointer<yaml_char_t>?) -> String? {
        pointer.map { String(cString: UnsafePointer($0)) }
    }

    private static func style(_ style: yaml_scalar_style_t) -> YAMLScalar.Style {
        switch style {
        case YAML_PLAIN_SCALAR_STYLE: .plain
        case YAML_SINGLE_QUOTED_SCALAR_STYLE: .singleQuoted
        case YAML_DOUBLE_QUOTED_SCALAR_STYLE: .doubleQuoted
        case YAML_LITERAL_SCALAR_STYLE: .literal
        case YAML_FOLDED_SCALAR_STYLE: .folded
        default: .any
        }
    }
}
