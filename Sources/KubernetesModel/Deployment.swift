/// An apps/v1 Deployment.
public struct Deployment: KubernetesResource {
    public static let apiVersion = "apps/v1"
    public static let kind = "Deployment"
    public static let plural = "deployments"
    public static let namespaced = true

    public var metadata: ObjectMeta
    public var spec: DeploymentSpec?

    public init(metadata: ObjectMeta, spec: DeploymentSpec? = nil) {
        self.metadata = metadata
        self.spec = spec
    }
}

/// Deployment spec: replicas, selector, strategy and pod template.
public struct DeploymentSpec: Codable, Hashable, Sendable {
    public var replicas: Int32?
    public var selector: LabelSelector
    public var template: PodTemplateSpec
    public var strategy: DeploymentStrategy?
    public var revisionHistoryLimit: Int32?
    public var minReadySeconds: Int32?

    public init(
        replicas: Int32? = nil, selector: LabelSelector, template: PodTemplateSpec,
        strategy: DeploymentStrategy? = nil, revisionHistoryLimit: Int32? = nil, minReadySeconds: Int32? = nil
    ) {
        self.replicas = replicas
        self.selector = selector
        self.template = template
        self.strategy = strategy
        self.revisionHistoryLimit = revisionHistoryLimit
        self.minReadySeconds = minReadySeconds
    }
}

/// How pods are replaced (`RollingUpdate` or `Recreate`).
public struct DeploymentStrategy: Codable, Hashable, Sendable {
    public var type: String?
    public var rollingUpdate: RollingUpdateDeployment?

    public init(type: String? = nil, rollingUpdate: RollingUpdateDeployment? = nil) {
        self.type = type
        self.rollingUpdate = rollingUpdate
    }
}

/// Rolling update bounds.
public struct RollingUpdateDeployment: Codable, Hashable, Sendable {
    public var maxUnavailable: IntOrString?
    public var maxSurge: IntOrString?

    public init(maxUnavailable: IntOrString? = nil, maxSurge: IntOrString? = nil) {
        self.maxUnavailable = maxUnavailable
        self.maxSurge = maxSurge
    }
}

/// A pod template: metadata and spec.
public struct PodTemplateSpec: Codable, Hashable, Sendable {
    public var metadata: ObjectMeta?
    public var spec: PodSpec?

    public init(metadata: ObjectMeta? = nil, spec: PodSpec? = nil) {
        self.metadata = metadata
        self.spec = spec
    }
}

/// The part of a PodSpec the install manifests use.
public struct PodSpec: Codable, Hashable, Sendable {
    public var containers: [Container]
    public var initContainers: [Container]?
    public var volumes: [Volume]?
    public var serviceAccountName: String?
    public var automountServiceAccountToken: Bool?
    public var securityContext: PodSecurityContext?
    public var nodeSelector: [String: String]?
    public var tolerations: [Toleration]?
    public var affinity: JSONValue?
    public var topologySpreadConstraints: [TopologySpreadConstraint]?
    public var priorityClassName: String?
    public var terminationGracePeriodSeconds: Int64?
    public var imagePullSecrets: [LocalObjectReference]?
    public var enableServiceLinks: Bool?

    public init(
        containers: [Container], initContainers: [Container]? = nil, volumes: [Volume]? = nil,
        serviceAccountName: String? = nil, automountServiceAccountToken: Bool? = nil,
        securityContext: PodSecurityContext? = nil, nodeSelector: [String: String]? = nil,
        tolerations: [Toleration]? = nil, affinity: JSONValue? = nil,
        topologySpreadConstraints: [TopologySpreadConstraint]? = nil, priorityClassName: String? = nil,
        terminationGracePeriodSeconds: Int64? = nil, imagePullSecrets: [LocalObjectReference]? = nil,
        enableServiceLinks: Bool? = nil
    ) {
        self.containers = containers
        self.initContainers = initContainers
        self.volumes = volumes
        self.serviceAccountName = serviceAccountName
        self.automountServiceAccountToken = automountServiceAccountToken
        self.securityContext = securityContext
        self.nodeSelector = nodeSelector
        self.tolerations = tolerations
        self.affinity = affinity
        self.topologySpreadConstraints = topologySpreadConstraints
        self.priorityClassName = priorityClassName
        self.terminationGracePeriodSeconds = terminationGracePeriodSeconds
        self.imagePullSecrets = imagePullSecrets
        self.enableServiceLinks = enableServiceLinks
    }
}

