import Foundation

/// Reads the protobuf request bodies that kubectl 1.32 and later send for built-in kinds
/// (`kubectl create namespace | secret | serviceaccount`) into the JSON the handlers take.
///
/// The wire format is the API server's: the magic `k8s\0`, then a `runtime.Unknown` whose `raw` field holds the
/// object as generated from `k8s.io/api/core/v1/generated.proto`. Only the kinds and fields a create of those
/// kinds carries are known; other kinds stay 415 as before. Empty strings and zero numbers are dropped as Go's
/// `omitempty` would drop them from JSON (gogo-protobuf writes every non-pointer field).
enum ProtobufBody {
    static let magic: [UInt8] = [0x6B, 0x38, 0x73, 0x00]

    /// The object as JSON; 415 for kinds it cannot read, 400 for malformed input.
    static func decode(_ bytes: [UInt8], contentType: String) throws(APIError) -> JSONValue {
        guard bytes.starts(with: magic) else {
            throw APIError.badRequest("the protobuf body does not start with the k8s envelope")
        }
        var apiVersion = ""
        var kind = ""
        var raw: [UInt8] = []
        var reader = ProtoReader(Array(bytes.dropFirst(magic.count)))
        while let (field, value) = try reader.next() {
            switch (field, value) {
            case (1, .bytes(let typeMeta)):
                var meta = ProtoReader(typeMeta)
                while let (metaField, metaValue) = try meta.next() {
                    if case .bytes(let text) = metaValue, metaField == 1 {
                        apiVersion = String(decoding: text, as: UTF8.self)
                    }
                    if case .bytes(let text) = metaValue, metaField == 2 {
                        kind = String(decoding: text, as: UTF8.self)
                    }
                }
            case (2, .bytes(let object)): raw = object
            default: continue  // contentEncoding, contentType: always empty for these kinds
            }
        }
        guard apiVersion == "v1", let schema = schemas[kind] else { throw APIError.unsupportedMediaType(contentType) }
        var object = try schema.decode(raw).objectValue ?? [:]
        object["apiVersion"] = .string(apiVersion)
        object["kind"] = .string(kind)
        return .object(object)
    }

    /// The top-level kinds, by `kind`.
    static let schemas: [String: ProtoSchema] = [
        "Namespace": ProtoSchema([
            1: ("metadata", .message(objectMeta)),
            2: ("spec", .message(ProtoSchema([1: ("finalizers", .repeated(.string))]))),
            3: ("status", .message(ProtoSchema([1: ("phase", .string)]))),
        ]),
        "Secret": ProtoSchema([
            1: ("metadata", .message(objectMeta)), 2: ("data", .map(.bytes)), 3: ("type", .string),
            4: ("stringData", .map(.string)), 5: ("immutable", .bool),
        ]),
        "ServiceAccount": ProtoSchema([
            1: ("metadata", .message(objectMeta)), 2: ("secrets", .repeated(.message(objectReference))),
            3: ("imagePullSecrets", .repeated(.message(ProtoSchema([1: ("name", .string)])))),
            4: ("automountServiceAccountToken", .bool),
        ]),
    ]

    static let objectMeta = ProtoSchema([
        1: ("name", .string), 2: ("generateName", .string), 3: ("namespace", .string), 5: ("uid", .string),
        6: ("resourceVersion", .string), 7: ("generation", .integer), 11: ("labels", .map(.string)),
        12: ("annotations", .map(.string)), 13: ("ownerReferences", .repeated(.message(ownerReference))),
        14: ("finalizers", .repeated(.string)),
    ])

    static let ownerReference = ProtoSchema([
        1: ("kind", .string), 3: ("name", .string), 4: ("uid", .string), 5: ("apiVersion", .string),
        6: ("controller", .bool), 7: ("blockOwnerDeletion", .bool),
    ])

    static let objectReference = ProtoSchema([
        1: ("kind", .string), 2: ("namespace", .string), 3: ("name", .string), 4: ("uid", .string),
        5: ("apiVersion", .string), 6: ("resourceVersion", .string), 7: ("fieldPath", .string),
    ])
}

