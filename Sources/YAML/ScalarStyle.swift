internal import CLibYAML

/// Chooses how a scalar is written so that YAML 1.1 readers (Kubernetes, PyYAML) and YAML 1.2 readers read back
/// exactly the string that was meant.
enum ScalarStyle {
    static func choose(for scalar: YAMLScalar) -> yaml_scalar_style_t {
        switch scalar.style {
        case .plain: return YAML_PLAIN_SCALAR_STYLE
        case .singleQuoted: return YAML_SINGLE_QUOTED_SCALAR_STYLE
        case .doubleQuoted: return YAML_DOUBLE_QUOTED_SCALAR_STYLE
        case .literal: return YAML_LITERAL_SCALAR_STYLE
        case .folded: return YAML_FOLDED_SCALAR_STYLE
        case .any:
            if scalar.value.contains("\n") { return YAML_LITERAL_SCALAR_STYLE }
            return needsQuotes(scalar.value) ? YAML_DOUBLE_QUOTED_SCALAR_STYLE : YAML_PLAIN_SCALAR_STYLE
        }
    }

    /// True when a plain scalar with this text would not read back as this string in YAML 1.1 or 1.2.
    static func needsQuotes(_ text: String) -> Bool {
        guard let first = text.unicodeScalars.first, let last = text.unicodeScalars.last else { return true }
        if resolvesToNonString(text) { return true }
        if indicators.contains(first) { return true }
        if first.properties.isWhitespace || last.properties.isWhitespace { return true }
        if text.contains(": ") || text.contains(" #") || text.hasSuffix(":") { return true }
        // Control characters, tabs and the like only survive in double quotes.
        if text.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F || $0.value == 0xFEFF }) {
            return true
        }
        return false
    }

    /// Characters that cannot start a plain scalar, or that change its meaning there.
    private static let indicators: Set<Unicode.Scalar> = [
        "-", "?", ":", ",", "[", "]", "{", "}", "#", "&", "*", "!", "|", ">", "'", "\"", "%", "@", "`",
    ]

    /// Null, booleans of both YAML versions, and the merge / value keys.
    private static let reservedWords: Set<String> = [
        "", "~", "null", "Null", "NULL",
        "y", "Y", "yes", "Yes", "YES", "n", "N", "no", "No", "NO",
        "true", "True", "TRUE", "false", "False", "FALSE",
        "on", "On", "ON", "off", "Off", "OFF",
        "<<", "=",
    ]

    /// Whether a plain scalar would resolve to null, a bool, a number or a timestamp under YAML 1.1 or 1.2.
    ///
    /// Deliberately broad: anything that starts like a number (`0123`, `1e3`, `0x1F`, `2026-01-01`, `1:20`, `.5`)
    /// is quoted. Over-quoting costs two characters; under-quoting turns a string into an int in Kubernetes.
    static func resolvesToNonString(_ text: String) -> Bool {
        if reservedWords.contains(text) { return true }
        var scalars = Substring(text).unicodeScalars[...]
        if let sign = scalars.first, sign == "+" || sign == "-" { scalars = scalars.dropFirst() }
        guard let first = scalars.first else { return false }
        if ("0"..."9").contains(first) { return true }
        if first == "." {
            let rest = String(String.UnicodeScalarView(scalars.dropFirst()))
            if let digit = rest.unicodeScalars.first, ("0"..."9").contains(digit) { return true }
            if ["inf", "Inf", "INF", "nan", "NaN", "NAN"].contains(rest) { return true }
        }
        return false
    }
}
