/// A core/v1 ConfigMap.
public struct ConfigMap: KubernetesResource {
    public static let apiVersion = "v1"
    public static let kind = "ConfigMap"
    public static let plural = "configmaps"
    public static let namespaced = true

    public var metadata: ObjectMeta
    public var data: [String: String]?
    public var immutable: Bool?

    public init(metadata: ObjectMeta, data: [String: String]? = nil, immutable: Bool? = nil) {
        self.metadata = metadata
        self.data = data
        self.immutable = immutable
    }
}

/// A core/v1 Service.
public struct Service: KubernetesResource {
    public static let apiVersion = "v1"
    public static let kind = "Service"
    public static let plural = "services"
    public static let namespaced = true

    public var metadata: ObjectMeta
    public var spec: ServiceSpec?

    public init(metadata: ObjectMeta, spec: ServiceSpec? = nil) {
        self.metadata = metadata
        self.spec = spec
    }
}

/// Service spec: selector and ports.
public struct ServiceSpec: Codable, Hashable, Sendable {
    public var type: String?
    public var selector: [String: String]?
    public var ports: [ServicePort]?
    public var clusterIP: String?

    public init(
        type: String? = nil, selector: [String: String]? = nil, ports: [ServicePort]? = nil,
        clusterIP: String? = nil
    ) {
        self.type = type
        self.selector = selector
        self.ports = ports
        self.clusterIP = clusterIP
    }
}

/// One port of a Service.
public struct ServicePort: Codable, Hashable, Sendable {
    public var name: String?
    public var `protocol`: String?
    public var port: Int32
    public var targetPort: IntOrString?

    public init(name: String? = nil, protocol: String? = nil, port: Int32, targetPort: IntOrString? = nil) {
        self.name = name
        self.`protocol` = `protocol`
        self.port = port
        self.targetPort = targetPort
    }
}
