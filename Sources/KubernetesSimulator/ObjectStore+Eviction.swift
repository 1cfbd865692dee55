import Foundation

/// Pods without a kubelet, and the `pods/NAME/eviction` subresource with the PodDisruptionBudget check of
/// kube-apiserver's `pkg/registry/core/pod/storage/eviction.go`.
///
/// Simplifications, on purpose: no PDB controller runs, so a budget's status is computed at the moment of the
/// eviction: expected = the pods its selector matches (not the owning controller's scale), healthy = those `Running`
/// with condition `Ready=True`, desired healthy from `minAvailable` or `maxUnavailable` (numbers or percentages,
/// rounded up); `disruptionsAllowed = max(0, healthy - desired)`. An evicted pod is deleted at once (no grace period:
/// nothing runs it), and no controller creates a replacement.
extension ObjectStore {
    /// What pod admission does before a pod is stored: status reset to `Pending` (only the status subresource sets it),
    /// `serviceAccountName` defaulted, and the ServiceAccount admission plugin's copy of the account's
    /// `imagePullSecrets` into a pod that lists none.
    func admitPod(_ pod: inout JSONValue, namespace: String, name: String, state: StoreState) throws(APIError) {
        pod["status"] = ["phase": "Pending"]
        var accountName = pod.value(at: ["spec", "serviceAccountName"])?.stringValue ?? ""
        if accountName.isEmpty { accountName = pod.value(at: ["spec", "serviceAccount"])?.stringValue ?? "" }
        if accountName.isEmpty { accountName = "default" }
        pod.setValue(.string(accountName), at: ["spec", "serviceAccountName"])
        let key = ObjectKey(namespace: namespace, name: accountName)
        guard let account = state.buckets[ResourceType.serviceAccounts.storage]?[key] else {
            throw APIError(
                code: 403, reason: "Forbidden",
                message: "pods \"\(name)\" is forbidden: error looking up service account \(namespace)/\(accountName): "
                    + "serviceaccount \"\(accountName)\" not found",
                name: name, group: "", kind: "pods")
        }
        let listed = pod.value(at: ["spec", "imagePullSecrets"])?.arrayValue ?? []
        if listed.isEmpty, let inherited = account["imagePullSecrets"]?.arrayValue, !inherited.isEmpty {
            pod.setValue(.array(inherited), at: ["spec", "imagePullSecrets"])
        }
    }

    /// POST pods/NAME/eviction: 201 and the pod deleted, or the API server's refusal (404, 400, 409, 429, 500).
    func evict(namespace: String, name: String, body: JSONValue) throws(APIError) -> JSONValue {
        guard body.isObject else { throw APIError.badRequest("the body of the request must be a JSON object") }
        let version = body["apiVersion"]?.stringValue ?? ""
        let kind = body["kind"]?.stringValue ?? ""
        guard ["policy/v1", "policy/v1beta1"].contains(version), kind == "Eviction" else {
            throw APIError.badRequest(
                "Eviction in version \"v1\" cannot be handled as a Eviction: expected apiVersion policy/v1 and kind "
                    + "Eviction, found \"\(version)\" \"\(kind)\"")
        }
        if body.value(at: ["metadata", "name"])?.stringValue != name {
            throw APIError.badRequest("name in URL does not match name in Eviction object")
        }
        try state.withLock { (state) throws(APIError) -> Void in
            let key = ObjectKey(namespace: namespace, name: name)
            guard let pod = state.buckets[ResourceType.pods.storage]?[key] else {
                throw APIError.notFound(.pods, name: name)
            }
            guard !Self.canIgnoreBudgets(pod) else { return }
            let budgets = (state.buckets[ResourceType.podDisruptionBudgets.storage] ?? [:]).filter {
                $0.key.namespace == namespace && Self.selects($0.value, pod)
            }.map(\.value)
            if budgets.count > 1 {
                throw APIError.internalError(
                    "This pod has more than one PodDisruptionBudget, which the eviction subresource does not support.")
            }
            guard let budget = budgets.first else { return }
            let pods = (state.buckets[ResourceType.pods.storage] ?? [:]).filter {
                $0.key.namespace == namespace && Self.selects(budget, $0.value)
            }.map(\.value)
            let (desired, healthy) = Self.health(budget, pods: pods)
            // Like the default `IfHealthyBudget`: an unhealthy pod may go while the budget is met.
            if !Self.isHealthy(pod) && healthy >= desired { return }
            if healthy - desired <= 0 {
                let budgetName = budget.value(at: ["metadata", "name"])?.stringValue ?? ""
                throw APIError(
                    code: 429, reason: "TooManyRequests",
                    message: "Cannot evict pod as it would violate the pod's disruption budget.",
                    causes: [
                        StatusCause(
                            reason: "DisruptionBudget",
                            message: "The disruption budget \(budgetName) needs \(desired) healthy pods and has "
                                + "\(healthy) currently")
                    ])
            }
        }
        _ = try delete(
            .pods, namespace: namespace, name: name, preconditions: DeletePreconditions(body: body["deleteOptions"]))
        return ["kind": "Status", "apiVersion": "v1", "metadata": [:], "status": "Success", "code": 201]
    }

