import Foundation
import PullKeeperConfig
import Reconciler
import Testing

/// Issue 15 §3: the ordered checks of pod repair, each scenario named, the whole verdict compared.
@Suite("Pod repair verdicts")
struct PodRepairVerdictTests {
    static let secretCreated = Date(timeIntervalSince1970: 1_767_225_600)
    static let image = "contoso.azurecr.io/team/web:1"

    static func request(_ attach: AttachMode = .both) -> NamespaceRequest {
        guard
            case .optedIn(var request, _) = NamespaceRequest.read(
                ObservedNamespace(name: "team-a", annotations: ["pullkeeper.io/registries": "contoso.azurecr.io"]),
                config: Fixture.config)
        else { preconditionFailure("the fixture opts team-a in") }
        request.attach = attach
        return request
    }

    static func pod(
        images: [String] = [image], owner: String? = "ReplicaSet", pullSecrets: [String] = [],
        createdAt: Date? = secretCreated.addingTimeInterval(-60)
    ) -> ObservedPod {
        ObservedPod(
            name: "web", uid: "u1", createdAt: createdAt, controllerKind: owner, imagePullSecrets: pullSecrets,
            serviceAccount: "default", failingImages: images)
    }

    static let patched = ObservedServiceAccount(name: "default", imagePullSecrets: ["foreign", "acr-pull"])
    static let unpatched = ObservedServiceAccount(name: "default", imagePullSecrets: ["foreign"])

    struct Case: Sendable, CustomTestStringConvertible {
        var name: String
        var pod: ObservedPod
        var attach: AttachMode = .both
        var secret: Date? = PodRepairVerdictTests.secretCreated
        var account: ObservedServiceAccount? = PodRepairVerdictTests.patched
        var expected: PodVerdict
        var testDescription: String { name }
    }

    static let notRecreatedWithSecret = PodVerdict.leave(
        "a new pod would not get the Secret either (attach mode, service account or its own list)")

    static let cases: [Case] = [
        Case(
            name: "stuck ReplicaSet pod, account patched since: evict", pod: pod(),
            expected: .evict(registry: "contoso.azurecr.io")),
        Case(name: "nothing fails to pull", pod: pod(images: []), expected: .leave("no container fails to pull")),
        Case(
            name: "failing image on another registry", pod: pod(images: ["ghcr.io/x/y:1", "nginx"]),
            expected: .leave("its failing images are on registries this namespace does not manage")),
        Case(
            name: "one failing image of two is ours",
            pod: pod(images: ["ghcr.io/x/y:1", "CONTOSO.azurecr.io/a@sha256:00"]),
            expected: .evict(registry: "contoso.azurecr.io")),
        Case(
            name: "it has the Secret: a Warning, not a restart", pod: pod(pullSecrets: ["acr-pull"]),
            expected: .warnHasSecret(registry: "contoso.azurecr.io")),
        Case(
            name: "bare pod", pod: pod(owner: nil),
            expected: .leave("not owned by a ReplicaSet, StatefulSet, DaemonSet or Job: nothing would recreate it")),
        Case(
            name: "owned by something else", pod: pod(owner: "Node"),
            expected: .leave("not owned by a ReplicaSet, StatefulSet, DaemonSet or Job: nothing would recreate it")),
        Case(name: "no Secret yet", pod: pod(), secret: nil, expected: .leave("the managed Secret does not exist yet")),
        Case(
            name: "serviceAccounts mode, account not patched (not selected): evicting would not help",
            pod: pod(), attach: .serviceAccounts, account: unpatched, expected: notRecreatedWithSecret),
        Case(
            name: "serviceAccounts mode, the pod lists its own secrets: the account's are not copied in",
            pod: pod(pullSecrets: ["own"]), attach: .serviceAccounts, expected: notRecreatedWithSecret),
        Case(
            name: "pods mode, created before the Secret: admission gives the new one the Secret",
            pod: pod(), attach: .pods, account: unpatched, expected: .evict(registry: "contoso.azurecr.io")),
        Case(
            name: "pods mode, created in the Secret's second: counts as before",
            pod: pod(createdAt: secretCreated), attach: .pods, account: unpatched,
            expected: .evict(registry: "contoso.azurecr.io")),
        Case(
            name: "pods mode, created after the Secret without it: admission is missing, a restart would not help",
            pod: pod(createdAt: secretCreated.addingTimeInterval(5)), attach: .pods, account: unpatched,
            expected: notRecreatedWithSecret),
        Case(
            name: "pods mode ignores a patched account", pod: pod(createdAt: secretCreated.addingTimeInterval(5)),
            attach: .pods, expected: notRecreatedWithSecret),
    ]

    @Test(arguments: cases)
    func verdict(_ scenario: Case) {
        let verdict = PodRepair.verdict(
            scenario.pod, request: Self.request(scenario.attach), secretCreatedAt: scenario.secret,
            account: scenario.account)
        #expect(verdict == scenario.expected)
    }

    @Test(
        "the registry of an image reference",
        arguments: [
            ("contoso.azurecr.io/team/web:1", "contoso.azurecr.io"), ("127.0.0.1:5000/web", "127.0.0.1:5000"),
            ("localhost/web", "localhost"), ("nginx", "docker.io"), ("library/nginx:1", "docker.io"),
            ("contoso.azurecr.io/web@sha256:abc", "contoso.azurecr.io"),
        ])
    func registry(image: String, host: String) {
        #expect(PodRepair.registry(ofImage: image) == host)
    }
}
