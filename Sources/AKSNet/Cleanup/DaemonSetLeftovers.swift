import KubeClient
import KubeModel

/// Inspect's DaemonSet (past `--daemonset-threshold`) left by a run that was killed: its pods
/// restart after their sleep, so nothing ends it but a delete (a DaemonSet's pods may not have
/// activeDeadlineSeconds). Found by the managed-by label, deleted with its pods.
extension Cleanup {
    public func findDaemonSets(namespaces: [String]?, olderThan: Double?, now: Double) throws(KubeError) -> [Leftover] {
        var out: [Leftover] = []
        for scope in namespaces ?? [nil] as [String?] {
            let path = ResourcePath(group: "apps", resource: "daemonsets", namespace: scope)
            let items: [JSONValue]
            do {
                items = try client.list(path, labelSelector: HelperLabels.managedSelector).items
            } catch where error.kind == .notFound || error.kind == .forbidden {
                continue
            }
            for set in items {
                guard let leftover = Self.leftover(set, now: now), Self.isOldEnough(leftover.age, olderThan) else { continue }
                out.append(leftover)
            }
        }
        return out
    }

    public func deleteDaemonSet(_ leftover: Leftover) throws(KubeError) {
        do {
            _ = try client.forCleanup.delete(ResourcePath(group: "apps", resource: "daemonsets", namespace: leftover.namespace,
                                                      name: leftover.name), gracePeriodSeconds: 0, propagation: .background)
        } catch where error.kind == .notFound {
            return
        }
    }
}
