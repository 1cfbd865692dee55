/// A core/v1 Pod, read-only: the fields pod repair reads (pullkeeper never writes pods; it evicts them). Its own
/// small nested types, not the manifests' `PodSpec`: any pod of a real cluster must decode, whatever else it holds.
public struct Pod: KubernetesResource, Codable {
    public static let apiVersion = "v1"
    public static let kind = "Pod"
    public static let plural = "pods"
    public static let namespaced = true

    public var metadata: ObjectMeta
    public var spec: Spec?
    public var status: Status?

    public init(metadata: ObjectMeta, spec: Spec? = nil, status: Status? = nil) {
        self.metadata = metadata
        self.spec = spec
        self.status = status
    }
}

extension Pod {
    public struct Spec: Codable, Hashable, Sendable {
        public var containers: [Container]?
        public var initContainers: [Container]?
        public var imagePullSecrets: [LocalObjectReference]?
        public var serviceAccountName: String?

        public init(
            containers: [Container]? = nil, initContainers: [Container]? = nil,
            imagePullSecrets: [LocalObjectReference]? = nil, serviceAccountName: String? = nil
        ) {
            self.containers = containers
            self.initContainers = initContainers
            self.imagePullSecrets = imagePullSecrets
            self.serviceAccountName = serviceAccountName
        }

        public struct Container: Codable, Hashable, Sendable {
            public var name: String?
            public var image: String?

            public init(name: String? = nil, image: String? = nil) {
                self.name = name
                self.image = image
            }
        }
    }

    public struct Status: Codable, Hashable, Sendable {
        public var phase: String?
        public var containerStatuses: [ContainerStatus]?
        public var initContainerStatuses: [ContainerStatus]?

        public init(
            phase: String? = nil, containerStatuses: [ContainerStatus]? = nil,
            initContainerStatuses: [ContainerStatus]? = nil
        ) {
            self.phase = phase
            self.containerStatuses = containerStatuses
            self.initContainerStatuses = initContainerStatuses
        }

        public struct ContainerStatus: Codable, Hashable, Sendable {
            public var name: String?
            public var image: String?
            public var state: State?

            public init(name: String? = nil, image: String? = nil, state: State? = nil) {
                self.name = name
                self.image = image
                self.state = state
            }
        }

        public struct State: Codable, Hashable, Sendable {
            public var waiting: Waiting?

            public init(waiting: Waiting? = nil) { self.waiting = waiting }
        }

        public struct Waiting: Codable, Hashable, Sendable {
            public var reason: String?
            public var message: String?

            public init(reason: String? = nil, message: String? = nil) {
                self.reason = reason
                self.message = message
            }
        }
    }

}

/// A policy/v1 Eviction: the body of `POST pods/NAME/eviction`.
public struct Eviction: Codable, Hashable, Sendable {
    public var apiVersion = "policy/v1"
    public var kind = "Eviction"
    public var metadata: ObjectMeta
    public var deleteOptions: DeleteOptionsBody?

    public init(name: String, namespace: String, uid: String?) {
        metadata = ObjectMeta(name: name, namespace: namespace)
        deleteOptions = uid.map { DeleteOptionsBody(preconditions: .init(uid: $0)) }
    }

    /// `deleteOptions` with a uid precondition: evict this pod, not a namesake created since (StatefulSets).
    public struct DeleteOptionsBody: Codable, Hashable, Sendable {
        public var preconditions: Preconditions

        public struct Preconditions: Codable, Hashable, Sendable {
            public var uid: String
        }
    }
}
