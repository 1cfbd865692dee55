import Foundation

/// Server-side validation, written from the Kubernetes API rules rather than from any client.
enum Validation {
    /// DNS-1123 subdomain (most object names).
    static func isDNS1123Subdomain(_ name: String) -> Bool {
        guard !name.isEmpty, name.utf8.count <= 253 else { return false }
        return name.split(separator: ".", omittingEmptySubsequences: false).allSatisfy { isLabelBody(Substring($0)) }
    }

    /// DNS-1123 label (namespace names).
    static func isDNS1123Label(_ name: String) -> Bool {
        name.utf8.count <= 63 && isLabelBody(Substring(name))
    }

    private static func isLabelBody(_ label: Substring) -> Bool {
        guard let first = label.first, let last = label.last else { return false }
        let allowed = label.allSatisfy { $0.isASCII && ($0.isLowercase || $0.isNumber || $0 == "-") }
        return allowed && first != "-" && last != "-"
    }

    static func nameCauses(_ name: String, resource: ResourceType) -> [StatusCause] {
        if resource == .namespaces {
            guard isDNS1123Label(name) else {
                return [
                    StatusCause(
                        reason: "FieldValueInvalid",
                        message: "Invalid value: \"\(name)\": a lowercase RFC 1123 label must consist of lower case "
                            + "alphanumeric characters or '-', and must start and end with an alphanumeric character",
                        field: "metadata.name")
                ]
            }
            return []
        }
        guard isDNS1123Subdomain(name) else {
            return [
                StatusCause(
                    reason: "FieldValueInvalid",
                    message: "Invalid value: \"\(name)\": a lowercase RFC 1123 subdomain must consist of lower case "
                        + "alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character",
                    field: "metadata.name")
            ]
        }
        return []
    }

    /// Labels and annotations must be maps of strings.
    static func metadataCauses(_ object: JSONValue) -> [StatusCause] {
        var causes: [StatusCause] = []
        for field in ["labels", "annotations"] {
            guard let value = object.value(at: ["metadata", field]), value != .null else { continue }
            guard let members = value.objectValue, members.values.allSatisfy({ $0.stringValue != nil }) else {
                causes.append(
                    StatusCause(
                        reason: "FieldValueInvalid", message: "Invalid value: must be a map of strings",
                        field: "metadata.\(field)"))
                continue
            }
        }
        return causes
    }

    /// Secret rules: base64 data, the dockerconfigjson key and its JSON.
    static func secretCauses(_ secret: JSONValue) -> [StatusCause] {
        var causes: [StatusCause] = []
        let data = secret["data"]?.objectValue ?? [:]
        for (key, value) in data.sorted(by: { $0.key < $1.key }) {
            guard let text = value.stringValue, Data(base64Encoded: text) != nil else {
                causes.append(
                    StatusCause(
                        reason: "FieldValueInvalid", message: "Invalid value: illegal base64 data",
                        field: "data[\(key)]"))
                continue
            }
        }
        let type = secret["type"]?.stringValue ?? "Opaque"
        let dockerKeys = [
            "kubernetes.io/dockerconfigjson": ".dockerconfigjson", "kubernetes.io/dockercfg": ".dockercfg",
        ]
        if let key = dockerKeys[type] {
            if let encoded = data[key]?.stringValue, let bytes = Data(base64Encoded: encoded) {
                let parsed = try? JSONValue.parse(bytes)
                if parsed?.isObject != true {
                    causes.append(
                        StatusCause(
                            reason: "FieldValueInvalid",
                            message: "Invalid value: \"<secret contents redacted>\": "
                                + "invalid JSON", field: "data[\(key)]"))
                }
            } else if data[key] == nil {
                causes.append(
                    StatusCause(
                        reason: "FieldValueRequired", message: "Required value", field: "data[\(key)]"))
            }
        }
        return causes
    }

    /// events.k8s.io/v1 required fields (written through that API only).
    static func eventsV1Causes(_ event: JSONValue) -> [StatusCause] {
        ["eventTime", "reportingController", "reportingInstance", "action", "reason"].compactMap { field in
            let value = event[field]
            if value == nil || value == .null || value == .string("") {
                return StatusCause(reason: "FieldValueRequired", message: "Required value", field: field)
            }
            return nil
        }
    }

    /// core/v1 Event: its namespace must be the involved object's namespace when that is set.
    static func coreEventCauses(_ event: JSONValue) -> [StatusCause] {
        let namespace = event.value(at: ["metadata", "namespace"])?.stringValue ?? ""
        if let involved = event.value(at: ["involvedObject", "namespace"])?.stringValue, !involved.isEmpty,
            involved != namespace
        {
            return [
                StatusCause(
                    reason: "FieldValueInvalid",
                    message: "Invalid value: \"\(involved)\": does not match event.namespace",
                    field: "involvedObject.namespace")
            ]
        }
        return []
    }
}
