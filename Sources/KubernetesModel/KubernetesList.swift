/// List metadata: the snapshot's resourceVersion and the pagination token.
public struct ListMeta: Codable, Hashable, Sendable {
    public var resourceVersion: String?
    /// Empty or nil when this is the last page.
    public var `continue`: String?
    public var remainingItemCount: Int64?

    public init(resourceVersion: String? = nil, continue: String? = nil, remainingItemCount: Int64? = nil) {
        self.resourceVersion = resourceVersion
        self.continue = `continue`
        self.remainingItemCount = remainingItemCount
    }
}

/// A page of objects (`SecretList`, `NamespaceList`, ...).
public struct KubernetesList<Item: KubernetesResource>: Codable, Hashable, Sendable {
    public var metadata: ListMeta
    public var items: [Item]

    public init(metadata: ListMeta = ListMeta(), items: [Item] = []) {
        self.metadata = metadata
        self.items = items
    }

    enum CodingKeys: String, CodingKey { case apiVersion, kind, metadata, items }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        metadata = try c.decodeIfPresent(ListMeta.self, forKey: .metadata) ?? ListMeta()
        // The API server writes `"items": null` for an empty list in some versions.
        items = try c.decodeIfPresent([Item].self, forKey: .items) ?? []
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(Item.apiVersion, forKey: .apiVersion)
        try c.encode(Item.kind + "List", forKey: .kind)
        try c.encode(metadata, forKey: .metadata)
        try c.encode(items, forKey: .items)
    }

    /// The continue token, nil when this is the last page.
    public var continueToken: String? {
        guard let token = metadata.continue, !token.isEmpty else { return nil }
        return token
    }
}
