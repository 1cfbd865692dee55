import Foundation

/// A parsed `labelSelector`: requirements joined by commas, all of which must hold.
struct LabelSelector: Sendable, Hashable {
    enum Requirement: Sendable, Hashable {
        case equals(String, String)
        case notEquals(String, String)
        case isIn(String, Set<String>)
        case notIn(String, Set<String>)
        case exists(String)
        case doesNotExist(String)
    }

    var requirements: [Requirement]

    static let everything = LabelSelector(requirements: [])

    func matches(_ labels: [String: String]) -> Bool {
        requirements.allSatisfy { requirement in
            switch requirement {
            case .equals(let key, let value): labels[key] == value
            case .notEquals(let key, let value): labels[key] != value
            case .isIn(let key, let values): labels[key].map(values.contains) ?? false
            case .notIn(let key, let values): !(labels[key].map(values.contains) ?? false)
            case .exists(let key): labels[key] != nil
            case .doesNotExist(let key): labels[key] == nil
            }
        }
    }

    /// Parses the Kubernetes selector syntax (`a=b,c!=d,e in (f,g),h notin (i),j,!k`).
    init(parsing text: String) throws(APIError) {
        var requirements: [Requirement] = []
        for clause in Self.splitClauses(text) {
            let trimmed = clause.trimmingSpaces()
            if trimmed.isEmpty { continue }
            requirements.append(try Self.parseClause(trimmed, selector: text))
        }
        self.requirements = requirements
    }

    init(requirements: [Requirement]) {
        self.requirements = requirements
    }

    /// Splits on commas that are not inside parentheses.
    private static func splitClauses(_ text: String) -> [String] {
        var clauses: [String] = []
        var current = ""
        var depth = 0
        for character in text {
            if character == "(" { depth += 1 }
            if character == ")" { depth -= 1 }
            if character == "," && depth == 0 {
                clauses.append(current)
                current = ""
            } else {
                current.append(character)
            }
        }
        clauses.append(current)
        return clauses
    }

    private static func parseClause(_ clause: String, selector: String) throws(APIError) -> Requirement {
        let bad = APIError.badRequest("unable to parse requirement: invalid label selector \"\(selector)\"")
        if clause.hasPrefix("!") {
            let key = String(clause.dropFirst()).trimmingSpaces()
            guard isValidKey(key) else { throw bad }
            return .doesNotExist(key)
        }
        for (op, isNot) in [(" notin ", true), (" in ", false)] {
            if let range = clause.range(of: op) {
                let key = String(clause[..<range.lowerBound]).trimmingSpaces()
                var rest = String(clause[range.upperBound...]).trimmingSpaces()
                guard isValidKey(key), rest.hasPrefix("("), rest.hasSuffix(")") else { throw bad }
                rest = String(rest.dropFirst().dropLast())
                let values = Set(rest.split(separator: ",").map { String($0).trimmingSpaces() })
                guard values.allSatisfy(isValidValue) else { throw bad }
                return isNot ? .notIn(key, values) : .isIn(key, values)
            }
        }
        for (op, kind) in [("!=", 2), ("==", 1), ("=", 1)] {
            if let range = clause.range(of: op) {
                let key = String(clause[..<range.lowerBound]).trimmingSpaces()
                let value = String(clause[range.upperBound...]).trimmingSpaces()
                guard isValidKey(key), isValidValue(value) else { throw bad }
                return kind == 2 ? .notEquals(key, value) : .equals(key, value)
            }
        }
        guard isValidKey(clause) else { throw bad }
        return .exists(clause)
    }

    private static func isValidKey(_ key: String) -> Bool {
        guard !key.isEmpty, key.count <= 316 else { return false }
        return key.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || "-_./".contains($0)) }
    }

    private static func isValidValue(_ value: String) -> Bool {
        value.count <= 63 && value.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || "-_.".contains($0)) }
    }
}

extension String {
    func trimmingSpaces() -> String {
        var slice = Substring(self)
        while slice.first == " " { slice.removeFirst() }
        while slice.last == " " { slice.removeLast() }
        return String(slice)
    }
}