/// One container of a pod.
public struct Container: Codable, Hashable, Sendable {
    public var name: String
    public var image: String?
    public var imagePullPolicy: String?
    public var command: [String]?
    public var args: [String]?
    public var ports: [ContainerPort]?
    public var env: [EnvVar]?
    public var envFrom: [EnvFromSource]?
    public var resources: ResourceRequirements?
    public var volumeMounts: [VolumeMount]?
    public var livenessProbe: Probe?
    public var readinessProbe: Probe?
    public var startupProbe: Probe?
    public var securityContext: SecurityContext?

    public init(
        name: String, image: String? = nil, imagePullPolicy: String? = nil, command: [String]? = nil,
        args: [String]? = nil, ports: [ContainerPort]? = nil, env: [EnvVar]? = nil, envFrom: [EnvFromSource]? = nil,
        resources: ResourceRequirements? = nil, volumeMounts: [VolumeMount]? = nil, livenessProbe: Probe? = nil,
        readinessProbe: Probe? = nil, startupProbe: Probe? = nil, securityContext: SecurityContext? = nil
    ) {
        self.name = name
        self.image = image
        self.imagePullPolicy = imagePullPolicy
        self.command = command
        self.args = args
        self.ports = ports
        self.env = env
        self.envFrom = envFrom
        self.resources = resources
        self.volumeMounts = volumeMounts
        self.livenessProbe = livenessProbe
        self.readinessProbe = readinessProbe
        self.startupProbe = startupProbe
        self.securityContext = securityContext
    }
}

/// A port a container listens on.
public struct ContainerPort: Codable, Hashable, Sendable {
    public var name: String?
    public var containerPort: Int32
    public var `protocol`: String?

    public init(name: String? = nil, containerPort: Int32, protocol: String? = nil) {
        self.name = name
        self.containerPort = containerPort
        self.`protocol` = `protocol`
    }
}

/// An environment variable, literal or from a field/secret/config map.
public struct EnvVar: Codable, Hashable, Sendable {
    public var name: String
    public var value: String?
    public var valueFrom: EnvVarSource?

    public init(name: String, value: String? = nil, valueFrom: EnvVarSource? = nil) {
        self.name = name
        self.value = value
        self.valueFrom = valueFrom
    }
}

/// Where an environment variable's value comes from.
public struct EnvVarSource: Codable, Hashable, Sendable {
    public var fieldRef: ObjectFieldSelector?
    public var secretKeyRef: KeySelector?
    public var configMapKeyRef: KeySelector?

    public init(
        fieldRef: ObjectFieldSelector? = nil, secretKeyRef: KeySelector? = nil, configMapKeyRef: KeySelector? = nil
    ) {
        self.fieldRef = fieldRef
        self.secretKeyRef = secretKeyRef
        self.configMapKeyRef = configMapKeyRef
    }
}

/// A field of the pod (`metadata.namespace`).
public struct ObjectFieldSelector: Codable, Hashable, Sendable {
    public var fieldPath: String
    public var apiVersion: String?

    public init(fieldPath: String, apiVersion: String? = nil) {
        self.fieldPath = fieldPath
        self.apiVersion = apiVersion
    }
}

/// A key of a Secret or ConfigMap.
public struct KeySelector: Codable, Hashable, Sendable {
    public var name: String
    public var key: String
    public var optional: Bool?

    public init(name: String, key: String, optional: Bool? = nil) {
        self.name = name
        self.key = key
        self.optional = optional
    }
}

/// All keys of a Secret or ConfigMap as environment variables.
public struct EnvFromSource: Codable, Hashable, Sendable {
    public var prefix: String?
    public var secretRef: LocalObjectReference?
    public var configMapRef: LocalObjectReference?

