import Synchronization

/// Names of objects per namespace, kept from an informer's change stream, so gathering one namespace never scans
/// the whole cache (10,000 namespaces would make every pass O(N)).
final class NamespaceIndex: Sendable {
    private let names = Mutex<[String: Set<String>]>([:])

    func insert(namespace: String, name: String) {
        names.withLock { _ = $0[namespace, default: []].insert(name) }
    }

    func remove(namespace: String, name: String) {
        names.withLock { names in
            names[namespace]?.remove(name)
            if names[namespace]?.isEmpty == true { names[namespace] = nil }
        }
    }

    func names(in namespace: String) -> [String] {
        names.withLock { ($0[namespace] ?? []).sorted() }
    }
}
