/// Both Event APIs read the same stored objects (core/v1 form); events.k8s.io/v1 renames some fields.
enum EventConversion {
    /// events.k8s.io/v1 field → core/v1 field.
    static let renames: [(String, String)] = [
        ("regarding", "involvedObject"), ("note", "message"), ("reportingController", "reportingComponent"),
        ("deprecatedSource", "source"), ("deprecatedFirstTimestamp", "firstTimestamp"),
        ("deprecatedLastTimestamp", "lastTimestamp"), ("deprecatedCount", "count"),
    ]

    static func toStorage(_ object: JSONValue) -> JSONValue {
        guard case .object(var members) = object else { return object }
        for (v1, core) in renames {
            if let value = members.removeValue(forKey: v1) { members[core] = value }
        }
        members["apiVersion"] = "v1"
        return .object(members)
    }

    static func toEventsV1(_ object: JSONValue) -> JSONValue {
        guard case .object(var members) = object else { return object }
        for (v1, core) in renames {
            if let value = members.removeValue(forKey: core) { members[v1] = value }
        }
        members["apiVersion"] = "events.k8s.io/v1"
        return .object(members)
    }
}

extension ResourceType {
    /// The object as this API serves it.
    func view(_ stored: JSONValue) -> JSONValue {
        self == .eventsV1 ? EventConversion.toEventsV1(stored) : stored
    }

    /// The object as the store keeps it.
    func storageForm(_ object: JSONValue) -> JSONValue {
        self == .eventsV1 ? EventConversion.toStorage(object) : object
    }
}
