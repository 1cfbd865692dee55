import Foundation
import KubernetesModel
import PullKeeperConfig
import Reconciler

/// What `pullkeeper explain` found: plain sentences about the namespace, then one finding per image.
package struct Explanation: Sendable, Hashable, Encodable {
    /// `pod NS/NAME` or `namespace NS`.
    package var subject: String
    /// Sentences about the namespace's opt-in and its Secret.
    package var namespace: [String]
    package var images: [ImageFinding]
    /// Whether everything asked about is covered by a valid credential.
    package var covered: Bool

    package var exitCode: Int32 { covered ? 0 : 1 }
}

/// Whether one container's image can be pulled with pullkeeper's credential, and why.
package struct ImageFinding: Sendable, Hashable, Encodable {
    package var container: String
    package var image: String
    package var registry: String
    /// nil: not a registry pullkeeper manages here (public images need no credential): no verdict.
    package var covered: Bool?
    package var sentences: [String]
}

/// Everything `explain` read from the cluster (what it may not read is nil with a reason).
package struct ExplainInput: Sendable {
    package var namespaceName: String
    package var namespace: Namespace?
    /// The operator's config, when given: grants and defaults are then evaluated, not guessed.
    package var config: OperatorConfig?
    /// The Secret named by the namespace's request (nil: absent); `secretUnreadable` when it could not be read.
    package var secret: Secret?
    package var secretUnreadable: String?
    /// The pod's ServiceAccount (nil: absent or not read).
    package var serviceAccount: ServiceAccount?
    /// pullkeeper's Events about the namespace, its Secret and the pod, newest last.
    package var events: [ExplainEvent]
    package var now: Date

    package init(
        namespaceName: String, namespace: Namespace?, config: OperatorConfig?, secret: Secret?,
        secretUnreadable: String? = nil, serviceAccount: ServiceAccount? = nil, events: [ExplainEvent] = [],
        now: Date
    ) {
        self.namespaceName = namespaceName
        self.namespace = namespace
        self.config = config
        self.secret = secret
        self.secretUnreadable = secretUnreadable
        self.serviceAccount = serviceAccount
        self.events = events
        self.now = now
    }
}

/// One Event, from either Event API.
package struct ExplainEvent: Sendable, Hashable {
    package var type: String
    package var reason: String
    package var message: String
    /// The kind and name of the object it is about.
    package var kind: String
    package var name: String
    package var time: Date

    package init(type: String, reason: String, message: String, kind: String, name: String, time: Date) {
        self.type = type
        self.reason = reason
        self.message = message
        self.kind = kind
        self.name = name
        self.time = time
    }
}

/// What the namespace asks for, read with the operator's config or, without it, from the annotations alone.
package struct ExplainedRequest: Sendable, Hashable {
    package var registries: [String]
    package var secretName: String
    package var attach: AttachMode
    package var scope: String?
    package var serviceAccounts: ServiceAccountSelection
    /// Registries the namespace asks for that pullkeeper refuses (lowercased), with the refusal's words.
    package var refused: [String: String] = [:]
}