/// How to read one message: field number → JSON name and type. Unknown fields are skipped.
struct ProtoSchema: Sendable {
    indirect enum FieldType: Sendable {
        case string
        /// Base64 in JSON, as `Secret.data`.
        case bytes
        case bool
        case integer
        case message(ProtoSchema)
        case repeated(FieldType)
        /// `map<string, T>`: repeated entries with key 1 and value 2.
        case map(FieldType)
    }

    let fields: [Int: (name: String, type: FieldType)]

    init(_ fields: [Int: (name: String, type: FieldType)]) { self.fields = fields }

    func decode(_ bytes: [UInt8]) throws(APIError) -> JSONValue {
        var object: [String: JSONValue] = [:]
        var reader = ProtoReader(bytes)
        while let (number, wire) = try reader.next() {
            guard let (name, type) = fields[number] else { continue }
            switch type {
            case .repeated(let element):
                guard let value = try Self.value(wire, element) else { continue }
                object[name] = .array((object[name]?.arrayValue ?? []) + [value])
            case .map(let valueType):
                guard case .bytes(let entry) = wire else { throw ProtoReader.malformed }
                var key = ""
                var value: JSONValue = ""
                var entryReader = ProtoReader(entry)
                while let (entryField, entryWire) = try entryReader.next() {
                    if entryField == 1, case .bytes(let text) = entryWire {
                        key = String(decoding: text, as: UTF8.self)
                    }
                    if entryField == 2 { value = try Self.value(entryWire, valueType, keepEmpty: true) ?? value }
                }
                var map = object[name]?.objectValue ?? [:]
                map[key] = value
                object[name] = .object(map)
            default:
                if let value = try Self.value(wire, type) { object[name] = value }
            }
        }
        return .object(object)
    }

    /// One field's JSON value; nil for the zero values `omitempty` leaves out.
    static func value(
        _ wire: ProtoReader.Wire, _ type: FieldType, keepEmpty: Bool = false
    ) throws(APIError)
        -> JSONValue?
    {
        switch (type, wire) {
        case (.string, .bytes(let text)):
            return text.isEmpty && !keepEmpty ? nil : .string(String(decoding: text, as: UTF8.self))
        case (.bytes, .bytes(let data)):
            return .string(Data(data).base64EncodedString())
        case (.bool, .varint(let number)):
            return .bool(number != 0)
        case (.integer, .varint(let number)):
            return number == 0 ? nil : .number(Double(Int64(bitPattern: number)))
        case (.message(let schema), .bytes(let data)):
            let object = try schema.decode(data)
            return object.objectValue?.isEmpty == true ? nil : object
        default:
            throw ProtoReader.malformed
        }
    }
}

/// Protobuf wire-format fields, bounds-checked: bad input is a 400, never a crash.
struct ProtoReader {
    enum Wire {
        case varint(UInt64)
        case bytes([UInt8])
        case fixed
    }

    static let malformed = APIError.badRequest("the protobuf body is malformed")

    private let bytes: [UInt8]
    private var index = 0

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    /// The next field number and value, nil at the end.
    mutating func next() throws(APIError) -> (Int, Wire)? {
        guard index < bytes.count else { return nil }
        let key = try varint()
        let number = Int(truncatingIfNeeded: key >> 3)
        guard number > 0 else { throw Self.malformed }
        switch key & 7 {
        case 0: return (number, .varint(try varint()))
        case 1: return (number, try skip(8))
        case 2:
            let length = try varint()
            guard length <= UInt64(bytes.count - index) else { throw Self.malformed }
            let start = index
            index += Int(length)
            return (number, .bytes(Array(bytes[start..<index])))
        case 5: return (number, try skip(4))
        default: throw Self.malformed  // groups are not used by Kubernetes
        }
    }

    private mutating func skip(_ count: Int) throws(APIError) -> Wire {
        guard bytes.count - index >= count else { throw Self.malformed }
        index += count
        return .fixed
    }

    private mutating func varint() throws(APIError) -> UInt64 {
        var result: UInt64 = 0
        for shift in stride(from: 0, to: 64, by: 7) {
            guard index < bytes.count else { throw Self.malformed }
            let byte = bytes[index]
            index += 1
            result |= UInt64(byte & 0x7F) << UInt64(shift)
            if byte < 0x80 { return result }
        }
        throw Self.malformed
    }
}
