import Foundation

/// Why a patch could not be applied; `isFailedTest` marks a failed `test` operation (HTTP 422).
struct JSONPatchError: Error {
    var reason: String
    var isFailedTest = false
    /// The body is not a list of operations at all (kube-apiserver: 400, "error decoding patch").
    var isDecodeError = false
}

extension JSONValue {
    /// Applies an RFC 6902 JSON patch (add, remove, replace, move, copy, test).
    func applyingJSONPatch(_ patch: JSONValue) throws(JSONPatchError) -> JSONValue {
        guard case .array(let operations) = patch else {
            throw JSONPatchError(
                reason: "error decoding patch: json: cannot unmarshal object into Go value of type "
                    + "[]handlers.jsonPatchOp", isDecodeError: true)
        }
        var document = self
        for (index, operation) in operations.enumerated() {
            guard let op = operation["op"]?.stringValue else {
                throw JSONPatchError(reason: "operation \(index): missing string field \"op\"")
            }
            let path = try Self.pointer(operation, "path", index)
            switch op {
            case "add":
                document = try document.adding(try Self.operand(operation, index), at: path)
            case "remove":
                document = try document.removing(at: path).document
            case "replace":
                let value = try Self.operand(operation, index)
                _ = try document.value(atPointer: path)
                document = try document.removing(at: path).document.adding(value, at: path)
            case "move":
                let from = try Self.pointer(operation, "from", index)
                let removed = try document.removing(at: from)
                document = try removed.document.adding(removed.value, at: path)
            case "copy":
                let from = try Self.pointer(operation, "from", index)
                document = try document.adding(try document.value(atPointer: from), at: path)
            case "test":
                let expected = try Self.operand(operation, index)
                let actual = try? document.value(atPointer: path)
                guard actual == expected else {
                    throw JSONPatchError(
                        reason: "the test operation on path \(Self.render(path)) failed", isFailedTest: true)
                }
            default:
                throw JSONPatchError(reason: "operation \(index): unknown op \"\(op)\"")
            }
        }
        return document
    }

    private static func operand(_ operation: JSONValue, _ index: Int) throws(JSONPatchError) -> JSONValue {
        guard let value = operation["value"] else {
            throw JSONPatchError(reason: "operation \(index): missing field \"value\"")
        }
        return value
    }

    private static func pointer(
        _ operation: JSONValue, _ field: String, _ index: Int
    ) throws(JSONPatchError)
        -> [String]
    {
        guard let text = operation[field]?.stringValue else {
            throw JSONPatchError(reason: "operation \(index): missing string field \"\(field)\"")
        }
        if text.isEmpty { return [] }
        guard text.hasPrefix("/") else {
            throw JSONPatchError(reason: "operation \(index): \(field) \"\(text)\" is not a JSON pointer")
        }
        return text.dropFirst().split(separator: "/", omittingEmptySubsequences: false).map {
            $0.replacingOccurrences(of: "~1", with: "/").replacingOccurrences(of: "~0", with: "~")
        }
    }

    private static func render(_ path: [String]) -> String {
        path.map { "/" + $0.replacingOccurrences(of: "~", with: "~0").replacingOccurrences(of: "/", with: "~1") }
            .joined()
    }

    private static func arrayIndex(_ token: String, count: Int, allowEnd: Bool) -> Int? {
        if allowEnd && token == "-" { return count }
        guard let index = Int(token), index >= 0, String(index) == token else { return nil }
        return index <= (allowEnd ? count : count - 1) ? index : nil
    }

    func value(atPointer path: [String]) throws(JSONPatchError) -> JSONValue {
        var current = self
        for token in path {
            switch current {
            case .object(let members):
                guard let next = members[token] else {
                    throw JSONPatchError(reason: "path \(Self.render(path)) does not exist")
                }
                current = next
            case .array(let elements):
                guard let index = Self.arrayIndex(token, count: elements.count, allowEnd: false) else {
                    throw JSONPatchError(reason: "path \(Self.render(path)) does not exist")
                }
                current = elements[index]
            default:
                throw JSONPatchError(reason: "path \(Self.render(path)) does not exist")
            }
        }
        return current
    }

    func adding(_ value: JSONValue, at path: [String]) throws(JSONPatchError) -> JSONValue {
        guard let token = path.first else { return value }
        let rest = Array(path.dropFirst())
        switch self {
        case .object(var members):
            if rest.isEmpty {
                members[token] = value
            } else {
                guard let child = members[token] else {
                    throw JSONPatchError(reason: "path \(Self.render(path)) does not exist")
                }
                members[token] = try child.adding(value, at: rest)
            }
            return .object(members)
        case .array(var elements):
            guard let index = Self.arrayIndex(token, count: elements.count, allowEnd: rest.isEmpty) else {
                throw JSONPatchError(reason: "array index \(token) is out of range")
            }
            if rest.isEmpty {
                elements.insert(value, at: index)
            } else {
                elements[index] = try elements[index].adding(value, at: rest)
            }
            return .array(elements)
        default:
            throw JSONPatchError(reason: "cannot add below a scalar at \(token)")
        }
    }

    func removing(at path: [String]) throws(JSONPatchError) -> (document: JSONValue, value: JSONValue) {
        guard let token = path.first else {
            throw JSONPatchError(reason: "cannot remove the whole document")
        }
        let rest = Array(path.dropFirst())
        switch self {
        case .object(var members):
            guard let child = members[token] else {
                throw JSONPatchError(reason: "path \(Self.render(path)) does not exist")
            }
            if rest.isEmpty {
                members[token] = nil
                return (.object(members), child)
            }
            let removed = try child.removing(at: rest)
            members[token] = removed.document
            return (.object(members), removed.value)
        case .array(var elements):
            guard let index = Self.arrayIndex(token, count: elements.count, allowEnd: false) else {
                throw JSONPatchError(reason: "array index \(token) is out of range")
            }
            if rest.isEmpty {
                let value = elements.remove(at: index)
                return (.array(elements), value)
            }
            let removed = try elements[index].removing(at: rest)
            elements[index] = removed.document
            return (.array(elements), removed.value)
        default:
            throw JSONPatchError(reason: "path \(Self.render(path)) does not exist")
        }
    }
}
