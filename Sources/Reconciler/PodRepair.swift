import Foundation
import PullKeeperConfig

/// A Pending pod as pod repair sees it (issue 15 §3).
public struct ObservedPod: Sendable, Hashable {
    public var name: String
    public var uid: String
    public var createdAt: Date?
    /// Kind of the owner reference marked `controller: true`, if any.
    public var controllerKind: String?
    /// Names in `spec.imagePullSecrets`.
    public var imagePullSecrets: [String]
    public var serviceAccount: String
    /// Images of the containers (init containers too) waiting with `ErrImagePull` or `ImagePullBackOff`.
    public var failingImages: [String]

    public init(
        name: String, uid: String, createdAt: Date?, controllerKind: String?, imagePullSecrets: [String],
        serviceAccount: String, failingImages: [String]
    ) {
        self.name = name
        self.uid = uid
        self.createdAt = createdAt
        self.controllerKind = controllerKind
        self.imagePullSecrets = imagePullSecrets
        self.serviceAccount = serviceAccount
        self.failingImages = failingImages
    }
}

/// What to do with one pod.
public enum PodVerdict: Sendable, Hashable {
    /// Not ours to touch; the reason is for the debug log.
    case leave(String)
    /// Stuck on `registry` without the Secret, owned by a controller that will recreate it with the Secret.
    case evict(registry: String)
    /// It has the Secret and still cannot pull from `registry`: another problem, a restart would not help.
    case warnHasSecret(registry: String)
}

/// The ordered checks of pod repair: pure, like the Reconciler.
public enum PodRepair {
    public static let pullFailures: Set<String> = ["ErrImagePull", "ImagePullBackOff"]
    /// Owners that recreate an evicted pod.
    public static let controllerKinds: Set<String> = ["ReplicaSet", "StatefulSet", "DaemonSet", "Job"]

    /// `pod` in a namespace serving `request`; `secretCreatedAt` nil while the managed Secret does not exist;
    /// `account` the pod's service account as cached.
    public static func verdict(
        _ pod: ObservedPod, request: NamespaceRequest, secretCreatedAt: Date?, account: ObservedServiceAccount?
    ) -> PodVerdict {
        guard !pod.failingImages.isEmpty else { return .leave("no container fails to pull") }
        let managed = Set(request.registries.map { $0.lowercased() })
        let hosts = pod.failingImages.compactMap(registry(ofImage:)).map { $0.lowercased() }
        guard let registry = hosts.first(where: managed.contains) else {
            return .leave("its failing images are on registries this namespace does not manage")
        }
        if pod.imagePullSecrets.contains(request.secretName) { return .warnHasSecret(registry: registry) }
        guard let kind = pod.controllerKind, controllerKinds.contains(kind) else {
            return .leave("not owned by a ReplicaSet, StatefulSet, DaemonSet or Job: nothing would recreate it")
        }
        guard let secretCreatedAt else { return .leave("the managed Secret does not exist yet") }
        // The replacement must get the Secret, or evicting only starts the same failure again. Through the service
        // account: it lists the Secret now and the pod lists nothing of its own (only then are the account's entries
        // copied in), so this pod was admitted before the account got it. Through admission: the pod is older than
        // the Secret (timestamps have whole seconds: the same second counts as older).
        let viaAccount =
            request.attach.patchesServiceAccounts && pod.imagePullSecrets.isEmpty
            && (account?.imagePullSecrets.contains(request.secretName) ?? false)
        let viaAdmission = request.attach != .serviceAccounts && (pod.createdAt.map { $0 <= secretCreatedAt } ?? false)
        guard viaAccount || viaAdmission else {
            return .leave("a new pod would not get the Secret either (attach mode, service account or its own list)")
        }
        return .evict(registry: registry)
    }

    /// The registry host of an image reference, as container runtimes resolve it (`docker.io` without a host).
    public static func registry(ofImage image: String) -> String? {
        let trimmed = image.trimmingCharacters(in: .whitespaces)
        return trimmed.isEmpty ? nil : ImageReference(trimmed).registry
    }
}
