import Foundation

/// A parsed resource URL: `/api/v1/...` or `/apis/<group>/<version>/...`.
struct ResourcePath: Sendable, Hashable {
    var resource: ResourceType
    var namespace: String?
    var name: String?
    var subresource: String?

    /// Parses the path; `nil` when it is not a resource path we serve.
    init?(_ path: String) {
        var segments = path.split(separator: "/").map { String($0).removingPercentEncoding ?? String($0) }
        let group: String
        let version: String
        if segments.first == "api", segments.count >= 3 {
            group = ""
            version = segments[1]
            segments.removeFirst(2)
        } else if segments.first == "apis", segments.count >= 4 {
            group = segments[1]
            version = segments[2]
            segments.removeFirst(3)
        } else {
            return nil
        }
        func find(_ plural: String) -> ResourceType? {
            ResourceType.find(group: group, version: version, plural: plural)
        }
        // namespaces/<ns>/<namespaced resource>/... unless <ns>/<x> is a namespace subresource.
        if segments.count >= 3, segments[0] == "namespaces", let inner = find(segments[2]), inner.namespaced {
            resource = inner
            namespace = segments[1]
            segments.removeFirst(3)
        } else if let outer = find(segments[0]) {
            resource = outer
            segments.removeFirst()
        } else {
            return nil
        }
        name = segments.first
        subresource = segments.count >= 2 ? segments[1] : nil
        if segments.count > 2 { return nil }
    }
}

/// Query parameters, decoded as Go's `url.ParseQuery` does (`+` is a space).
struct QueryParameters: Sendable {
    private var values: [String: String] = [:]

    init(_ query: String) {
        for pair in query.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            func decode(_ text: Substring) -> String {
                let spaced = text.replacingOccurrences(of: "+", with: " ")
                return spaced.removingPercentEncoding ?? spaced
            }
            let key = decode(parts[0])
            if values[key] == nil { values[key] = parts.count > 1 ? decode(parts[1]) : "" }
        }
    }

    subscript(key: String) -> String? { values[key] }

    func flag(_ key: String) -> Bool {
        guard let value = values[key] else { return false }
        return value == "1" || value.lowercased() == "true"
    }

    func integer(_ key: String) throws(APIError) -> Int? {
        guard let text = values[key], !text.isEmpty else { return nil }
        guard let value = Int(text), value >= 0 else {
            throw APIError.badRequest("invalid value for \(key): \"\(text)\"")
        }
        return value
    }
}
