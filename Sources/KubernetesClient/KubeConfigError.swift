/// A kubeconfig that cannot be used, with the place to fix it: `file:line:column: field: message`.
public struct KubeConfigError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The file, as given (not expanded).
    public var file: String
    public var line: Int?
    public var column: Int?
    /// The field path, e.g. `users[0].user.exec`.
    public var field: String?
    public var message: String

    public init(file: String, line: Int? = nil, column: Int? = nil, field: String? = nil, message: String) {
        self.file = file
        self.line = line
        self.column = column
        self.field = field
        self.message = message
    }

    public var description: String {
        var text = file
        if let line {
            text += ":\(line)"
            if let column { text += ":\(column)" }
        }
        text += ": "
        if let field, !field.isEmpty { text += "\(field): " }
        return text + message
    }
}
