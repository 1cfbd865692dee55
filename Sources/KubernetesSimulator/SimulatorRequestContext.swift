import Hummingbird
import NIOCore

/// The request context: Hummingbird's core storage plus the connection, to read the TLS client certificate.
struct SimulatorRequestContext: RequestContext {
    var coreContext: CoreRequestContextStorage
    let channel: any Channel

    init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        channel = source.channel
    }
}

/// Routes every request to the simulator core.
struct SimulatorResponder: HTTPResponder {
    typealias Context = SimulatorRequestContext
    let core: SimulatorCore

    func respond(to request: Request, context: SimulatorRequestContext) async throws -> Response {
        await core.handle(request, channel: context.channel)
    }
}
