import KubeClient
import KubeModel

/// `kubectl aksnet cleanup`: deletes what any aksnet command left behind, found by the
/// managed-by label (pods, in the current namespace and aksnet-system, or everywhere with -A).
public struct Cleanup {
    public struct Leftover: Equatable, Sendable {
        public var namespace: String
        public var name: String
        public var age: Double?
        public var command: String
    }

    public let client: KubeClient
    public init(client: KubeClient) { self.client = client }

    /// The helper pods to delete: labelled ours and older than `olderThan` seconds (when set).
    public func find(namespaces: [String]?, olderThan: Double?, now: Double) throws(KubeError) -> [Leftover] {
        var out: [Leftover] = []
        let scopes: [String?] = namespaces ?? [nil]
        for scope in scopes {
            let items: [JSONValue]
            do {
                items = try client.list(.pods(scope), labelSelector: HelperLabels.managedSelector).items
            } catch where error.kind == .notFound {
                continue
            }
            for pod in items {
                guard let leftover = Self.leftover(pod, now: now) else { continue }
                if let olderThan, let age = leftover.age, age < olderThan { continue }
                out.append(leftover)
            }
        }
        return out
    }

    static func leftover(_ pod: JSONValue, now: Double) -> Leftover? {
        guard let name = pod.metadataName, let namespace = pod.metadataNamespace,
              pod["metadata"]?["labels"]?[HelperLabels.managedByKey]?.stringValue == HelperLabels.managedByValue else { return nil }
        let created = pod["metadata"]?["creationTimestamp"]?.stringValue.flatMap(RFC3339.parse)
        return Leftover(namespace: namespace, name: name, age: created.map { now - $0 },
                        command: pod["metadata"]?["labels"]?[HelperLabels.commandKey]?.stringValue ?? "")
    }

    public func delete(_ leftover: Leftover) throws(KubeError) {
        do {
            try client.forCleanup.delete(.pods(leftover.namespace, leftover.name), gracePeriodSeconds: 0)
        } catch where error.kind == .notFound {
            return
        }
    }
}
