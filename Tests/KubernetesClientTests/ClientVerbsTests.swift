import Foundation
import KubernetesClient
import KubernetesModel
import KubernetesSimulator
import PullKeeperCore
import Testing

@Suite("HTTPKubernetesClient verbs against the simulator over HTTPS")
struct ClientVerbsTests {
    static func secret(_ name: String, in namespace: String, labels: [String: String]? = nil) -> Secret {
        Secret(metadata: ObjectMeta(name: name, namespace: namespace, labels: labels), stringData: ["token": "t1"])
    }

    @Test("create returns the stored object; get and list read it back; typed 404 and AlreadyExists")
    func createGetList() async throws {
        try await SimulatedCluster.with { cluster in
            let client = cluster.client
            try await cluster.createNamespace("team-a")
            let created = try await client.create(Self.secret("acr-pull", in: "team-a", labels: ["app": "pk"]))
            #expect(created.metadata.uid?.isEmpty == false)
            #expect(created.metadata.creationTimestamp != nil)
            #expect(created.type == "Opaque")
            #expect(created.data?["token"] == Data("t1".utf8))
            #expect(created.stringData == nil)
            let stored = cluster.simulator.object(.secrets, namespace: "team-a", name: "acr-pull")
            #expect(
                created.metadata.resourceVersion == stored?.value(at: ["metadata", "resourceVersion"])?.stringValue)

            #expect(try await client.get(Secret.self, name: "acr-pull", namespace: "team-a") == created)
            let list = try await client.list(Secret.self, namespace: "team-a")
            #expect(list.items == [created])
            #expect(list.metadata.resourceVersion == String(cluster.simulator.resourceVersion))
            let everywhere = try await client.list(Secret.self, namespace: nil, options: ListOptions())
            #expect(everywhere.items.map(\.key) == ["team-a/acr-pull"])
            let namespace = try await client.get(Namespace.self, name: "team-a")
            #expect(namespace.status?.phase == "Active")

            let duplicate = await kubernetesError("second create") {
                _ = try await client.create(Self.secret("acr-pull", in: "team-a"))
            }
            #expect(duplicate?.isAlreadyExists == true)
            #expect(duplicate?.isConflict == false)
            #expect(
                duplicate?.description == "create secrets team-a/acr-pull: 409 AlreadyExists: "
                    + "secrets \"acr-pull\" already exists")
            let missing = await kubernetesError("get of a missing secret") {
                _ = try await client.get(Secret.self, name: "nope", namespace: "team-a")
            }
            #expect(missing?.isNotFound == true)
            #expect(missing?.status?.details?.name == "nope")

