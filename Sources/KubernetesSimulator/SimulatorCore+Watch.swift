import Foundation
import Hummingbird
import NIOCore

extension SimulatorCore {
    /// A watch: chunked JSON lines from the requested revision, with bookmarks, timeout and injected faults.
    func watchResponse(
        _ request: Request, path: ResourcePath, query: QueryParameters, faults: FaultDecision
    )
        throws -> Response
    {
        let resource = path.resource
        var filter = try filter(path, query)
        if let name = path.name {
            filter.fields.requirements.append(
                .init(field: "metadata.name", value: name, negated: false, path: ["metadata", "name"]))
        }
        let revisionText = query["resourceVersion"] ?? ""
        var from: Int?
        if !revisionText.isEmpty && revisionText != "0" {
            guard let revision = Int(revisionText) else {
                throw APIError.badRequest("invalid resource version \"\(revisionText)\"")
            }
            from = revision
        }
        let opened: Result<WatchSubscription, APIError>
        do {
            opened = .success(try store.watch(resource, from: from))
        } catch {
            opened = .failure(error)
        }
        let subscription: WatchSubscription
        switch opened {
        case .success(let value):
            subscription = value
        case .failure(let error) where error.code == 410:
            // As kube-apiserver's watch cache: a resourceVersion it no longer has opens the stream all the same (200)
            // and sends one ERROR event with the 410 Status; a watch is never answered with an HTTP 410.
            return Response(
                status: .ok, headers: [.contentType: "application/json", .cacheControl: "no-cache"],
                body: ResponseBody(byteBuffer: WatchStream.encode("ERROR", error.status)))
        case .failure(let error):
            throw error
        }
        var lifetime =
            try query.integer("timeoutSeconds").map { Duration.seconds($0) }
            ?? configuration.defaultWatchTimeout
        if let drop = faults.dropWatchAfter { lifetime = min(lifetime, drop) }
        let stream = WatchStream(
            resource: resource, filter: filter, table: TableConversion.wanted(request.headers[.accept]),
            bookmarks: query.flag("allowWatchBookmarks") && !faults.stallWatch,
            stall: faults.stallWatch, lifetime: lifetime, bookmarkInterval: configuration.bookmarkInterval)
        let store = store
        return Response(
            status: .ok, headers: [.contentType: "application/json", .cacheControl: "no-cache"],
            body: ResponseBody { writer in
                try await stream.run(subscription, store: store, writer: &writer)
            })
    }
}

/// One running watch's encoding and timing.
struct WatchStream: Sendable {
    var resource: ResourceType
    var filter: ObjectFilter
    var table: Bool
    var bookmarks: Bool
    var stall: Bool
    var lifetime: Duration
    var bookmarkInterval: Duration

    func run(
        _ subscription: WatchSubscription, store: ObjectStore, writer: inout any ResponseBodyWriter
    )
        async throws
    {
        defer { store.closeWatch(subscription.id) }
        var first = true
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                try? await Task.sleep(for: lifetime)
                store.closeWatch(subscription.id)
            }
            if bookmarks {
                group.addTask {
                    while !Task.isCancelled {
                        try? await Task.sleep(for: bookmarkInterval)
                        store.bookmark(subscription.id)
                    }
                }
            }
            if !stall {
                for record in subscription.initial {
                    if let line = line(for: record, first: &first) { try await writer.write(line) }
                }
            }
            loop: for await signal in subscription.signals {
                if stall {
                    if case .close = signal { break loop }
                    continue
                }
                switch signal {
                case .change(let record):
                    if let line = line(for: record, first: &first) { try await writer.write(line) }
                case .bookmark(let revision):
                    let object: JSONValue = [
                        "kind": .string(resource.kind), "apiVersion": .string(resource.apiVersion),
                        "metadata": ["resourceVersion": .string(String(revision))],
                    ]
                    try await writer.write(Self.encode("BOOKMARK", object))
                case .expired(let message):
                    try await writer.write(Self.encode("ERROR", APIError.expired(message).status))
                    break loop
                case .close:
                    break loop
                }
            }
            group.cancelAll()
        }
        try await writer.finish(nil)
    }

    /// The event a change means for this watch's selector, or nil when it does not concern it.
    func line(for record: ChangeRecord, first: inout Bool) -> ByteBuffer? {
        let isMatch = filter.matches(record.object)
        let wasMatch = record.previous.map(filter.matches) ?? false
        let type: String
        var stored = record.object
        switch (record.type, wasMatch, isMatch) {
        case (.added, _, true): type = "ADDED"
        case (.modified, true, true): type = "MODIFIED"
        case (.modified, false, true): type = "ADDED"
        case (.modified, true, false):
            // As kube-apiserver's watch cache: the last state the watcher could see, at the change's revision.
            type = "DELETED"
            if var previous = record.previous {
                previous.setValue(.string(String(record.revision)), at: ["metadata", "resourceVersion"])
                stored = previous
            }
        case (.deleted, _, _) where wasMatch || isMatch: type = "DELETED"
        default: return nil
        }
        var object = resource.view(stored)
        if table {
            object = TableConversion.table(resource, [object], includeColumns: first)
            first = false
        }
        return Self.encode(type, object)
    }

    static func encode(_ type: String, _ object: JSONValue) -> ByteBuffer {
        let event: JSONValue = ["type": .string(type), "object": object]
        return ByteBuffer(bytes: event.encoded() + [UInt8(ascii: "\n")])
    }
}