    /// kube-apiserver's `canIgnorePDB`: finished, pending and terminating pods are evicted whatever the budgets say.
    static func canIgnoreBudgets(_ pod: JSONValue) -> Bool {
        let phase = pod.value(at: ["status", "phase"])?.stringValue ?? ""
        return ["Succeeded", "Failed", "Pending"].contains(phase)
            || pod.value(at: ["metadata", "deletionTimestamp"]) != nil
    }

    static func isHealthy(_ pod: JSONValue) -> Bool {
        guard pod.value(at: ["status", "phase"])?.stringValue == "Running" else { return false }
        return (pod.value(at: ["status", "conditions"])?.arrayValue ?? []).contains {
            $0["type"]?.stringValue == "Ready" && $0["status"]?.stringValue == "True"
        }
    }

    /// Desired and current healthy pods of a budget over the pods its selector matches.
    static func health(_ budget: JSONValue, pods: [JSONValue]) -> (desired: Int, healthy: Int) {
        let expected = pods.count
        let healthy = pods.filter(isHealthy).count
        func amount(_ value: JSONValue) -> Int {
            if let number = value.intValue { return number }
            let text = value.stringValue ?? ""
            guard text.hasSuffix("%"), let percent = Int(text.dropLast()) else { return 0 }
            return (expected * percent + 99) / 100
        }
        if let minimum = budget.value(at: ["spec", "minAvailable"]) { return (amount(minimum), healthy) }
        if let maximum = budget.value(at: ["spec", "maxUnavailable"]) {
            return (max(0, expected - amount(maximum)), healthy)
        }
        return (0, healthy)
    }

    /// policy/v1 selector semantics: a null selector selects nothing, an empty one every pod of the namespace.
    static func selects(_ budget: JSONValue, _ pod: JSONValue) -> Bool {
        guard let selector = budget.value(at: ["spec", "selector"]), selector.isObject else { return false }
        let labels = (pod.value(at: ["metadata", "labels"])?.objectValue ?? [:]).compactMapValues(\.stringValue)
        for (key, value) in selector["matchLabels"]?.objectValue ?? [:] where labels[key] != value.stringValue {
            return false
        }
        for expression in selector["matchExpressions"]?.arrayValue ?? [] {
            let key = expression["key"]?.stringValue ?? ""
            let values = (expression["values"]?.arrayValue ?? []).compactMap(\.stringValue)
            let value = labels[key]
            switch expression["operator"]?.stringValue ?? "" {
            case "In": if !(value.map(values.contains) ?? false) { return false }
            case "NotIn": if value.map(values.contains) ?? false { return false }
            case "Exists": if value == nil { return false }
            case "DoesNotExist": if value != nil { return false }
            default: return false
            }
        }
        return true
    }
}