            let counts = cluster.simulator
            #expect(counts.requestCount(verb: "create", resource: "secrets", code: 201) == 1)
            #expect(counts.requestCount(verb: "create", resource: "secrets", code: 409) == 1)
            #expect(counts.requestCount(verb: "get", resource: "secrets", code: 404) == 1)
            #expect(counts.requestCount(verb: "list", resource: "secrets", code: 200) == 2)
        }
    }

    @Test("update with a current resourceVersion succeeds; a stale one is 409 Conflict and is not retried")
    func updateWithResourceVersion() async throws {
        try await SimulatedCluster.with { cluster in
            let client = cluster.client
            try await cluster.createNamespace("team-a")
            let created = try await client.create(Self.secret("s", in: "team-a"))

            var changed = created
            changed.metadata.labels = ["rev": "2"]
            let updated = try await client.update(changed)
            #expect(updated.metadata.labels == ["rev": "2"])
            #expect(updated.metadata.resourceVersion != created.metadata.resourceVersion)
            #expect(updated.metadata.uid == created.metadata.uid)

            var stale = created
            stale.metadata.labels = ["rev": "stale"]
            let conflict = await kubernetesError("update with a stale resourceVersion") {
                _ = try await client.update(stale)
            }
            #expect(conflict?.isConflict == true)
            #expect(conflict?.reason == "Conflict")
            #expect(conflict?.message.contains("the object has been modified") == true)
            #expect(cluster.simulator.requestCount(verb: "update", resource: "secrets", code: 409) == 1)

            // Without a resourceVersion the replace is unconditional.
            var unconditional = created
            unconditional.metadata.resourceVersion = nil
            unconditional.metadata.labels = ["rev": "3"]
            #expect(try await client.update(unconditional).metadata.labels == ["rev": "3"])
        }
    }

    @Test("409 on a concurrent write, then a fresh read and a retry keeps both writers' changes")
    func conflictThenRetryWithFreshRead() async throws {
        try await SimulatedCluster.with { cluster in
            let client = cluster.client
            try await cluster.createNamespace("team-a")
            _ = try await client.create(Self.secret("s", in: "team-a"))
            let readByA = try await client.get(Secret.self, name: "s", namespace: "team-a")

            var writtenByB = try await client.get(Secret.self, name: "s", namespace: "team-a")
            writtenByB.metadata.labels = ["b": "1"]
            _ = try await client.update(writtenByB)

            var current = readByA
            var attempts = 0
            var result: Secret?
            while result == nil, attempts < 5 {
                attempts += 1
                var mine = current
                mine.metadata.labels = (mine.metadata.labels ?? [:]).merging(["a": "1"]) { $1 }
                do {
                    result = try await client.update(mine)
                } catch let error as KubernetesError where error.isConflict {
                    current = try await client.get(Secret.self, name: "s", namespace: "team-a")
                }
            }
            #expect(attempts == 2)
            #expect(result?.metadata.labels == ["a": "1", "b": "1"])
            #expect(cluster.simulator.requestCount(verb: "update", resource: "secrets", code: 409) == 1)
            #expect(cluster.simulator.requestCount(verb: "update", resource: "secrets", code: 200) == 2)
        }
    }

    @Test("merge patch: keys merge, null deletes, a resourceVersion in the patch makes it conditional")
    func mergePatch() async throws {
        try await SimulatedCluster.with { cluster in
            let client = cluster.client
            try await cluster.createNamespace("team-a")
            let created = try await client.create(Self.secret("s", in: "team-a", labels: ["keep": "1", "drop": "1"]))
            let patched = try await client.patch(
                Secret.self, name: "s", namespace: "team-a",
                patch: .merge([
                    "metadata": ["labels": ["drop": nil, "new": "1"]],
                    "data": ["extra": .string(Data("x".utf8).base64EncodedString())],
                ]))
            #expect(patched.metadata.labels == ["keep": "1", "new": "1"])
            #expect(patched.data == ["token": Data("t1".utf8), "extra": Data("x".utf8)])

            let stale = await kubernetesError("merge patch with a stale resourceVersion") {
                _ = try await client.patch(
                    Secret.self, name: "s", namespace: "team-a",
                    patch: .merge([
                        "metadata": ["resourceVersion": .string(created.metadata.resourceVersion ?? "")],
                        "data": ["extra": nil],
                    ]))
            }
            #expect(stale?.isConflict == true)
            let current = try await client.patch(
                Secret.self, name: "s", namespace: "team-a",
                patch: .merge([
                    "metadata": ["resourceVersion": .string(patched.metadata.resourceVersion ?? "")],
                    "data": ["extra": nil],
                ]))
            #expect(current.data?.keys.sorted() == ["token"])
        }
    }

    @Test("strategic merge patch: the atomic imagePullSecrets list is replaced, maps merge, $patch: replace")
    func strategicMergePatch() async throws {
        try await SimulatedCluster.with { cluster in
            let client = cluster.client
            try await cluster.createNamespace("team-a")
            var account = try await client.get(ServiceAccount.self, name: "default", namespace: "team-a")
            account.imagePullSecrets = [LocalObjectReference(name: "old")]
            account.metadata.labels = ["a": "1"]
            _ = try await client.update(account)

            let patched = try await client.patch(
                ServiceAccount.self, name: "default", namespace: "team-a",
                patch: .strategicMerge([
                    "metadata": ["labels": ["b": "2"]], "imagePullSecrets": [["name": "acr-pull"]],
                ]))
            #expect(patched.imagePullSecrets == [LocalObjectReference(name: "acr-pull")])
            #expect(patched.metadata.labels == ["a": "1", "b": "2"])

            // A directive only a strategic merge understands (as a merge patch it would be a label named "$patch").
            let replaced = try await client.patch(
                ServiceAccount.self, name: "default", namespace: "team-a",
                patch: .strategicMerge(["metadata": ["labels": ["$patch": "replace", "only": "this"]]]))
            #expect(replaced.metadata.labels == ["only": "this"])
        }
    }

    @Test("JSON patch: test + add appends to imagePullSecrets; replace and remove")
    func jsonPatch() async throws {
        try await SimulatedCluster.with { cluster in
            let client = cluster.client
            try await cluster.createNamespace("team-a")
            let account = try await client.get(ServiceAccount.self, name: "default", namespace: "team-a")
            #expect(account.imagePullSecrets == nil)
            let first = try await client.patch(
                ServiceAccount.self, name: "default", namespace: "team-a",
                patch: .json([
                    .test("/metadata/resourceVersion", .string(account.metadata.resourceVersion ?? "")),
                    .add("/imagePullSecrets", [["name": "acr-pull"]]),
                    .add("/metadata/labels", ["pullkeeper.io/managed": "true"]),
                ]))
            let second = try await client.patch(
                ServiceAccount.self, name: "default", namespace: "team-a",
                patch: .json([
                    .test("/metadata/resourceVersion", .string(first.metadata.resourceVersion ?? "")),
                    .add("/imagePullSecrets/-", ["name": "second"]),
                    .replace("/metadata/labels/\(JSONPatchOperation.escape("pullkeeper.io/managed"))", "false"),
                ]))
            #expect(second.imagePullSecrets?.map(\.name) == ["acr-pull", "second"])
            #expect(second.metadata.labels == ["pullkeeper.io/managed": "false"])
            let third = try await client.patch(
                ServiceAccount.self, name: "default", namespace: "team-a",
                patch: .json([.remove("/imagePullSecrets/0")]))
            #expect(third.imagePullSecrets?.map(\.name) == ["second"])
        }
    }

    @Test("JSON patch whose test fails is 422 Invalid and changes nothing")
    func jsonPatchTestFailure() async throws {
        try await SimulatedCluster.with { cluster in
            let client = cluster.client
            try await cluster.createNamespace("team-a")
            let before = try await client.get(ServiceAccount.self, name: "default", namespace: "team-a")
            let failed = await kubernetesError("JSON patch with a failing test") {
                _ = try await client.patch(
                    ServiceAccount.self, name: "default", namespace: "team-a",
                    patch: .json([
                        .test("/metadata/resourceVersion", "1"),
                        .add("/imagePullSecrets", [["name": "acr-pull"]]),
                    ]))
            }
            #expect(failed?.isInvalid == true)
            #expect(failed?.code == 422)
            #expect(failed?.isConflict == false)
            let after = try await client.get(ServiceAccount.self, name: "default", namespace: "team-a")
            #expect(after == before)
            #expect(cluster.simulator.requestCount(verb: "patch", resource: "serviceaccounts") == 1)
        }
    }

    @Test("delete with uid and resourceVersion preconditions: 409 when either is stale, then gone")
    func deleteWithPreconditions() async throws {
        try await SimulatedCluster.with { cluster in
            let client = cluster.client
            try await cluster.createNamespace("team-a")
            let created = try await client.create(Self.secret("s", in: "team-a"))
            let uid = try #require(created.metadata.uid)
            let version = try #require(created.metadata.resourceVersion)

            let wrongUID = await kubernetesError("delete with another uid") {
                try await client.delete(
                    Secret.self, name: "s", namespace: "team-a",
                    options: DeleteOptions(preconditions: .init(uid: "00000000-0000-0000-0000-000000000000")))
            }
            #expect(wrongUID?.isConflict == true)
            #expect(wrongUID?.message.contains("Precondition failed: UID") == true)
            let wrongVersion = await kubernetesError("delete with an old resourceVersion") {
                try await client.delete(
                    Secret.self, name: "s", namespace: "team-a",
                    options: DeleteOptions(preconditions: .init(resourceVersion: "1")))
            }
            #expect(wrongVersion?.isConflict == true)
            #expect(wrongVersion?.message.contains("Precondition failed: ResourceVersion") == true)
            #expect(cluster.simulator.object(.secrets, namespace: "team-a", name: "s") != nil)

            try await client.delete(
                Secret.self, name: "s", namespace: "team-a",
                options: DeleteOptions(preconditions: .init(uid: uid, resourceVersion: version)))
            #expect(cluster.simulator.object(.secrets, namespace: "team-a", name: "s") == nil)
            let again = await kubernetesError("second delete") {
                try await client.delete(Secret.self, name: "s", namespace: "team-a")
            }
            #expect(again?.isNotFound == true)

            // A cluster-scoped delete: the namespace and its default ServiceAccount go.
            try await client.delete(Namespace.self, name: "team-a")
            #expect(cluster.simulator.object(.namespaces, name: "team-a") == nil)
            #expect(cluster.simulator.objects(.serviceAccounts, namespace: "team-a").isEmpty)
        }
    }

    @Test("1,200 objects with limit=500: 3 pages from one snapshot, continue tokens, every object once")
    func pagination() async throws {
        try await SimulatedCluster.with { cluster in
            try cluster.seed(.namespaces, ["metadata": ["name": "bulk"]])
            let names = (0..<1200).map { String(format: "s-%04d", $0) }
            for name in names {
                try cluster.seed(.secrets, namespace: "bulk", ["metadata": ["name": .string(name)]])
            }
            var options = ListOptions(limit: 500)
            var pages: [KubernetesList<Secret>] = []
            repeat {
                let page = try await cluster.client.list(Secret.self, namespace: "bulk", options: options)
                pages.append(page)
                options.continue = page.continueToken
                if pages.count == 1 {
                    // Writes after the first page do not leak into later pages: they come from the same snapshot.
                    try cluster.seed(.secrets, namespace: "bulk", ["metadata": ["name": "s-9999"]])
                    try cluster.simulator.delete(.secrets, namespace: "bulk", name: "s-1100")
                }
            } while options.continue != nil && pages.count < 10
            #expect(pages.map(\.items.count) == [500, 500, 200])
            #expect(pages.map(\.metadata.remainingItemCount) == [700, 200, nil])
            let tokens = pages.compactMap(\.continueToken)
            #expect(tokens.count == 2 && Set(tokens).count == 2)
            #expect(Set(pages.map(\.metadata.resourceVersion)).count == 1)
            let seen = pages.flatMap(\.items).compactMap(\.metadata.name)
            #expect(seen == names)
            #expect(cluster.simulator.requestCount(verb: "list", resource: "secrets", code: 200) == 3)

            // listAll follows the tokens the same way and sees the current state.
            let all = try await cluster.client.listAll(Secret.self, namespace: "bulk")
            #expect(all.items.count == 1200)
            #expect(all.items.contains { $0.metadata.name == "s-9999" })
            #expect(!all.items.contains { $0.metadata.name == "s-1100" })
            #expect(all.metadata.continue == nil)
            #expect(cluster.simulator.requestCount(verb: "list", resource: "secrets", code: 200) == 6)

            // A continue token from before a compaction is 410 Expired: the caller must start over.
            let first = try await cluster.client.list(Secret.self, namespace: "bulk", options: ListOptions(limit: 500))
            cluster.simulator.compact()
            let expired = await kubernetesError("continue after compaction") {
                _ = try await cluster.client.list(
                    Secret.self, namespace: "bulk", options: ListOptions(limit: 500, continue: first.continueToken))
            }
            #expect(expired?.isGone == true)
            #expect(expired?.reason == "Expired")
        }
    }

    @Test("label selectors (=, !=, in, notin, exists, !exists) and field selectors")
    func selectors() async throws {
        try await SimulatedCluster.with { cluster in
            let client = cluster.client
            try cluster.seed(.namespaces, ["metadata": ["name": "sel"]])
            try cluster.seed(.namespaces, ["metadata": ["name": "other"]])
            var labelsByName: [String: [String: String]] = [:]
            for index in 0..<30 {
                var labels: [String: String] = [:]
                if index % 3 != 2 { labels["team"] = ["a", "b"][index % 3] }
                if index % 2 == 0 { labels["env"] = index % 4 == 0 ? "prod" : "dev" }
                let name = "s\(index)"
                labelsByName[name] = labels
                let labelJSON = SimJSON.object(labels.mapValues { .string($0) })
                try cluster.seed(
                    .secrets, namespace: "sel", ["metadata": ["name": .string(name), "labels": labelJSON]])
            }
            try cluster.seed(.secrets, namespace: "other", ["metadata": ["name": "s1", "labels": ["team": "a"]]])

            let selectors: [(String, @Sendable ([String: String]) -> Bool)] = [
                ("team=a", { $0["team"] == "a" }),
                ("team==b", { $0["team"] == "b" }),
                ("team!=a", { $0["team"] != "a" }),
                ("team in (a,b)", { $0["team"] != nil }),
                ("team notin (a)", { $0["team"] != "a" }),
                ("env", { $0["env"] != nil }),
                ("!env", { $0["env"] == nil }),
                ("team=a,env=prod", { $0["team"] == "a" && $0["env"] == "prod" }),
            ]
            for (selector, predicate) in selectors {
                let page = try await client.list(Secret.self, namespace: "sel", labelSelector: selector)
                let expected = labelsByName.filter { predicate($0.value) }.keys.sorted()
                #expect(page.items.compactMap(\.metadata.name).sorted() == expected, "\(selector)")
                #expect(!expected.isEmpty, "\(selector) selects something")
            }

            let byName = try await client.list(
                Secret.self, namespace: "sel", options: ListOptions(fieldSelector: "metadata.name=s3"))
            #expect(byName.items.map(\.key) == ["sel/s3"])
            let notName = try await client.list(
                Secret.self, namespace: "sel", options: ListOptions(fieldSelector: "metadata.name!=s3"))
            #expect(notName.items.count == 29)
            let acrossNamespaces = try await client.list(
                Secret.self, namespace: nil,
                options: ListOptions(labelSelector: "team=a", fieldSelector: "metadata.namespace=other"))
            #expect(acrossNamespaces.items.map(\.key) == ["other/s1"])
            let namespaces = try await client.list(Namespace.self, labelSelector: "kubernetes.io/metadata.name=sel")
            #expect(namespaces.items.compactMap(\.metadata.name) == ["sel"])

            let badField = await kubernetesError("unsupported field selector") {
                _ = try await client.list(
                    Secret.self, namespace: "sel", options: ListOptions(fieldSelector: "spec.x=1"))
            }
            #expect(badField?.code == 400)
            #expect(badField?.message.contains("field label not supported") == true)
        }
    }

    @Test("429 with Retry-After: the read is retried after the server's delay and succeeds (2 requests)")
    func tooManyRequestsHonoursRetryAfter() async throws {
        let codes = Locked<[Int?]>([])
        try await SimulatedCluster.with(client: { configuration in
            configuration.requestObserver = { record in
                if record.resource == "secrets" { codes.withLock { $0.append(record.code) } }
            }
        }) { cluster in
            try await cluster.createNamespace("team-a")
            _ = try await cluster.client.create(Self.secret("s", in: "team-a"))
            codes.withLock { $0 = [] }
            cluster.simulator.addFault(
                FaultRule(
                    verbs: ["get"], resources: ["secrets"], errorRate: 1, errorCodes: [429], retryAfterSeconds: 1,
                    remaining: 1))
            let secret = try await cluster.client.get(Secret.self, name: "s", namespace: "team-a")
            #expect(secret.metadata.name == "s")
            #expect(cluster.simulator.requestCount(verb: "get", resource: "secrets") == 2)
            #expect(cluster.simulator.requestCount(verb: "get", resource: "secrets", code: 429) == 1)
            #expect(cluster.simulator.requestCount(verb: "get", resource: "secrets", code: 200) == 1)
            #expect(codes.value == [429, 200])
        }
    }

    @Test("a Retry-After beyond the call's deadline fails at once with the 429 instead of backing off briefly")
    func retryAfterBeyondDeadline() async throws {
        try await SimulatedCluster.with(client: { $0.requestTimeout = .seconds(15) }) { cluster in
            cluster.simulator.addFault(
                FaultRule(
                    verbs: ["list"], resources: ["namespaces"], errorRate: 1, errorCodes: [429],
                    retryAfterSeconds: 60, remaining: 1))
            let error = await kubernetesError("list under a long Retry-After") {
                _ = try await cluster.client.list(Namespace.self)
            }
            #expect(error?.isTooManyRequests == true)
            // The test retry policy would have retried within 50 ms: only the server's 60 s stopped it.
            #expect(cluster.simulator.requestCount(verb: "list", resource: "namespaces") == 1)
        }
    }

    @Test("writes are retried on 429 only; reads also on 5xx")
    func retryClassification() async throws {
        try await SimulatedCluster.with { cluster in
            try await cluster.createNamespace("team-a")
            cluster.simulator.addFault(
                FaultRule(
                    verbs: ["create"], resources: ["secrets"], errorRate: 1, errorCodes: [429], retryAfterSeconds: 0,
                    remaining: 1))
            _ = try await cluster.client.create(Self.secret("after-429", in: "team-a"))
            #expect(cluster.simulator.requestCount(verb: "create", resource: "secrets") == 2)

            cluster.simulator.addFault(
                FaultRule(verbs: ["create"], resources: ["secrets"], errorRate: 1, errorCodes: [503], remaining: 1))
            let unavailable = await kubernetesError("create during a 503") {
                _ = try await cluster.client.create(Self.secret("after-503", in: "team-a"))
            }
            #expect(unavailable?.isServerError == true)
            #expect(cluster.simulator.requestCount(verb: "create", resource: "secrets", code: 503) == 1)
            #expect(cluster.simulator.requestCount(verb: "create", resource: "secrets") == 3)

            cluster.simulator.addFault(
                FaultRule(verbs: ["get"], resources: ["secrets"], errorRate: 1, errorCodes: [500, 503], remaining: 2))
            _ = try await cluster.client.get(Secret.self, name: "after-429", namespace: "team-a")
            #expect(cluster.simulator.requestCount(verb: "get", resource: "secrets") == 3)
        }
    }

    @Test("a create in a terminating namespace is a typed 403 NamespaceTerminating; RBAC denials are not")
    func terminatingNamespace() async throws {
        try await SimulatedCluster.with({ $0.namespaceDeletionDelay = .seconds(60) }) { cluster in
            let client = cluster.client
            try await cluster.createNamespace("doomed")
            try await client.delete(Namespace.self, name: "doomed")
            let namespace = try await client.get(Namespace.self, name: "doomed")
            #expect(namespace.isTerminating)
            let refused = await kubernetesError("create in a terminating namespace") {
                _ = try await client.create(Self.secret("s", in: "doomed"))
            }
            #expect(refused?.isNamespaceTerminating == true)
            #expect(refused?.isForbidden == true)
            #expect(refused?.message.contains("because it is being terminated") == true)
            #expect(cluster.simulator.requestCount(verb: "create", resource: "secrets", code: 403) == 1)

            cluster.simulator.addUser(name: "reader", token: "reader-token")
            try await cluster.withClient(cluster.configuration(token: "reader-token")) { reader in
                let denied = await kubernetesError("create without RBAC") {
                    _ = try await reader.create(Self.secret("s", in: "default"))
                }
                #expect(denied?.isForbidden == true)
                #expect(denied?.isNamespaceTerminating == false)
            }
        }
    }

    @Test("an unknown token is a typed 401 after one credential refresh")
    func unauthorized() async throws {
        try await SimulatedCluster.with { cluster in
            try await cluster.withClient(cluster.configuration(token: "not-a-token")) { client in
                let error = await kubernetesError("list with an unknown token") {
                    _ = try await client.list(Namespace.self)
                }
                #expect(error?.isUnauthorized == true)
                #expect(error.map { !$0.description.contains("not-a-token") } == true)
            }
            // The client asks its provider for fresh credentials once after a 401, then gives up.
            #expect(cluster.simulator.requestCount(verb: "list", resource: "namespaces", code: 401) == 2)
        }
    }
}
