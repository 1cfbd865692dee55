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

    /// Labels and annotations must be maps of strings; label keys and values, and annotation keys, follow
    /// `IsQualifiedName` and `IsValidLabelValue`; annotations total at most 256 KiB.
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
            var size = 0
            for (key, value) in members.sorted(by: { $0.key < $1.key }) {
                let text = value.stringValue ?? ""
                size += key.utf8.count + text.utf8.count
                let checkedKey = field == "annotations" ? key.lowercased() : key
                if let problem = qualifiedNameProblem(checkedKey) {
                    causes.append(
                        StatusCause(
                            reason: "FieldValueInvalid", message: "Invalid value: \"\(key)\": \(problem)",
                            field: "metadata.\(field)"))
                }
                if field == "labels", !isLabelValue(text) {
                    causes.append(
                        StatusCause(
                            reason: "FieldValueInvalid",
                            message: "Invalid value: \"\(text)\": a valid label must be an empty string or consist of "
                                + "alphanumeric characters, '-', '_' or '.', and must start and end with an "
                                + "alphanumeric character", field: "metadata.labels"))
                }
            }
            if field == "annotations", size > 256 * 1024 {
                causes.append(
                    StatusCause(
                        reason: "FieldValueTooLong", message: "Too long: must have at most 262144 bytes",
                        field: "metadata.annotations"))
            }
        }
        return causes
    }

    /// `[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?`, at most `limit` bytes (empty allowed when `allowEmpty`).
    static func isNamePart(_ text: String, limit: Int = 63, allowEmpty: Bool = false) -> Bool {
        if text.isEmpty { return allowEmpty }
        guard text.utf8.count <= limit, let first = text.unicodeScalars.first, let last = text.unicodeScalars.last
        else { return false }
        func alphanumeric(_ c: Unicode.Scalar) -> Bool {
            ("a"..."z").contains(c) || ("A"..."Z").contains(c) || ("0"..."9").contains(c)
        }
        return alphanumeric(first) && alphanumeric(last)
            && text.unicodeScalars.allSatisfy { alphanumeric($0) || $0 == "-" || $0 == "_" || $0 == "." }
    }

    /// A label value: empty, or a name part of at most 63 characters.
    static func isLabelValue(_ text: String) -> Bool { isNamePart(text, allowEmpty: true) }

    /// Why `key` is not a qualified name (`[prefix/]name`, prefix a DNS subdomain), nil when it is one.
    static func qualifiedNameProblem(_ key: String) -> String? {
        let parts = key.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        let namePart: String
        switch parts.count {
        case 1:
            namePart = parts[0]
        case 2:
            if parts[0].isEmpty { return "prefix part must be non-empty" }
            if !isDNS1123Subdomain(parts[0]) {
                return "prefix part a lowercase RFC 1123 subdomain must consist of lower case alphanumeric "
                    + "characters, '-' or '.', and must start and end with an alphanumeric character"
            }
            namePart = parts[1]
        default:
            return "a qualified name must consist of alphanumeric characters, '-', '_' or '.', and must start and "
                + "end with an alphanumeric character with an optional DNS subdomain prefix and '/'"
        }
        if namePart.isEmpty { return "name part must be non-empty" }
        if namePart.utf8.count > 63 { return "name part must be no more than 63 characters" }
        if !isNamePart(namePart) {
            return "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with "
                + "an alphanumeric character"
        }
        return nil
    }

    /// Secret rules: base64 data, the dockerconfigjson key and its JSON.
    static func secretCauses(_ secret: JSONValue) -> [StatusCause] {
        var causes: [StatusCause] = []
        let data = secret["data"]?.objectValue ?? [:]
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

    /// kube-apiserver's `legacyValidateEvent`, which every Event write passes (`reportingField` names the field as
    /// the request's API calls it). `event` is in the stored (core/v1) form.
    static func legacyEventCauses(_ event: JSONValue, reportingField: String) -> [StatusCause] {
        func text(_ path: String...) -> String { event.value(at: path)?.stringValue ?? "" }
        let namespace = text("metadata", "namespace")
        let involvedNamespace = text("involvedObject", "namespace")
        let mismatch = StatusCause(
            reason: "FieldValueInvalid",
            message: "Invalid value: \"\(involvedNamespace)\": does not match event.namespace",
            field: "involvedObject.namespace")
        var causes: [StatusCause] = []
        if text("eventTime").isEmpty {
            // An old-style Event: a cluster-scoped object's Events live in "" or default, others in its namespace.
            if involvedNamespace.isEmpty {
                if !namespace.isEmpty && namespace != "default" { causes.append(mismatch) }
            } else if namespace != involvedNamespace {
                causes.append(mismatch)
            }
        } else {
            if involvedNamespace.isEmpty && namespace != "default" && namespace != "kube-system" {
                causes.append(mismatch)
            }
            for (field, path) in [
                (reportingField, "reportingComponent"), ("reportingInstance", "reportingInstance"),
                ("action", "action"), ("reason", "reason"),
            ] where text(path).isEmpty {
                causes.append(StatusCause(reason: "FieldValueRequired", message: "Required value", field: field))
            }
        }
        return causes
    }

    /// core/v1 Events: the legacy rules only.
    static func coreEventCauses(_ event: JSONValue) -> [StatusCause] {
        legacyEventCauses(event, reportingField: "reportingComponent")
    }

    /// events.k8s.io/v1 (`ValidateEventCreate` / `ValidateEventUpdate` for that API): the legacy rules, then on
    /// create the required fields and the deprecated ones that must stay unset, on update the immutable fields;
    /// a `series` (new or changed) counts at least 2. `event` and `previous` are in the stored (core/v1) form;
    /// field names in the causes are the internal (core) ones, as kube-apiserver reports them.
    static func eventsV1Causes(_ event: JSONValue, previous: JSONValue?) -> [StatusCause] {
        var causes = legacyEventCauses(event, reportingField: "reportingController")
        func value(_ path: String...) -> JSONValue? {
            let found = event.value(at: path)
            return found == .null ? nil : found
        }
        func invalid(_ field: String, _ message: String) -> StatusCause {
            StatusCause(reason: "FieldValueInvalid", message: "Invalid value: \"\": \(message)", field: field)
        }
        if let series = value("series"), series != previous?["series"] {
            if (series["count"]?.intValue ?? 0) < 2 { causes.append(invalid("series.count", "should be at least 2")) }
            if (series["lastObservedTime"]?.stringValue ?? "").isEmpty {
                causes.append(
                    StatusCause(
                        reason: "FieldValueRequired", message: "Required value", field: "series.lastObservedTime"))
            }
        }
        guard let previous else {
            if value("eventTime") == nil {
                causes.append(StatusCause(reason: "FieldValueRequired", message: "Required value", field: "eventTime"))
            }
            let type = value("type")?.stringValue ?? ""
            if type != "Normal" && type != "Warning" {
                causes.append(invalid("type", "has invalid value: \(type)"))
            }
            if value("firstTimestamp") != nil {
                causes.append(invalid("deprecatedFirstTimestamp", "needs to be unset"))
            }
            if value("lastTimestamp") != nil { causes.append(invalid("deprecatedLastTimestamp", "needs to be unset")) }
            if (value("count")?.intValue ?? 0) != 0 { causes.append(invalid("deprecatedCount", "needs to be unset")) }
            let source = value("source")?.objectValue ?? [:]
            if !(source["component"]?.stringValue ?? "").isEmpty || !(source["host"]?.stringValue ?? "").isEmpty {
                causes.append(invalid("deprecatedSource", "needs to be unset"))
            }
            return causes
        }
        // ValidateEventUpdate's order (reason is checked twice there, so it is reported twice).
        let immutable = [
            "involvedObject", "reason", "message", "source", "firstTimestamp", "lastTimestamp", "count", "reason",
            "type", "eventTime", "action", "related", "reportingComponent", "reportingInstance",
        ]
        for field in immutable {
            let old = previous[field] == .null ? nil : previous[field]
            let new = event[field] == .null ? nil : event[field]
            if old != new && !(Self.isEmptyObject(old) && Self.isEmptyObject(new)) {
                let shown = new?.stringValue ?? new.map { String(decoding: $0.encoded(), as: UTF8.self) } ?? ""
                causes.append(
                    StatusCause(
                        reason: "FieldValueInvalid", message: "Invalid value: \"\(shown)\": field is immutable",
                        field: field == "reportingComponent" ? "reportingController" : field))
            }
        }
        return causes
    }

    private static func isEmptyObject(_ value: JSONValue?) -> Bool {
        guard let value else { return true }
        return value.objectValue?.isEmpty == true
    }

    /// coordination.k8s.io/v1 Lease: a positive duration, transitions not negative.
    static func leaseCauses(_ lease: JSONValue) -> [StatusCause] {
        var causes: [StatusCause] = []
        if let duration = lease.value(at: ["spec", "leaseDurationSeconds"])?.intValue, duration <= 0 {
            causes.append(
                StatusCause(
                    reason: "FieldValueInvalid", message: "Invalid value: \(duration): must be greater than 0",
                    field: "spec.leaseDurationSeconds"))
        }
        if let transitions = lease.value(at: ["spec", "leaseTransitions"])?.intValue, transitions < 0 {
            causes.append(
                StatusCause(
                    reason: "FieldValueInvalid",
                    message: "Invalid value: \(transitions): must be greater than or equal to 0",
                    field: "spec.leaseTransitions"))
        }
        return causes
    }
}

extension Validation {
    /// core/v1 Pod, as far as a pod that no kubelet runs needs: at least one container, each named, with an image.
    static func podCauses(_ pod: JSONValue) -> [StatusCause] {
        let containers = pod.value(at: ["spec", "containers"])?.arrayValue ?? []
        if containers.isEmpty {
            return [StatusCause(reason: "FieldValueRequired", message: "Required value", field: "spec.containers")]
        }
        var causes: [StatusCause] = []
        for (index, container) in containers.enumerated() {
            for field in ["name", "image"] where (container[field]?.stringValue ?? "").isEmpty {
                causes.append(
                    StatusCause(
                        reason: "FieldValueRequired", message: "Required value",
                        field: "spec.containers[\(index)].\(field)"))
            }
        }
        return causes
    }
}