package enum Explain {
    static let refusalReasons: Set<String> = [
        "IdentityRefused", "RegistryRefused", "ScopeRefused", "InvalidAnnotation",
    ]

    /// Why a pod can or cannot pull each of its images.
    package static func pod(_ pod: Pod, input: ExplainInput) -> Explanation {
        let name = pod.metadata.name ?? ""
        var (sentences, request, secretOK) = namespaceFindings(input)
        let listed = Set((pod.spec?.imagePullSecrets ?? []).map(\.name))
        let account = pod.spec?.serviceAccountName ?? "default"
        var podSentence: String?
        var podHasSecret = true
        if let request {
            podHasSecret = listed.contains(request.secretName)
            if !podHasSecret {
                podSentence = missingFromPod(
                    pod: name, account: account, request: request, serviceAccount: input.serviceAccount)
            }
        }
        let containers = (pod.spec?.initContainers ?? []) + (pod.spec?.containers ?? [])
        let statuses = (pod.status?.initContainerStatuses ?? []) + (pod.status?.containerStatuses ?? [])
        var images: [ImageFinding] = []
        for container in containers {
            guard let image = container.image, !image.isEmpty else { continue }
            let reference = ImageReference(image)
            var finding = ImageFinding(
                container: container.name ?? "", image: image, registry: reference.registry, covered: nil,
                sentences: [])
            let asked = request?.registries.contains { $0.lowercased() == reference.registry } ?? false
            if let refusal = request?.refused[reference.registry] {
                finding.sentences.append("pullkeeper refuses registry \(reference.registry) here: \(refusal)")
                finding.covered = false
            } else if asked, let request {
                var ok = secretOK[reference.registry] ?? false
                if let scope = request.scope, !scopeCovers(scope, repository: reference.repository) {
                    finding.sentences.append(
                        "the Secret holds tokens scoped to \(scope) (pullkeeper.io/scope), which does not include "
                            + "repository \(reference.repository)")
                    ok = false
                }
                if !podHasSecret, let podSentence {
                    finding.sentences.append(podSentence)
                    ok = false
                }
                if ok {
                    finding.sentences.append(
                        "covered: the pod lists Secret \(request.secretName), which holds a valid credential for "
                            + reference.registry)
                }
                finding.covered = ok
            } else if looksManaged(reference.registry, config: input.config) {
                let list = request.map { $0.registries.joined(separator: ", ") }
                finding.sentences.append(
                    list.map {
                        "registry \(reference.registry) is not in the namespace's \(SecretLayout.registriesAnnotation) "
                            + "(\($0)): add it there to get a credential for it"
                    } ?? "registry \(reference.registry) needs a credential, and the namespace is not served by "
                        + "pullkeeper (see above)")
                finding.covered = false
            } else {
                finding.sentences.append(
                    "\(reference.registry) is not a registry pullkeeper manages: pullkeeper has no say (a public "
                        + "image needs no credential; a private one needs a Secret of your own)")
            }
            if let waiting = statuses.first(where: { $0.name == container.name })?.state?.waiting,
                let reason = waiting.reason, ["ErrImagePull", "ImagePullBackOff"].contains(reason)
            {
                finding.sentences.append(
                    "the kubelet reports \(reason)" + (waiting.message.map { ": \(Self.firstLine($0))" } ?? ""))
            }
            images.append(finding)
        }
        let podEvents = input.events.filter { $0.kind == "Pod" && $0.name == name }
        if let last = podEvents.last {
            sentences.append("pullkeeper's last Event on the pod: \(last.type) \(last.reason): \(last.message)")
        }
        return Explanation(
            subject: "pod \(input.namespaceName)/\(name)", namespace: sentences, images: images,
            covered: images.allSatisfy { $0.covered != false })
    }

    /// Whether the namespace is served and its Secret valid for every registry it asks for.
    package static func namespace(_ input: ExplainInput) -> Explanation {
        let (sentences, request, secretOK) = namespaceFindings(input)
        var covered = false
        if let request, !request.registries.isEmpty, request.refused.isEmpty {
            covered = request.registries.allSatisfy { secretOK[$0.lowercased()] == true }
        }
        return Explanation(
            subject: "namespace \(input.namespaceName)", namespace: sentences, images: [], covered: covered)
    }

    // MARK: The namespace

    /// Sentences about the opt-in and the Secret; the request (nil when the namespace is not served) and, per
    /// registry (lowercased), whether the Secret holds a valid credential for it.
    static func namespaceFindings(_ input: ExplainInput) -> ([String], ExplainedRequest?, [String: Bool]) {
        var sentences: [String] = []
        let name = input.namespaceName
        guard let namespace = input.namespace else {
            return (["namespace \(name) does not exist"], nil, [:])
        }
        let observed = ObservedNamespace(
            name: name, labels: namespace.metadata.labels ?? [:], annotations: namespace.metadata.annotations ?? [:],
            terminating: namespace.isTerminating)
        // A refusal older than the Secret's last write was resolved since.
        let refreshedAt = SecretLayout.parseTimestamp(
            input.secret?.metadata.annotations?[SecretLayout.refreshedAtAnnotation])
        let refusals = input.events.filter {
            $0.kind == "Namespace" && $0.name == name && refusalReasons.contains($0.reason)
                && $0.time > (refreshedAt ?? .distantPast)
        }
        var request: ExplainedRequest?
        if let config = input.config {
            switch NamespaceRequest.read(observed, config: config) {
            case .notOptedIn:
                if config.excludeNamespaces.contains(name) {
                    sentences.append("namespace \(name) is excluded by the pullkeeper config (excludeNamespaces)")
                } else {
                    sentences.append(
                        "namespace \(name) is not opted in: it has no \(SecretLayout.registriesAnnotation) annotation"
                            + (config.namespaceSelector == nil
                                ? "" : " and does not match the config's namespaceSelector"))
                }
            case .invalid(let notes):
                sentences.append(
                    "namespace \(name) asks for something pullkeeper cannot serve: "
                        + notes.map(\.message).joined(separator: "; "))
            case .refused(let notes):
                sentences.append(
                    "pullkeeper refuses namespace \(name): " + notes.map(\.message).joined(separator: "; "))
            case .optedIn(let read, let refused):
                var served = ExplainedRequest(
                    registries: read.registries, secretName: read.secretName, attach: read.attach, scope: read.scope,
                    serviceAccounts: read.serviceAccounts)
                let asked = (observed.annotations[SecretLayout.registriesAnnotation] ?? "").split(separator: ",").map {
                    $0.trimmingCharacters(in: .whitespacesAndNewlines).lowercased()
                }
                for registry in asked
                where !registry.isEmpty
                    && !read.registries.contains(where: {
                        $0.lowercased() == registry
                    })
                {
                    served.refused[registry] =
                        refused.first { $0.message.lowercased().contains(registry) }?.message ?? "not granted"
                }
                for note in refused { sentences.append("pullkeeper refuses a registry: \(note.message)") }
                request = served
            }
        } else {
            let annotations = observed.annotations
            guard let text = annotations[SecretLayout.registriesAnnotation] else {
                sentences.append(
                    "namespace \(name) has no \(SecretLayout.registriesAnnotation) annotation (without --config, "
                        + "explain cannot tell whether the config's namespaceSelector opts it in)")
                return (sentences, nil, [:])
            }
            let attach = annotations[SecretLayout.attachAnnotation].flatMap {
                AttachMode(rawValue: $0.trimmingCharacters(in: .whitespaces))
            }
            request = ExplainedRequest(
                registries: text.split(separator: ",").map {
                    $0.trimmingCharacters(in: .whitespacesAndNewlines).lowercased()
                }.filter { !$0.isEmpty },
                secretName: annotations[SecretLayout.secretNameAnnotation] ?? "acr-pull",
                attach: attach ?? .both,
                scope: annotations[SecretLayout.scopeAnnotation].flatMap { $0.isEmpty ? nil : $0 },
                serviceAccounts: .named(["default"]))
            if annotations[SecretLayout.secretNameAnnotation] == nil {
                sentences.append("(without --config, explain assumes the default Secret name acr-pull)")
            }
            for event in refusals where event.reason == "RegistryRefused" {
                for registry in request?.registries ?? [] where event.message.lowercased().contains(registry) {
                    request?.refused[registry] = event.message
                }
            }
            let refusedRegistries = request?.refused ?? [:]
            request?.registries.removeAll { refusedRegistries[$0] != nil }
            if let refusal = refusals.last, refusal.reason != "RegistryRefused" {
                sentences.append("pullkeeper refused namespace \(name): \(refusal.message) (\(refusal.reason))")
                request = nil
            }
        }
        guard let request else { return (sentences, nil, [:]) }
        sentences.append(
            "namespace \(name) is opted in for \(request.registries.joined(separator: ", ")) with Secret "
                + "\(request.secretName) (attach: \(request.attach.rawValue))")
        var secretOK: [String: Bool] = [:]
        let secretName = request.secretName
        let lastWarning = input.events.last {
            $0.type == "Warning" && ($0.kind == "Secret" && $0.name == secretName || $0.kind == "Namespace")
                && !refusalReasons.contains($0.reason)
        }
        let because = lastWarning.map { "; pullkeeper's last warning: \($0.reason): \($0.message)" } ?? ""
        if let unreadable = input.secretUnreadable {
            sentences.append("Secret \(name)/\(secretName) could not be read: \(unreadable)")
        } else if let secret = input.secret {
            let labels = secret.metadata.labels ?? [:]
            if labels[SecretLayout.managedByLabel] != SecretLayout.managedByValue {
                sentences.append(
                    "Secret \(name)/\(secretName) exists but is not pullkeeper's (no \(SecretLayout.managedByLabel): "
                        + "\(SecretLayout.managedByValue) label): pullkeeper never overwrites it (SecretConflict); "
                        + "rename or remove it, or choose another name with \(SecretLayout.secretNameAnnotation)")
            } else if secret.type != SecretLayout.dockerConfigJSONType {
                sentences.append(
                    "Secret \(name)/\(secretName) has type \(secret.type ?? "Opaque"), not "
                        + SecretLayout.dockerConfigJSONType)
            } else {
                let annotations = secret.metadata.annotations ?? [:]
                let expiresAt = SecretLayout.parseTimestamp(annotations[SecretLayout.expiresAtAnnotation])
                switch secret.data?[SecretLayout.dockerConfigJSONKey].map(DockerConfig.decode) {
                case .success(let config)?:
                    let held = Set(config.auths.keys.map { $0.lowercased() })
                    if let expiresAt, expiresAt <= input.now {
                        sentences.append(
                            "Secret \(name)/\(secretName) expired at \(SecretLayout.timestamp(expiresAt)) "
                                + "(\(StatusTable.duration(input.now.timeIntervalSince(expiresAt))) ago): pullkeeper could "
                                + "not refresh it\(because)")
                    } else {
                        let expiry = expiresAt.map {
                            ", valid until \(SecretLayout.timestamp($0)) (in "
                                + "\(StatusTable.duration($0.timeIntervalSince(input.now))))"
                        }
                        sentences.append(
                            "Secret \(name)/\(secretName) holds \(held.sorted().joined(separator: ", "))"
                                + (expiry ?? ""))
                        for registry in request.registries { secretOK[registry.lowercased()] = true }
                    }
                    for registry in request.registries where !held.contains(registry.lowercased()) {
                        secretOK[registry.lowercased()] = false
                        sentences.append(
                            "Secret \(name)/\(secretName) has no entry for \(registry) yet\(because)")
                    }
                case .failure(let problem)?:
                    sentences.append("Secret \(name)/\(secretName) is corrupt: \(problem)")
                case nil:
                    sentences.append(
                        "Secret \(name)/\(secretName) has no \(SecretLayout.dockerConfigJSONKey) key")
                }
            }
        } else {
            sentences.append("Secret \(name)/\(secretName) does not exist yet\(because)")
        }
        return (sentences, request, secretOK)
    }

    /// Why the pod lacks the Secret, and how to fix it.
    static func missingFromPod(
        pod: String, account: String, request: ExplainedRequest, serviceAccount: ServiceAccount?
    ) -> String {
        let secret = request.secretName
        let head = "the pod was created without Secret \(secret) in spec.imagePullSecrets"
        let fix =
            "restart it (delete the pod; its controller creates a new one that gets the Secret), or enable "
            + "repairPods in the pullkeeper config to have controller-owned pods restarted"
        let accountHas = (serviceAccount?.imagePullSecrets ?? []).contains { $0.name == secret }
        switch request.attach {
        case .pods:
            return head + " (attach: pods, so only the admission policy pullkeeper-inject-pull-secret adds it, "
                + "at creation: the pod was created before the namespace was served, or the policy is not "
                + "installed); " + fix
        case .serviceAccounts, .both:
            if accountHas {
                return head + ": its ServiceAccount \(account) has it now, so the pod was admitted before "
                    + "pullkeeper attached it; " + fix
            }
            if !request.serviceAccounts.includes(account) {
                return head + ": its ServiceAccount \(account) is not one pullkeeper attaches the Secret to "
                    + "(\(SecretLayout.serviceAccountsAnnotation)); list it there, or add the Secret to the pod"
            }
            return head + ": its ServiceAccount \(account) does not have it yet either; once pullkeeper attached it, "
                + fix
        }
    }

    /// Whether a `pullkeeper.io/scope` grants pull on the repository.
    static func scopeCovers(_ scope: String, repository: String) -> Bool {
        scope.split(whereSeparator: \.isWhitespace).contains { item in
            let parts = item.split(separator: ":")
            guard parts.count == 3, parts[0] == "repository", parts[1] == repository else { return false }
            return parts[2].split(separator: ",").contains { $0 == "pull" || $0 == "*" }
        }
    }

    /// Whether the registry is one pullkeeper could serve (an allowed login server), so a missing credential is
    /// pullkeeper's business.
    static func looksManaged(_ registry: String, config: OperatorConfig?) -> Bool {
        if let config { return config.refusal(forRegistry: registry) == nil }
        return ["azurecr.io", "azurecr.cn", "azurecr.us"].contains { registry.hasSuffix("." + $0) }
    }

    static func firstLine(_ text: String) -> String {
        String(text.split(separator: "\n").first ?? "")
    }

    // MARK: Output

    package static func text(_ explanation: Explanation) -> String {
        var lines = ["\(explanation.subject):"]
        lines += explanation.namespace.map { "  - \($0)" }
        for image in explanation.images {
            let verdict =
                switch image.covered {
                case true?: "can pull"
                case false?: "CANNOT PULL"
                case nil: "not pullkeeper's"
                }
            lines.append("  \(image.image) (container \(image.container)): \(verdict)")
            lines += image.sentences.map { "    - \($0)" }
        }
        lines.append(
            explanation.covered
                ? "verdict: covered by pullkeeper"
                : "verdict: NOT covered (exit 1)")
        return lines.joined(separator: "\n") + "\n"
    }
}
