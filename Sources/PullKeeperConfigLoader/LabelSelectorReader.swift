import PullKeeperConfig
import YAML

/// Reads `matchLabels` / `matchExpressions` the way Kubernetes validates them.
enum LabelSelectorReader {
    static func read(_ fields: [String: YAMLNode], path: String, reader: inout ConfigReader) -> LabelSelector {
        var selector = LabelSelector()
        if let node = fields["matchLabels"], let labels = reader.stringMap(node, "\(path).matchLabels") {
            for (key, value) in labels.sorted(by: { $0.key < $1.key }) {
                if let problem = KubernetesName.labelKeyProblem(key) {
                    reader.report(node, "\(path).matchLabels", "label key \"\(key)\" \(problem)")
                } else if let problem = KubernetesName.labelValueProblem(value) {
                    reader.report(node, "\(path).matchLabels.\(key)", problem)
                } else {
                    selector.matchLabels[key] = value
                }
            }
        }
        if let node = fields["matchExpressions"] {
            guard let items = node.sequence else {
                reader.report(node, "\(path).matchExpressions", "must be a list, found \(node.kindDescription)")
                return selector
            }
            for (index, item) in items.enumerated() {
                let itemPath = "\(path).matchExpressions[\(index)]"
                guard let expression = reader.mapping(item, itemPath, allowed: ["key", "operator", "values"]) else {
                    continue
                }
                guard let keyNode = expression["key"], let key = reader.nonEmptyString(keyNode, "\(itemPath).key"),
                    let operatorNode = expression["operator"],
                    let text = reader.string(operatorNode, "\(itemPath).operator")
                else {
                    if expression["key"] == nil || expression["operator"] == nil {
                        reader.report(item, itemPath, "needs key and operator")
                    }
                    continue
                }
                guard let op = LabelSelector.Requirement.Operator(rawValue: text) else {
                    reader.report(
                        operatorNode, "\(itemPath).operator",
                        "must be In, NotIn, Exists or DoesNotExist, found \"\(text)\"")
                    continue
                }
                let values =
                    expression["values"].flatMap { reader.stringList($0, "\(itemPath).values") }?.map(\.0) ?? []
                let needsValues = op == .in || op == .notIn
                if needsValues && values.isEmpty {
                    reader.report(item, "\(itemPath).values", "must not be empty for \(text)")
                } else if !needsValues && !values.isEmpty {
                    reader.report(expression["values"], "\(itemPath).values", "must be empty for \(text)")
                }
                selector.matchExpressions.append(.init(key: key, operator: op, values: values))
            }
        }
        return selector
    }
}
