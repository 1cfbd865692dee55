import Foundation

/// A page of a list: items in the served form, the list's revision and the continue token for the next page.
struct ListPage: Sendable {
    var items: [JSONValue]
    var revision: Int
    var continueToken: String?
    var remainingItemCount: Int?
}

/// Which objects a list or watch selects.
struct ObjectFilter: Sendable {
    var namespace: String?
    var labels: LabelSelector = .everything
    var fields: FieldSelector = .everything

    func matches(_ object: JSONValue) -> Bool {
        if let namespace, object.value(at: ["metadata", "namespace"])?.stringValue != namespace { return false }
        let labelMap = (object.value(at: ["metadata", "labels"])?.objectValue ?? [:]).compactMapValues(\.stringValue)
        return labels.matches(labelMap) && fields.matches(object)
    }
}

/// The opaque `continue` token: the list's revision and the last key returned.
struct ContinueToken: Codable {
    var v = "meta.k8s.io/v1"
    var rv: Int
    var start: String
    var namespace: String

    var encoded: String { Data((try? JSONEncoder().encode(self)) ?? Data()).base64EncodedString() }

    static func decode(_ text: String) throws(APIError) -> ContinueToken {
        guard let data = Data(base64Encoded: text),
            let token = try? JSONDecoder().decode(ContinueToken.self, from: data)
        else { throw APIError.badRequest("invalid continue token") }
        return token
    }
}

extension ObjectStore {
    /// LIST with selectors and `limit`/`continue` over a consistent snapshot; 410 when the snapshot is gone.
    func list(
        _ resource: ResourceType, filter: ObjectFilter, limit: Int?, continueToken: String?
    ) throws(APIError)
        -> ListPage
    {
        let now = now()
        let ttl = configuration.continueTokenLifetime
        return try state.withLock { (state) throws(APIError) -> ListPage in
            state.snapshots = state.snapshots.filter { now.timeIntervalSince($0.value.created) < ttl }
            let objects: [ObjectKey: JSONValue]
            let revision: Int
            var startAfter: ObjectKey?
            if let continueToken, !continueToken.isEmpty {
                let token = try ContinueToken.decode(continueToken)
                startAfter = ObjectKey(namespace: token.namespace, name: token.start)
                if token.rv == -1 {
                    // The inconsistent continuation a 410 offers: the rest of the list as it is now.
                    objects = state.buckets[resource.storage] ?? [:]
                    revision = state.revision
                } else if token.rv >= state.compactedRevision,
                    let snapshot = state.snapshots["\(resource.storage)@\(token.rv)"]
                {
                    objects = snapshot.objects
                    revision = token.rv
                } else {
                    var expired = APIError.expired(
                        "The provided continue parameter is too old to display a consistent list result. You can "
                            + "start a new list without the continue parameter, or use the continue token in this "
                            + "response to retrieve the remainder of the results. Continuing with the provided token "
                            + "results in an inconsistent list - objects that were created, modified, or deleted "
                            + "between the time the first chunk was returned and now may show up in the list.")
                    var inconsistent = token
                    inconsistent.rv = -1
                    expired.continueToken = inconsistent.encoded
                    throw expired
                }
            } else {
                objects = state.buckets[resource.storage] ?? [:]
                revision = state.revision
            }
            var keys = objects.keys.sorted()
            if let startAfter { keys = Array(keys.drop { $0 <= startAfter }) }
            var items: [JSONValue] = []
            var lastKey: ObjectKey?
            var index = keys.startIndex
            while index < keys.endIndex {
                if let limit, limit > 0, items.count >= limit { break }
                let key = keys[index]
                index += 1
                guard let object = objects[key], filter.matches(object) else { continue }
                items.append(resource.view(object))
                lastKey = key
            }
            let remaining = keys[index...].filter { objects[$0].map(filter.matches) ?? false }.count
            var page = ListPage(items: items, revision: revision)
            if remaining > 0, let lastKey {
                page.continueToken =
                    ContinueToken(rv: revision, start: lastKey.name, namespace: lastKey.namespace)
                    .encoded
                if filter.labels.requirements.isEmpty && filter.fields.requirements.isEmpty {
                    page.remainingItemCount = remaining
                }
                let snapshotKey = "\(resource.storage)@\(revision)"
                if state.snapshots[snapshotKey] == nil {
                    state.snapshots[snapshotKey] = ListSnapshot(objects: objects, created: now)
                }
            }
            return page
        }
    }
}
