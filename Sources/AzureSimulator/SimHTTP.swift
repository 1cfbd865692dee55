import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// A request as the handlers see it: decoded from Hummingbird so the handlers stay plain functions.
struct SimRequest: Sendable {
    var method: String
    var path: String
    /// nil when the query string has a broken percent escape.
    var query: FormData?
    /// Header names lower-cased; repeated headers joined with ", ".
    var headers: [String: String]
    var body: [UInt8]

    func header(_ name: String) -> String? { headers[name.lowercased()] }
    func queryValue(_ name: String) -> String? { query?[name] }

    /// `Authorization: Basic` user and password, split at the first colon; nil when absent or malformed.
    var basicCredentials: (user: String, password: String)? {
        guard let value = header("authorization"), value.lowercased().hasPrefix("basic "),
            let bytes = SimBase64.decode(value.dropFirst(6).trimmingCharacters(in: .whitespaces)),
            let text = String(validating: bytes, as: UTF8.self),
            let colon = text.firstIndex(of: ":")
        else { return nil }
        return (String(text[..<colon]), String(text[text.index(after: colon)...]))
    }

    /// The bearer token of an `Authorization: Bearer` header.
    var bearerToken: String? {
        guard let value = header("authorization"), value.lowercased().hasPrefix("bearer ") else { return nil }
        return value.dropFirst(7).trimmingCharacters(in: .whitespaces)
    }

    /// The body as a form; nil when it is not valid UTF-8 form encoding.
    var form: FormData? { FormData(bytes: body) }
}

/// A response before it becomes a Hummingbird `Response`.
struct SimResponse: Sendable {
    var status: Int
    var headers: [(String, String)] = []
    var body: [UInt8] = []

    /// A JSON response (sorted keys, no escaped slashes); bodies are built from simulator data, never fail.
    static func json(_ status: Int, _ object: [String: Any], headers: [(String, String)] = []) -> SimResponse {
        let data =
            (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes]))
            ?? Data("{}".utf8)
        return SimResponse(
            status: status, headers: [("Content-Type", "application/json; charset=utf-8")] + headers, body: Array(data))
    }

    static func plain(_ status: Int, _ text: String) -> SimResponse {
        SimResponse(status: status, headers: [("Content-Type", "text/plain; charset=utf-8")], body: Array(text.utf8))
    }

    var hummingbird: Response {
        var fields = HTTPFields()
        for (name, value) in headers {
            if let field = HTTPField.Name(name) { fields.append(HTTPField(name: field, value: value)) }
        }
        return Response(
            status: HTTPResponse.Status(code: status),
            headers: fields,
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: body))
        )
    }
}
