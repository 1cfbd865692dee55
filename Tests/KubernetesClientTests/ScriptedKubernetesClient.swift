import KubernetesClient
import KubernetesModel
import PullKeeperCore
import Synchronization
import Testing

/// A test double that answers list and watch calls from scripts, records the calls, and fails loudly on any
/// call a test did not expect.
final class ScriptedKubernetesClient: KubernetesClient {
    enum WatchEnd: Sendable {
        case close
        case gone
        case transportError
        /// Never ends by itself (until the watch is cancelled).
        case stall
    }

    struct WatchScript: Sendable {
        var events: [WatchEvent<Namespace>]
        var end: WatchEnd
    }

    struct Recorded: Sendable {
        var lists: [ListOptions] = []
        var watches: [WatchOptions] = []
    }

    private let pages: Mutex<[KubernetesList<Namespace>]>
    private let watchScripts: Mutex<[WatchScript]>
    let recorded = Mutex(Recorded())

    init(pages: [KubernetesList<Namespace>], watches: [WatchScript]) {
        self.pages = Mutex(pages)
        self.watchScripts = Mutex(watches)
    }

    func unexpected(_ call: String) -> KubernetesError {
        Issue.record("unexpected call: \(call)")
        return KubernetesError(kind: .configuration, operation: call, message: "unexpected call")
    }

    func list<R: KubernetesResource>(
        _ type: R.Type, namespace: String?, options: ListOptions
    ) async throws -> KubernetesList<R> {
        recorded.withLock { $0.lists.append(options) }
        guard let page = pages.withLock({ $0.isEmpty ? nil : $0.removeFirst() }) else { throw unexpected("list") }
        guard let typed = page as? KubernetesList<R> else { throw unexpected("list \(R.plural)") }
        return typed
    }

    func watch<R: KubernetesResource>(
        _ type: R.Type, namespace: String?, options: WatchOptions
    ) async throws -> WatchStream<R> {
        recorded.withLock { $0.watches.append(options) }
        let script = watchScripts.withLock { $0.isEmpty ? WatchScript(events: [], end: .stall) : $0.removeFirst() }
        let (stream, continuation) = AsyncThrowingStream<WatchEvent<R>, any Error>.makeStream()
        for event in script.events {
            guard let typed = event as? WatchEvent<R> else { throw unexpected("watch \(R.plural)") }
            continuation.yield(typed)
        }
        switch script.end {
        case .close: continuation.finish()
        case .gone:
            continuation.finish(
                throwing: KubernetesError(
                    kind: .server, operation: "watch", message: "too old resource version",
                    status: Status(reason: "Expired", code: 410), httpStatus: 410))
        case .transportError:
            continuation.finish(throwing: KubernetesError(kind: .transport, operation: "watch", message: "reset"))
        case .stall: break
        }
        return WatchStream(stream)
    }

    func get<R: KubernetesResource>(_ type: R.Type, name: String, namespace: String?) async throws -> R {
        throw unexpected("get")
    }
    func create<R: KubernetesResource>(_ object: R) async throws -> R { throw unexpected("create") }
    func update<R: KubernetesResource>(_ object: R) async throws -> R { throw unexpected("update") }
    func patch<R: KubernetesResource>(
        _ type: R.Type, name: String, namespace: String?, patch: KubernetesPatch
    ) async throws -> R { throw unexpected("patch") }
    func delete<R: KubernetesResource>(
        _ type: R.Type, name: String, namespace: String?, options: DeleteOptions
    ) async throws { throw unexpected("delete") }
}

func namespace(_ name: String, rv: String, labels: [String: String]? = nil) -> Namespace {
    Namespace(metadata: ObjectMeta(name: name, labels: labels, resourceVersion: rv))
}

func page(_ items: [Namespace], rv: String, continue token: String? = nil) -> KubernetesList<Namespace> {
    KubernetesList(metadata: ListMeta(resourceVersion: rv, continue: token), items: items)
}

/// Polls `condition` until it holds; fails the test after `limit` (a safety net, not a timing assertion).
func eventually(
    _ what: String, limit: Duration = .seconds(20), _ condition: @Sendable () -> Bool
) async throws {
    let deadline = ContinuousClock.now + limit
    while !condition() {
        guard ContinuousClock.now < deadline else {
            Issue.record("timed out waiting for \(what)")
            throw CancellationError()
        }
        try await Task.sleep(for: .milliseconds(5))
    }
}
