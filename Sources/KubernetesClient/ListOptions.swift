/// Query parameters of a list call.
public struct ListOptions: Sendable, Hashable {
    public var labelSelector: String?
    public var fieldSelector: String?
    /// Page size; the server returns a `continue` token when more remain.
    public var limit: Int?
    public var `continue`: String?
    public var resourceVersion: String?
    /// `NotOlderThan` or `Exact`, with `resourceVersion`.
    public var resourceVersionMatch: String?
    /// Server-side bound on the call.
    public var timeoutSeconds: Int?

    public init(
        labelSelector: String? = nil, fieldSelector: String? = nil, limit: Int? = nil, continue: String? = nil,
        resourceVersion: String? = nil, resourceVersionMatch: String? = nil, timeoutSeconds: Int? = nil
    ) {
        self.labelSelector = labelSelector
        self.fieldSelector = fieldSelector
        self.limit = limit
        self.continue = `continue`
        self.resourceVersion = resourceVersion
        self.resourceVersionMatch = resourceVersionMatch
        self.timeoutSeconds = timeoutSeconds
    }

    var queryItems: [(String, String)] {
        var items: [(String, String)] = []
        if let labelSelector { items.append(("labelSelector", labelSelector)) }
        if let fieldSelector { items.append(("fieldSelector", fieldSelector)) }
        if let limit { items.append(("limit", String(limit))) }
        if let token = self.continue { items.append(("continue", token)) }
        if let resourceVersion { items.append(("resourceVersion", resourceVersion)) }
        if let resourceVersionMatch { items.append(("resourceVersionMatch", resourceVersionMatch)) }
        if let timeoutSeconds { items.append(("timeoutSeconds", String(timeoutSeconds))) }
        return items
    }
}

/// Query parameters of a watch call.
public struct WatchOptions: Sendable, Hashable {
    public var labelSelector: String?
    public var fieldSelector: String?
    /// Start after this version (the list's, or the last event's); nil means "from now" with synthetic ADDs.
    public var resourceVersion: String?
    /// The server closes the watch after this many seconds; every watch is bounded.
    public var timeoutSeconds: Int
    public var allowWatchBookmarks: Bool

    public init(
        labelSelector: String? = nil, fieldSelector: String? = nil, resourceVersion: String? = nil,
        timeoutSeconds: Int = 300, allowWatchBookmarks: Bool = true
    ) {
        self.labelSelector = labelSelector
        self.fieldSelector = fieldSelector
        self.resourceVersion = resourceVersion
        self.timeoutSeconds = timeoutSeconds
        self.allowWatchBookmarks = allowWatchBookmarks
    }

    var queryItems: [(String, String)] {
        var items: [(String, String)] = [("watch", "1")]
        if let labelSelector { items.append(("labelSelector", labelSelector)) }
        if let fieldSelector { items.append(("fieldSelector", fieldSelector)) }
        if let resourceVersion { items.append(("resourceVersion", resourceVersion)) }
        items.append(("timeoutSeconds", String(max(1, timeoutSeconds))))
        if allowWatchBookmarks { items.append(("allowWatchBookmarks", "true")) }
        return items
    }
}

/// Options of a delete call: preconditions and propagation.
public struct DeleteOptions: Sendable, Hashable, Encodable {
    /// Delete only if the object still has this uid / resourceVersion (409 otherwise).
    public struct Preconditions: Sendable, Hashable, Encodable {
        public var uid: String?
        public var resourceVersion: String?

        public init(uid: String? = nil, resourceVersion: String? = nil) {
            self.uid = uid
            self.resourceVersion = resourceVersion
        }
    }

    public var preconditions: Preconditions?
    /// `Foreground`, `Background` or `Orphan`.
    public var propagationPolicy: String?
    public var gracePeriodSeconds: Int?

    public init(preconditions: Preconditions? = nil, propagationPolicy: String? = nil, gracePeriodSeconds: Int? = nil) {
        self.preconditions = preconditions
        self.propagationPolicy = propagationPolicy
        self.gracePeriodSeconds = gracePeriodSeconds
    }

    var isEmpty: Bool { preconditions == nil && propagationPolicy == nil && gracePeriodSeconds == nil }

    enum CodingKeys: String, CodingKey { case apiVersion, kind, preconditions, propagationPolicy, gracePeriodSeconds }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode("v1", forKey: .apiVersion)
        try c.encode("DeleteOptions", forKey: .kind)
        try c.encodeIfPresent(preconditions, forKey: .preconditions)
        try c.encodeIfPresent(propagationPolicy, forKey: .propagationPolicy)
        try c.encodeIfPresent(gracePeriodSeconds, forKey: .gracePeriodSeconds)
    }
}
