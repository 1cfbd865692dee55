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
    /// None of them has a list with a patch merge key (ServiceAccount `imagePullSecrets` and `secrets` are atomic),
    /// so every list is replaced whole and maps merge as in RFC 7386; `$patch` / `$retainKeys` directives are
    /// rejected rather than silently misapplied.
    func applyingStrategicMergePatch(_ patch: JSONValue) throws(JSONPatchError) -> JSONValue {
        if Self.containsDirective(patch) {
            throw JSONPatchError(reason: "strategic merge patch directives ($patch, $retainKeys...) are not supported")
        }
        return applyingMergePatch(patch)
    }

    private static func containsDirective(_ value: JSONValue) -> Bool {
        switch value {
        case .object(let members):
            if members.keys.contains(where: { $0.hasPrefix("$") }) { return true }
            return members.values.contains(where: containsDirective)
        case .array(let elements):
            return elements.contains(where: containsDirective)
        default:
            return false
        }
    }
}
