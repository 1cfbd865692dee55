/// Why a YAML document could not be read or written. Carries the position and libyaml's own problem text.
public struct YAMLError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What went wrong, as an open set callers can match on (`error.kind == .syntax`).
    public struct Kind: Sendable, Hashable, CustomStringConvertible {
        private let name: String
        private init(_ name: String) { self.name = name }

        /// libyaml's scanner or parser refused the input (tabs, unterminated quotes, bad indentation...).
        public static let syntax = Kind("syntax")
        /// The input is not valid UTF-8.
        public static let encoding = Kind("encoding")
        /// Aliases would expand past the budget (a "billion laughs" document).
        public static let aliasBudget = Kind("alias budget")
        /// An alias names an anchor that was never defined.
        public static let unknownAnchor = Kind("unknown anchor")
        /// Collections nest deeper than the limit.
        public static let tooDeep = Kind("too deep")
        /// The node has the wrong shape or value for the type being decoded.
        public static let typeMismatch = Kind("type mismatch")
        /// A required key is missing.
        public static let missingKey = Kind("missing key")
        /// A mapping holds the same key twice.
        public static let duplicateKey = Kind("duplicate key")
        /// The emitter refused the document.
        public static let emitter = Kind("emitter")

        public var description: String { name }
    }

    public var kind: Kind
    /// 1-based position of the problem, when known.
    public var mark: YAMLMark?
    /// What is wrong, e.g. libyaml's "found character that cannot start any token".
    public var problem: String
    /// libyaml's context text ("while scanning a quoted scalar"), when it gave one.
    public var context: String?
    /// The dotted path of keys leading to the node, when decoding (`identities[2].servicePrincipal`).
    public var path: String?

    public init(_ kind: Kind, problem: String, mark: YAMLMark? = nil, context: String? = nil, path: String? = nil) {
        self.kind = kind
        self.problem = problem
        self.mark = mark
        self.context = context
        self.path = path
    }

    public var line: Int? { mark?.line }
    public var column: Int? { mark?.column }

    public var description: String {
        var text = ""
        if let mark { text += "\(mark): " }
        if let path, !path.isEmpty { text += "\(path): " }
        if let context { text += "\(context): " }
        return text + problem
    }
}
