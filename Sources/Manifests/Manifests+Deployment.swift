import KubernetesModel

extension Manifests {
    /// The arguments of `pullkeeper run` in the pod (the contract with the controller binary).
    public static func containerArgs(_ options: ManifestOptions) -> [String] {
        [
            "run",
            "--config=\(ManifestNames.configDirectory)/\(ManifestNames.configKey)",
            "--metrics-address=0.0.0.0:\(ManifestNames.metricsPort)",
            "--health-address=0.0.0.0:\(ManifestNames.healthPort)",
            // Always on, even with one replica: a rolling update runs the old and the new pod side by side.
            "--leader-elect",
            "--log-format=json",
        ]
    }

    /// The operator's Deployment, hardened for the `restricted` Pod Security Standard.
    public static func deployment(_ options: ManifestOptions) -> Deployment {
        var podLabels = labels(options)
        if options.identityMode == .workload { podLabels["azure.workload.identity/use"] = "true" }
        let pod = PodSpec(
            containers: [container(options)],
            volumes: volumes(options),
            serviceAccountName: ManifestNames.app,
            automountServiceAccountToken: true,
            securityContext: PodSecurityContext(
                runAsNonRoot: true, runAsUser: ManifestNames.runAsUser, runAsGroup: ManifestNames.runAsUser,
                fsGroup: ManifestNames.runAsUser, seccompProfile: SeccompProfile(type: "RuntimeDefault")),
            topologySpreadConstraints: ["topology.kubernetes.io/zone", "kubernetes.io/hostname"].map {
                // Soft: a one-zone or one-node cluster must still run both replicas.
                TopologySpreadConstraint(
                    maxSkew: 1, topologyKey: $0, whenUnsatisfiable: "ScheduleAnyway",
                    labelSelector: LabelSelector(matchLabels: selectorLabels))
            },
            // Graceful shutdown (lease release, in-flight writes) takes at most about 10 s.
            terminationGracePeriodSeconds: 30,
            enableServiceLinks: false)
        return Deployment(
            metadata: metadata(ManifestNames.app, options),
            spec: DeploymentSpec(
                replicas: Int32(clamping: options.replicas),
                selector: LabelSelector(matchLabels: selectorLabels),
                template: PodTemplateSpec(
                    metadata: ObjectMeta(
                        labels: podLabels, annotations: ["kubectl.kubernetes.io/default-container": "pullkeeper"]),
                    spec: pod),
                strategy: DeploymentStrategy(
                    type: "RollingUpdate", rollingUpdate: RollingUpdateDeployment(maxUnavailable: 0, maxSurge: 1)),
                revisionHistoryLimit: 5))
    }

    static func container(_ options: ManifestOptions) -> Container {
        var mounts = [
            VolumeMount(name: "config", mountPath: ManifestNames.configDirectory, readOnly: true),
            VolumeMount(name: "tmp", mountPath: "/tmp"),
        ]
        if options.identityMode.mountsCredentials {
            mounts.append(
                VolumeMount(name: "credentials", mountPath: ManifestNames.credentialsDirectory, readOnly: true))
        }
        return Container(
            name: ManifestNames.container,
            image: options.image,
            imagePullPolicy: "IfNotPresent",
            command: [ManifestNames.binary],
            args: containerArgs(options),
            ports: [
                ContainerPort(name: "metrics", containerPort: ManifestNames.metricsPort, protocol: "TCP"),
                ContainerPort(name: "health", containerPort: ManifestNames.healthPort, protocol: "TCP"),
            ],
            env: [
                EnvVar(
                    name: "POD_NAME", valueFrom: EnvVarSource(fieldRef: ObjectFieldSelector(fieldPath: "metadata.name"))
                ),
                EnvVar(
                    name: "POD_NAMESPACE",
                    valueFrom: EnvVarSource(fieldRef: ObjectFieldSelector(fieldPath: "metadata.namespace"))),
            ],
            resources: ResourceRequirements(
                requests: ["cpu": "50m", "memory": "64Mi"], limits: ["cpu": "500m", "memory": "256Mi"]),
            volumeMounts: mounts,
            livenessProbe: Probe(
                httpGet: HTTPGetAction(path: "/healthz", port: "health"), periodSeconds: 10, timeoutSeconds: 2,
                failureThreshold: 3),
            readinessProbe: Probe(
                httpGet: HTTPGetAction(path: "/readyz", port: "health"), periodSeconds: 5, timeoutSeconds: 2,
                failureThreshold: 3),
            // Up to a minute to start (first list of namespaces and Secrets) before liveness counts.
            startupProbe: Probe(
                httpGet: HTTPGetAction(path: "/healthz", port: "health"), periodSeconds: 2, timeoutSeconds: 2,
                failureThreshold: 30),
            securityContext: SecurityContext(
                runAsNonRoot: true, readOnlyRootFilesystem: true, allowPrivilegeEscalation: false, privileged: false,
                capabilities: Capabilities(drop: ["ALL"]), seccompProfile: SeccompProfile(type: "RuntimeDefault")))
    }

    static func volumes(_ options: ManifestOptions) -> [Volume] {
        var volumes = [
            Volume(name: "config", configMap: ConfigMapVolumeSource(name: ManifestNames.configMap)),
            // The root filesystem is read-only; the runtime may still want a scratch directory.
            Volume(name: "tmp", emptyDir: EmptyDirVolumeSource(sizeLimit: "64Mi")),
        ]
        if options.identityMode.mountsCredentials {
            // 0440: readable by the pod's fsGroup only. Files are re-read on every use, so rotation needs no restart.
            volumes.append(
                Volume(
                    name: "credentials",
                    secret: SecretVolumeSource(secretName: ManifestNames.credentialsSecret, defaultMode: 0o440)))
        }
        return volumes
    }
}
