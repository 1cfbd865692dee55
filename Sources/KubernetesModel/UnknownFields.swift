/// A coding key for any string, used to read and write fields the model does not declare.
public struct AnyCodingKey: CodingKey, Hashable, Sendable {
    public var stringValue: String
    public var intValue: Int? { nil }
    public init(_ string: String) { stringValue = string }
    public init?(stringValue: String) { self.stringValue = stringValue }
    public init?(intValue: Int) { stringValue = String(intValue) }
}

extension Decoder {
    /// Every member of this object whose key is not in `known`, kept as JSON.
    func unknownFields(known: Set<String>) throws -> [String: JSONValue] {
        let container = try self.container(keyedBy: AnyCodingKey.self)
        var extra: [String: JSONValue] = [:]
        for key in container.allKeys where !known.contains(key.stringValue) {
            extra[key.stringValue] = try container.decode(JSONValue.self, forKey: key)
        }
        return extra
    }
}

extension Encoder {
    /// Writes the unknown members back, next to the declared ones.
    func encodeUnknownFields(_ extra: [String: JSONValue], known: Set<String>) throws {
        guard !extra.isEmpty else { return }
        var container = self.container(keyedBy: AnyCodingKey.self)
        // A declared field always wins over a stale copy in the bag.
        for (key, value) in extra where !known.contains(key) {
            try container.encode(value, forKey: AnyCodingKey(key))
        }
    }
}
