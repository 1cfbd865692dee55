import PullKeeperConfig

/// CEL source text for values known at render time (names from flags and the config), escaped so that every
/// value stays exactly one string literal whatever it contains.
enum CEL {
    /// `'text'`, with backslashes and single quotes escaped.
    static func string(_ text: String) -> String {
        "'" + text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "'", with: "\\'") + "'"
    }

    /// `['a', 'b']`; `[]` when empty.
    static func list(_ items: [String]) -> String {
        "[" + items.map(string).joined(separator: ", ") + "]"
    }

    /// `('key' in labels && ...)`: whether the map `labels` satisfies the selector, the way Kubernetes label
    /// selectors match (every term must hold; keys sorted so the text is stable).
    static func matches(_ selector: PullKeeperConfig.LabelSelector, labels: String) -> String {
        var terms = selector.matchLabels.sorted { $0.key < $1.key }.map { key, value in
            "(\(string(key)) in \(labels) && \(labels)[\(string(key))] == \(string(value)))"
        }
        for requirement in selector.matchExpressions {
            let key = string(requirement.key)
            switch requirement.operator {
            case .in: terms.append("(\(key) in \(labels) && \(labels)[\(key)] in \(list(requirement.values)))")
            case .notIn: terms.append("!(\(key) in \(labels) && \(labels)[\(key)] in \(list(requirement.values)))")
            case .exists: terms.append("\(key) in \(labels)")
            case .doesNotExist: terms.append("!(\(key) in \(labels))")
            }
        }
        // The config refuses an empty selector; were one to get here, it would match every namespace.
        return terms.isEmpty ? "true" : "(" + terms.joined(separator: " && ") + ")"
    }
}
