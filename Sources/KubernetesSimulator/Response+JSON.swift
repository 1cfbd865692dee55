import Hummingbird
import NIOCore

extension Response {
    /// A JSON response.
    static func json(_ value: JSONValue, status: Int = 200, headers: HTTPFields = [:]) -> Response {
        var headers = headers
        headers[.contentType] = "application/json"
        let bytes = value.encoded() + [UInt8(ascii: "\n")]
        return Response(
            status: HTTPResponse.Status(code: status), headers: headers,
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: bytes)))
    }

    /// A Status response for a failed request, with `Retry-After` when the error carries one.
    static func failure(_ error: APIError) -> Response {
        var headers: HTTPFields = [:]
        if let retryAfter = error.retryAfterSeconds { headers[.retryAfter] = String(retryAfter) }
        return .json(error.status, status: error.code, headers: headers)
    }
}
