extension JSONValue {
    /// Applies an RFC 7386 merge patch: objects merge recursively, `null` deletes, anything else replaces.
    public func applyingMergePatch(_ patch: JSONValue) -> JSONValue {
        guard case .object(let patchMembers) = patch else { return patch }
        var result = objectValue ?? [:]
        for (key, value) in patchMembers {
            if value == .null {
                result[key] = nil
            } else {
                result[key] = (result[key] ?? .null).applyingMergePatch(value)
            }
        }
        return .object(result)
    }

    /// Applies a strategic merge patch for the kinds this simulator serves.
    ///
    /// None of them has a list with a patch merge key that clients patch (ServiceAccount `imagePullSecrets` is
    /// atomic), so lists are replaced whole and maps merge as in RFC 7386. `$setElementOrder` and `$retainKeys`
    /// (sent by `kubectl apply`) are ignored, `$patch: replace|delete` on maps is honoured, other directives are
    /// refused rather than silently misapplied.
    func applyingStrategicMergePatch(_ patch: JSONValue) throws(JSONPatchError) -> JSONValue {
        try Self.strategicMerge(self, patch) ?? .object([:])
    }

    private static func strategicMerge(
        _ target: JSONValue?, _ patch: JSONValue
    ) throws(JSONPatchError)
        -> JSONValue?
    {
        guard case .object(var members) = patch else { return patch }
        if let directive = members.removeValue(forKey: "$patch") {
            switch directive.stringValue {
            case "replace": return try strategicMerge(nil, .object(members))
            case "delete": return nil
            case "merge": break
            default: throw JSONPatchError(reason: "unknown $patch directive")
            }
        }
        members = members.filter { !$0.key.hasPrefix("$setElementOrder/") && $0.key != "$retainKeys" }
        if let key = members.keys.first(where: { $0.hasPrefix("$") }) {
            throw JSONPatchError(reason: "strategic merge patch directive \(key) is not supported")
        }
        var result = target?.objectValue ?? [:]
        for (key, value) in members {
            result[key] = value == .null ? nil : try strategicMerge(result[key], value)
        }
        return .object(result)
    }
}
