/// Kubernetes naming rules (DNS-1123 labels and subdomains, label keys and values).
public enum KubernetesName {
    /// DNS-1123 label: namespaces, identity names. Nil when valid.
    public static func labelProblem(_ name: String) -> String? {
        if name.isEmpty { return "must not be empty" }
        if name.count > 63 { return "must be at most 63 characters (\"\(name)\")" }
        if !isLabel(name) {
            return
                "must consist of lower case letters, digits and '-', starting and ending with a letter or digit (\"\(name)\")"
        }
        return nil
    }

    /// DNS-1123 subdomain: Secret and ServiceAccount names. Nil when valid.
    public static func subdomainProblem(_ name: String) -> String? {
        if name.isEmpty { return "must not be empty" }
        if name.count > 253 { return "must be at most 253 characters" }
        if !name.split(separator: ".", omittingEmptySubsequences: false).allSatisfy({ isLabel(String($0)) }) {
            return "must be a DNS-1123 subdomain: lower case letters, digits, '-' and '.' (\"\(name)\")"
        }
        return nil
    }

    /// Label keys: optional DNS subdomain prefix and a name of at most 63 characters.
    public static func labelKeyProblem(_ key: String) -> String? {
        let parts = key.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false)
        if parts.count == 2, subdomainProblem(String(parts[0])) != nil { return "has an invalid prefix" }
        guard let name = parts.last, !name.isEmpty, name.count <= 63, isQualifiedName(String(name)) else {
            return "must be a qualified name (letters, digits, '-', '_', '.', at most 63 characters)"
        }
        return nil
    }

    /// Label values: empty, or a qualified name of at most 63 characters.
    public static func labelValueProblem(_ value: String) -> String? {
        if value.isEmpty { return nil }
        guard value.count <= 63, isQualifiedName(value) else {
            return "must be a valid label value (letters, digits, '-', '_', '.', at most 63 characters): \"\(value)\""
        }
        return nil
    }

    private static func isLabel(_ text: String) -> Bool {
        guard let first = text.first, let last = text.last, text.count <= 63 else { return false }
        let allowed = text.allSatisfy { ($0.isASCII && ($0.isLowercase || $0.isNumber)) || $0 == "-" }
        return allowed && first != "-" && last != "-"
    }

    private static func isQualifiedName(_ text: String) -> Bool {
        guard let first = text.first, let last = text.last else { return false }
        let alnum: (Character) -> Bool = { $0.isASCII && ($0.isLetter || $0.isNumber) }
        return alnum(first) && alnum(last) && text.allSatisfy { alnum($0) || "-_.".contains($0) }
    }
}
