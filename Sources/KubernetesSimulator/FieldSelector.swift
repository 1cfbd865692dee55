import Foundation

/// A parsed `fieldSelector` (= , ==, !=) over the field labels kube-apiserver supports for each kind:
/// `metadata.name` and `metadata.namespace` everywhere, plus Secret `type`, Namespace and Pod `status.phase` (and the
/// Pod `spec` fields kube-apiserver selects on), and the Event
/// fields `kubectl describe` selects on (`involvedObject.*`, or `regarding.*` through events.k8s.io).
struct FieldSelector: Sendable, Hashable {
    struct Requirement: Sendable, Hashable {
        var field: String
        var value: String
        var negated: Bool
        /// Where the field lives in the stored object (Events are stored in their core/v1 form).
        var path: [String] = []
    }

    var requirements: [Requirement]

    static let everything = FieldSelector(requirements: [])

    init(requirements: [Requirement]) {
        self.requirements = requirements.map { requirement in
            var requirement = requirement
            if requirement.path.isEmpty { requirement.path = requirement.field.split(separator: ".").map(String.init) }
            return requirement
        }
    }

    init(parsing text: String, resource: ResourceType? = nil) throws(APIError) {
        var requirements: [Requirement] = []
        let labels = Self.fieldLabels(resource)
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
            guard var requirement = parsed else {
                throw APIError.badRequest("invalid field selector \"\(text)\": expected field=value")
            }
            guard let path = labels[requirement.field] else {
                throw APIError.badRequest(
                    "field label not supported: \(requirement.field)")
            }
            requirement.path = path
            requirements.append(requirement)
        }
        self.requirements = requirements
    }

    /// Field label → path in the stored object.
    static func fieldLabels(_ resource: ResourceType?) -> [String: [String]] {
        var labels: [String: [String]] = [
            "metadata.name": ["metadata", "name"], "metadata.namespace": ["metadata", "namespace"],
        ]
        let involved = ["kind", "namespace", "name", "uid", "apiVersion", "resourceVersion", "fieldPath"]
        switch resource {
        case .some(.secrets):
            labels["type"] = ["type"]
        case .some(.namespaces):
            labels["status.phase"] = ["status", "phase"]
        case .some(.pods):
            for field in ["status.phase", "status.podIP", "status.nominatedNodeName"] {
                labels[field] = field.split(separator: ".").map(String.init)
            }
            for field in ["spec.nodeName", "spec.restartPolicy", "spec.schedulerName", "spec.serviceAccountName"] {
                labels[field] = field.split(separator: ".").map(String.init)
            }
        case .some(.events):
            for field in involved { labels["involvedObject.\(field)"] = ["involvedObject", field] }
            labels["reason"] = ["reason"]
            labels["reportingComponent"] = ["reportingComponent"]
            labels["source"] = ["source", "component"]
            labels["type"] = ["type"]
        case .some(.eventsV1):
            for field in involved { labels["regarding.\(field)"] = ["involvedObject", field] }
            labels["reason"] = ["reason"]
            labels["reportingController"] = ["reportingComponent"]
            labels["type"] = ["type"]
        default:
            break
        }
        return labels
    }

    func matches(_ object: JSONValue) -> Bool {
        requirements.allSatisfy { requirement in
            let actual = object.value(at: requirement.path)?.stringValue ?? ""
            return (actual == requirement.value) != requirement.negated
        }
    }
}
