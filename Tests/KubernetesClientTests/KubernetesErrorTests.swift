import KubernetesClient
import KubernetesModel
import Testing

@Suite("Error matching")
struct KubernetesErrorTests {
    func error(_ code: Int, _ reason: String?, message: String = "m", causes: [StatusCause]? = nil) -> KubernetesError {
        KubernetesError(
            kind: .server, operation: "op", message: message,
            status: Status(message: message, reason: reason, details: StatusDetails(causes: causes), code: code),
            httpStatus: code)
    }

    @Test func matchesByCodeAndReason() {
        #expect(error(409, "Conflict").isConflict)
        #expect(!error(409, "AlreadyExists").isConflict)
        #expect(error(409, "AlreadyExists").isAlreadyExists)
        #expect(error(410, "Expired").isGone && error(410, "Gone").isExpired)
        #expect(error(404, "NotFound").isNotFound)
        #expect(error(422, "Invalid").isInvalid)
        #expect(error(429, "TooManyRequests").isTooManyRequests)
        #expect(error(403, "Forbidden").isForbidden)
        #expect(!error(403, "Forbidden").isNamespaceTerminating)
        #expect(error(403, "Forbidden", causes: [StatusCause(reason: "NamespaceTerminating")]).isNamespaceTerminating)
        #expect(
            error(
                403, "Forbidden", message: "unable to create new content in namespace a because it is being terminated"
            )
            .isNamespaceTerminating)
    }

    @Test func descriptionNamesOperationCodeAndReason() {
        #expect(error(404, "NotFound", message: "gone").description == "op: 404 NotFound: gone")
        let transport = KubernetesError(kind: .transport, operation: "get secrets a/b", message: "reset")
        #expect(transport.code == nil && transport.kind == .transport)
    }
}
