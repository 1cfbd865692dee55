extension YAMLScalar {
    /// Whether this scalar means null (`~`, `null`, or nothing at all, written plain and untagged).
    public var isNull: Bool {
        guard tag == nil || tag == "tag:yaml.org,2002:null" else { return false }
        return style == .plain && ["", "~", "null", "Null", "NULL"].contains(value)
    }

    /// The scalar as a bool: YAML 1.2 `true`/`false`, and the YAML 1.1 words Kubernetes still reads.
    public var boolValue: Bool? {
        guard isResolvable else { return nil }
        switch value {
        case "true", "True", "TRUE", "yes", "Yes", "YES", "on", "On", "ON": return true
        case "false", "False", "FALSE", "no", "No", "NO", "off", "Off", "OFF": return false
        default: return nil
        }
    }

    /// The scalar as an integer: decimal, `0x` hex or `0o` octal, optional sign, no float syntax.
    public var intValue: Int? {
        guard isResolvable else { return nil }
        var text = Substring(value)
        var negative = false
        if let sign = text.first, sign == "+" || sign == "-" {
            negative = sign == "-"
            text = text.dropFirst()
        }
        // Digits only after the prefix: `Int(_:radix:)` would take a second sign ("-0x-8000000000000000" is
        // Int.min, whose negation traps), and YAML has none there.
        let digits = text.dropFirst(2)
        let magnitude: Int?
        if text.hasPrefix("0x"), digits.allSatisfy({ $0.isASCII && $0.isHexDigit }) {
            magnitude = Int(digits, radix: 16)
        } else if text.hasPrefix("0o"), digits.allSatisfy({ ("0"..."7").contains($0) }) {
            magnitude = Int(digits, radix: 8)
        } else if !text.isEmpty, text.allSatisfy(\.isASCII), text.allSatisfy(\.isNumber) {
            magnitude = Int(text)
        } else {
            magnitude = nil
        }
        guard let magnitude else { return nil }
        return negative ? -magnitude : magnitude
    }

    /// The scalar as a floating-point number, including `.inf`, `-.inf` and `.nan`.
    public var doubleValue: Double? {
        guard isResolvable else { return nil }
        switch value {
        case ".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF": return .infinity
        case "-.inf", "-.Inf", "-.INF": return -.infinity
        case ".nan", ".NaN", ".NAN": return .nan
        default:
            if let int = intValue { return Double(int) }
            guard value.allSatisfy({ $0.isASCII && ($0.isNumber || "+-.eE".contains($0)) }) else { return nil }
            return Double(value)
        }
    }

    /// Only plain, untagged (or core-tagged) scalars resolve to non-string types; quoted ones stay strings.
    private var isResolvable: Bool {
        guard style == .plain || style == .any else { return false }
        guard let tag else { return true }
        return tag.hasPrefix("tag:yaml.org,2002:") && tag != "tag:yaml.org,2002:str"
    }
}
