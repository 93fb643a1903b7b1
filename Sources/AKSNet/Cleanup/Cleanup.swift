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

    /// Where cleanup looks.
    public enum Scope: Equatable, Sendable {
        /// Every namespace (`-A`).
        case allNamespaces
        /// The user's current namespace, and `aksnet-system` where node helpers live.
        case current(String)

        /// The namespaces to list; nil means all of them.
        public var namespaces: [String]? {
            switch self {
            case .allNamespaces: return nil
            case .current(let namespace):
                return namespace == HelperLabels.namespace ? [namespace] : [namespace, HelperLabels.namespace]
            }
        }
    }

    public let client: any KubeAPI
    public init(client: any KubeAPI) { self.client = client }

    /// The helper pods to delete: labelled ours and older than `olderThan` seconds (when set).
    public func find(namespaces: [String]?, olderThan: Double?, now: Double) throws(KubeError) -> [Leftover] {
        try pods(in: namespaces, labelSelector: HelperLabels.managedSelector).compactMap { pod in
            guard let leftover = Self.leftover(pod, now: now) else { return nil }
            return Self.isOldEnough(leftover.age, olderThan) ? leftover : nil
        }
    }

    /// The pods of `namespaces` (nil: all) matching `labelSelector`; a namespace that does not exist has none.
    func pods(in namespaces: [String]?, labelSelector: String?) throws(KubeError) -> [JSONValue] {
        var out: [JSONValue] = []
        for scope in namespaces ?? [nil] as [String?] {
            do {
                out += try client.list(.pods(scope), labelSelector: labelSelector).items
            } catch where error.kind == .notFound {
                continue
            }
        }
        return out
    }

    /// An unknown age counts as old enough: cleanup errs on the side of removing our leftovers.
    static func isOldEnough(_ age: Double?, _ olderThan: Double?) -> Bool {
        guard let olderThan, let age else { return true }
        return age >= olderThan
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