    public init(
        prefix: String? = nil, secretRef: LocalObjectReference? = nil, configMapRef: LocalObjectReference? = nil
    ) {
        self.prefix = prefix
        self.secretRef = secretRef
        self.configMapRef = configMapRef
    }
}

/// CPU/memory requests and limits (`"100m"`, `"64Mi"`).
public struct ResourceRequirements: Codable, Hashable, Sendable {
    public var requests: [String: String]?
    public var limits: [String: String]?

    public init(requests: [String: String]? = nil, limits: [String: String]? = nil) {
        self.requests = requests
        self.limits = limits
    }
}

/// A volume mounted into a container.
public struct VolumeMount: Codable, Hashable, Sendable {
    public var name: String
    public var mountPath: String
    public var readOnly: Bool?
    public var subPath: String?

    public init(name: String, mountPath: String, readOnly: Bool? = nil, subPath: String? = nil) {
        self.name = name
        self.mountPath = mountPath
        self.readOnly = readOnly
        self.subPath = subPath
    }
}

/// A liveness, readiness or startup probe.
public struct Probe: Codable, Hashable, Sendable {
    public var httpGet: HTTPGetAction?
    public var tcpSocket: TCPSocketAction?
    public var exec: ExecAction?
    public var initialDelaySeconds: Int32?
    public var periodSeconds: Int32?
    public var timeoutSeconds: Int32?
    public var failureThreshold: Int32?
    public var successThreshold: Int32?

    public init(
        httpGet: HTTPGetAction? = nil, tcpSocket: TCPSocketAction? = nil, exec: ExecAction? = nil,
        initialDelaySeconds: Int32? = nil, periodSeconds: Int32? = nil, timeoutSeconds: Int32? = nil,
        failureThreshold: Int32? = nil, successThreshold: Int32? = nil
    ) {
        self.httpGet = httpGet
        self.tcpSocket = tcpSocket
        self.exec = exec
        self.initialDelaySeconds = initialDelaySeconds
        self.periodSeconds = periodSeconds
        self.timeoutSeconds = timeoutSeconds
        self.failureThreshold = failureThreshold
        self.successThreshold = successThreshold
    }
}

/// An HTTP GET probe.
public struct HTTPGetAction: Codable, Hashable, Sendable {
    public var path: String?
    public var port: IntOrString
    public var scheme: String?

    public init(path: String? = nil, port: IntOrString, scheme: String? = nil) {
        self.path = path
        self.port = port
        self.scheme = scheme
    }
}

/// A TCP probe.
public struct TCPSocketAction: Codable, Hashable, Sendable {
    public var port: IntOrString

    public init(port: IntOrString) {
        self.port = port
    }
}

/// A command probe.
public struct ExecAction: Codable, Hashable, Sendable {
    public var command: [String]?

    public init(command: [String]? = nil) {
        self.command = command
    }
}

/// Container-level security settings.
public struct SecurityContext: Codable, Hashable, Sendable {
    public var runAsNonRoot: Bool?
    public var runAsUser: Int64?
    public var runAsGroup: Int64?
    public var readOnlyRootFilesystem: Bool?
    public var allowPrivilegeEscalation: Bool?
    public var privileged: Bool?
    public var capabilities: Capabilities?
    public var seccompProfile: SeccompProfile?

    public init(
        runAsNonRoot: Bool? = nil, runAsUser: Int64? = nil, runAsGroup: Int64? = nil,
        readOnlyRootFilesystem: Bool? = nil, allowPrivilegeEscalation: Bool? = nil, privileged: Bool? = nil,
        capabilities: Capabilities? = nil, seccompProfile: SeccompProfile? = nil
    ) {
        self.runAsNonRoot = runAsNonRoot
        self.runAsUser = runAsUser
        self.runAsGroup = runAsGroup
        self.readOnlyRootFilesystem = readOnlyRootFilesystem
        self.allowPrivilegeEscalation = allowPrivilegeEscalation
        self.privileged = privileged
        self.capabilities = capabilities
        self.seccompProfile = seccompProfile
    }
}

/// Linux capabilities to add and drop.
public struct Capabilities: Codable, Hashable, Sendable {
    public var add: [String]?
    public var drop: [String]?

