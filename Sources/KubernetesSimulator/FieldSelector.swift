import Foundation

/// A parsed `fieldSelector` over `metadata.name` and `metadata.namespace` (= , ==, !=).
struct FieldSelector: Sendable, Hashable {
    struct Requirement: Sendable, Hashable {
        var field: String
        var value: String
        var negated: Bool
    }

    var requirements: [Requirement]

    static let everything = FieldSelector(requirements: [])

    init(requirements: [Requirement]) {
        self.requirements = requirements
    }

    init(parsing text: String) throws(APIError) {
        var requirements: [Requirement] = []
        for clause in text.split(separator: ",") {
            let clause = String(clause).trimmingSpaces()
            var parsed: Requirement?
            for (op, negated) in [("!=", true), ("==", false), ("=", false)] {
                if let range = clause.range(of: op) {
                    parsed = Requirement(
                        field: String(clause[..<range.lowerBound]).trimmingSpaces(),
                        value: String(clause[range.upperBound...]).trimmingSpaces(), negated: negated)
                    break
                }
            }
            guard let requirement = parsed else {
                throw APIError.badRequest("invalid field selector \"\(text)\": expected field=value")
            }
            guard ["metadata.name", "metadata.namespace"].contains(requirement.field) else {
                throw APIError.badRequest(
                    "field label not supported: \(requirement.field)")
            }
            requirements.append(requirement)
        }
        self.requirements = requirements
    }

    func matches(_ object: JSONValue) -> Bool {
        requirements.allSatisfy { requirement in
            let path = requirement.field == "metadata.name" ? ["metadata", "name"] : ["metadata", "namespace"]
            let actual = object.value(at: path)?.stringValue ?? ""
            return (actual == requirement.value) != requirement.negated
        }
    }
}
