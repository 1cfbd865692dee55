/// A request the simulator refused, with the Kubernetes `Status` it would have answered.
public struct KubernetesSimulatorError: Error, Sendable, CustomStringConvertible {
    /// HTTP status code (404, 409, 422...).
    public let code: Int
    /// Status `reason` (`NotFound`, `Conflict`, `Invalid`...).
    public let reason: String
    /// Status `message`.
    public let message: String
    /// The whole Status object.
    public let status: JSONValue

    init(_ error: APIError) {
        code = error.code
        reason = error.reason
        message = error.message
        status = error.status
    }

    public var description: String { "\(code) \(reason): \(message)" }
}
