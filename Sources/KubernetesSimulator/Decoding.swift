import Foundation

/// What kube-apiserver refuses while decoding a body into its Go type, before any validation: 400 BadRequest,
/// "<Kind> in version "<version>" cannot be handled as a <Kind>: ...".
enum Decoding {
    /// Checks the body as the client sent it (the served form of `resource`).
    static func check(_ body: JSONValue, resource: ResourceType) throws(APIError) {
        func fail(_ detail: String) -> APIError {
            .badRequest(
                "\(resource.kind) in version \"\(resource.version)\" cannot be handled as a \(resource.kind): \(detail)"
            )
        }
        var microTimes: [[String]] = []
        switch resource.storage {
        case "secrets":
            for (_, value) in (body["data"]?.objectValue ?? [:]).sorted(by: { $0.key < $1.key }) {
                guard let text = value.stringValue else { throw fail("json: cannot unmarshal into []byte") }
                if let offset = invalidBase64Offset(text) { throw fail("illegal base64 data at input byte \(offset)") }
            }
        case "leases":
            microTimes = [["spec", "acquireTime"], ["spec", "renewTime"]]
        case "events":
            microTimes = [["eventTime"], ["series", "lastObservedTime"]]
        default:
            break
        }
        for path in microTimes {
            guard let value = body.value(at: path), value != .null else { continue }
            guard let text = value.stringValue, isMicroTime(text) else {
                throw fail(
                    "parsing time \"\(value.stringValue ?? "")\" as \"2006-01-02T15:04:05.000000Z07:00\": cannot parse")
            }
        }
    }

    /// `metav1.MicroTime` on the wire: RFC 3339 with exactly six fractional digits.
    static func isMicroTime(_ text: String) -> Bool {
        let digits = Array(text.utf8)
        func isDigit(_ index: Int) -> Bool { index < digits.count && (48...57).contains(digits[index]) }
        func at(_ index: Int, _ character: Character) -> Bool {
            index < digits.count && digits[index] == character.asciiValue
        }
        // 2006-01-02T15:04:05.000000
        let digitPositions = [0, 1, 2, 3, 5, 6, 8, 9, 11, 12, 14, 15, 17, 18] + Array(20...25)
        guard digitPositions.allSatisfy(isDigit), at(4, "-"), at(7, "-"), at(10, "T"), at(13, ":"), at(16, ":"),
            at(19, ".")
        else { return false }
        let zone = Array(digits[min(26, digits.count)...])
        if zone == Array("Z".utf8) { return true }
        guard zone.count == 6, zone[0] == UInt8(ascii: "+") || zone[0] == UInt8(ascii: "-"),
            zone[3] == UInt8(ascii: ":")
        else { return false }
        return [1, 2, 4, 5].allSatisfy { (48...57).contains(zone[$0]) }
    }

    /// Where Go's strict standard base64 decoder gives up, nil when `text` decodes.
    static func invalidBase64Offset(_ text: String) -> Int? {
        if Data(base64Encoded: text) != nil { return nil }
        let alphabet = Set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=".utf8)
        for (index, byte) in text.utf8.enumerated() where !alphabet.contains(byte) { return index }
        return max(0, text.utf8.count - 1)
    }
}
