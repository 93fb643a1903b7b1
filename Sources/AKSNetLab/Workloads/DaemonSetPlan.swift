import KubeModel

/// What the DaemonSet controller must do, from the objects alone (pure, table-tested): a pod
/// per node that the DaemonSet's pod template fits (nodeSelector, required node affinity on
/// labels or `metadata.name`, taints tolerated, the node Ready), none elsewhere, and pods whose
/// owning DaemonSet is gone deleted (the garbage collector's part).
enum DaemonSetPlan {
    /// DaemonSets the lab made for kube-system at `up` carry this annotation: the lab's own
    /// dataplane plays them (its kube-proxy is ServiceController), so they get no pods.
    static let emulatedAnnotation = "aksnet-lab.io/emulated"

    struct Create: Equatable {
        var daemonSet: JSONValue
        var node: String
    }

    struct Actions: Equatable {
        var create: [Create] = []
        /// (namespace, name) of pods to delete.
        var delete: [[String]] = []
    }

    static func actions(daemonSets: [JSONValue], nodes: [JSONValue], pods: [JSONValue]) -> Actions {
        var actions = Actions()
        var owners: [String: JSONValue] = [:]
        for set in daemonSets where set["metadata"]?["annotations"]?[emulatedAnnotation]?.stringValue != "true" {
            if let uid = set["metadata"]?["uid"]?.stringValue { owners[uid] = set }
        }
        var podsByOwner: [String: [JSONValue]] = [:]
        for pod in pods {
            guard let uid = ownerUID(pod) else { continue }
            if owners[uid] == nil {
                // Owned by a DaemonSet that no longer exists: garbage.
                if !isDeleting(pod) { actions.delete.append([pod.metadataNamespace ?? "", pod.name]) }
                continue
            }
            podsByOwner[uid, default: []].append(pod)
        }
        for uid in owners.keys.sorted() {
            guard let set = owners[uid] else { continue }
            let wanted = Set(nodes.filter { fits(set, on: $0) }.map(\.name))
            var covered = Set<String>()
            for pod in podsByOwner[uid] ?? [] {
                let node = pod["spec"]?["nodeName"]?.stringValue ?? ""
                if wanted.contains(node) && !covered.contains(node) {
                    covered.insert(node)
                } else if !isDeleting(pod) {
                    actions.delete.append([pod.metadataNamespace ?? "", pod.name])
                }
            }
            for node in wanted.subtracting(covered).sorted() { actions.create.append(Create(daemonSet: set, node: node)) }
        }
        return actions
    }

    static func ownerUID(_ pod: JSONValue) -> String? {
        (pod["metadata"]?["ownerReferences"]?.arrayValue ?? []).first {
            $0["kind"]?.stringValue == "DaemonSet" && $0["controller"]?.boolValue == true
        }?["uid"]?.stringValue
    }

    static func isDeleting(_ pod: JSONValue) -> Bool {
        if let stamp = pod["metadata"]?["deletionTimestamp"], stamp != .null { return true }
        return false
    }

    /// Whether the DaemonSet's pod belongs on `node`.
    static func fits(_ set: JSONValue, on node: JSONValue) -> Bool {
        let spec = set["spec"]?["template"]?["spec"] ?? .null
        let labels = node.labels
        guard LabKubelet.isReady(node) else { return false }
        for (key, value) in spec["nodeSelector"]?.objectValue ?? JSONObject() where labels[key] != value.stringValue {
            return false
        }
        let terms = spec["affinity"]?["nodeAffinity"]?["requiredDuringSchedulingIgnoredDuringExecution"]?["nodeSelectorTerms"]?.arrayValue
        if let terms, !terms.isEmpty, !terms.contains(where: { matches(term: $0, node: node) }) { return false }
        let tolerations = spec["tolerations"]?.arrayValue ?? []
        for taint in node["spec"]?["taints"]?.arrayValue ?? [] {
            let effect = taint["effect"]?.stringValue ?? ""
            guard effect == "NoSchedule" || effect == "NoExecute" else { continue }
            if !tolerations.contains(where: { tolerates($0, taint) }) { return false }
        }
        return true
    }

    /// One nodeSelectorTerm: every expression (labels) and field (metadata.name) holds.
    static func matches(term: JSONValue, node: JSONValue) -> Bool {
        func holds(_ requirement: JSONValue, value: String?) -> Bool {
            let values = requirement["values"]?.arrayValue?.compactMap(\.stringValue) ?? []
            switch requirement["operator"]?.stringValue ?? "" {
            case "In": return value.map(values.contains) ?? false
            case "NotIn": return !(value.map(values.contains) ?? false)
            case "Exists": return value != nil
            case "DoesNotExist": return value == nil
            default: return false
            }
        }
        let labels = node.labels
        for expression in term["matchExpressions"]?.arrayValue ?? [] {
            if !holds(expression, value: labels[expression["key"]?.stringValue ?? ""]) { return false }
        }
        for field in term["matchFields"]?.arrayValue ?? [] {
            let value = field["key"]?.stringValue == "metadata.name" ? node.name : nil
            if !holds(field, value: value) { return false }
        }
        return true
    }

    static func tolerates(_ toleration: JSONValue, _ taint: JSONValue) -> Bool {
        let key = toleration["key"]?.stringValue ?? ""
        let effect = toleration["effect"]?.stringValue ?? ""
        if !effect.isEmpty && effect != taint["effect"]?.stringValue { return false }
        if toleration["operator"]?.stringValue == "Exists" { return key.isEmpty || key == taint["key"]?.stringValue }
        return key == taint["key"]?.stringValue && (toleration["value"]?.stringValue ?? "") == (taint["value"]?.stringValue ?? "")
    }

    /// The pod a DaemonSet runs on `node`: its template, owned by it (controller), pinned to the
    /// node by required affinity on `metadata.name` as the real controller does, and bound
    /// (`nodeName`) as the scheduler then would.
    static func pod(for set: JSONValue, node: String, suffix: String) -> JSONValue {
        let template = set["spec"]?["template"] ?? .null
        var metadata = template["metadata"]?.objectValue ?? JSONObject()
        metadata["name"] = .string(String(set.name.prefix(57)) + "-" + suffix)
        metadata["namespace"] = .string(set.metadataNamespace ?? "default")
        metadata["ownerReferences"] = [[
            "apiVersion": "apps/v1", "kind": "DaemonSet", "name": .string(set.name),
            "uid": set["metadata"]?["uid"] ?? .null, "controller": true, "blockOwnerDeletion": true,
        ]]
        var spec = template["spec"] ?? .null
        spec.set(path: ["affinity", "nodeAffinity", "requiredDuringSchedulingIgnoredDuringExecution"], ["nodeSelectorTerms": [
            ["matchFields": [["key": "metadata.name", "operator": "In", "values": [.string(node)]]]],
        ]])
        spec.set("nodeName", .string(node))
        return ["apiVersion": "v1", "kind": "Pod", "metadata": .object(metadata), "spec": spec]
    }
}