    public init(add: [String]? = nil, drop: [String]? = nil) {
        self.add = add
        self.drop = drop
    }
}

/// The seccomp profile (`RuntimeDefault`).
public struct SeccompProfile: Codable, Hashable, Sendable {
    public var type: String
    public var localhostProfile: String?

    public init(type: String, localhostProfile: String? = nil) {
        self.type = type
        self.localhostProfile = localhostProfile
    }
}

/// Pod-level security settings.
public struct PodSecurityContext: Codable, Hashable, Sendable {
    public var runAsNonRoot: Bool?
    public var runAsUser: Int64?
    public var runAsGroup: Int64?
    public var fsGroup: Int64?
    public var seccompProfile: SeccompProfile?

    public init(
        runAsNonRoot: Bool? = nil, runAsUser: Int64? = nil, runAsGroup: Int64? = nil, fsGroup: Int64? = nil,
        seccompProfile: SeccompProfile? = nil
    ) {
        self.runAsNonRoot = runAsNonRoot
        self.runAsUser = runAsUser
        self.runAsGroup = runAsGroup
        self.fsGroup = fsGroup
        self.seccompProfile = seccompProfile
    }
}

/// A pod volume (the sources the manifests use).
public struct Volume: Codable, Hashable, Sendable {
    public var name: String
    public var secret: SecretVolumeSource?
    public var configMap: ConfigMapVolumeSource?
    public var emptyDir: EmptyDirVolumeSource?
    public var projected: JSONValue?

    public init(
        name: String, secret: SecretVolumeSource? = nil, configMap: ConfigMapVolumeSource? = nil,
        emptyDir: EmptyDirVolumeSource? = nil, projected: JSONValue? = nil
    ) {
        self.name = name
        self.secret = secret
        self.configMap = configMap
        self.emptyDir = emptyDir
        self.projected = projected
    }
}

/// A Secret as a volume.
public struct SecretVolumeSource: Codable, Hashable, Sendable {
    public var secretName: String?
    public var defaultMode: Int32?
    public var optional: Bool?

    public init(secretName: String? = nil, defaultMode: Int32? = nil, optional: Bool? = nil) {
        self.secretName = secretName
        self.defaultMode = defaultMode
        self.optional = optional
    }
}

/// A ConfigMap as a volume.
public struct ConfigMapVolumeSource: Codable, Hashable, Sendable {
    public var name: String?
    public var defaultMode: Int32?
    public var optional: Bool?

    public init(name: String? = nil, defaultMode: Int32? = nil, optional: Bool? = nil) {
        self.name = name
        self.defaultMode = defaultMode
        self.optional = optional
    }
}

/// A scratch directory.
public struct EmptyDirVolumeSource: Codable, Hashable, Sendable {
    public var medium: String?
    public var sizeLimit: String?

    public init(medium: String? = nil, sizeLimit: String? = nil) {
        self.medium = medium
        self.sizeLimit = sizeLimit
    }
}

/// A toleration of a node taint.
public struct Toleration: Codable, Hashable, Sendable {
    public var key: String?
    public var `operator`: String?
    public var value: String?
    public var effect: String?
    public var tolerationSeconds: Int64?

    public init(
        key: String? = nil, operator: String? = nil, value: String? = nil, effect: String? = nil,
        tolerationSeconds: Int64? = nil
    ) {
        self.key = key
        self.`operator` = `operator`
        self.value = value
        self.effect = effect
        self.tolerationSeconds = tolerationSeconds
    }
}

/// Spreads pods over a topology (zones, nodes).
public struct TopologySpreadConstraint: Codable, Hashable, Sendable {
    public var maxSkew: Int32
    public var topologyKey: String
    public var whenUnsatisfiable: String
    public var labelSelector: LabelSelector?

    public init(maxSkew: Int32, topologyKey: String, whenUnsatisfiable: String, labelSelector: LabelSelector? = nil) {
        self.maxSkew = maxSkew
        self.topologyKey = topologyKey
        self.whenUnsatisfiable = whenUnsatisfiable
        self.labelSelector = labelSelector
    }
}
