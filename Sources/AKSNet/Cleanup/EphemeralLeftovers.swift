import KubeClient
import KubeModel

/// Ephemeral capture containers an aksnet command could not end (the plugin was killed before
/// it held their stdin): an ephemeral container cannot be deleted, so cleanup ends its process
/// instead, by closing its stdin through an attach (EphemeralHold).
extension Cleanup {
    public struct RunningEphemeral: Equatable, Sendable {
        public var namespace: String
        public var pod: String
        public var container: String
        public var age: Double?
    }

    /// Our ephemeral containers (named `aksnet-…`, HelperNames.prefix) still running in the pods
    /// of `namespaces` (nil: all). They live in the user's pods, which carry no label of ours.
    public func findEphemeral(namespaces: [String]?, olderThan: Double?, now: Double) throws(KubeError) -> [RunningEphemeral] {
        try pods(in: namespaces, labelSelector: nil).flatMap { pod in
            Self.runningEphemeral(pod, now: now).filter { Self.isOldEnough($0.age, olderThan) }
        }
    }

    static func runningEphemeral(_ pod: JSONValue, now: Double) -> [RunningEphemeral] {
        guard let name = pod.metadataName, let namespace = pod.metadataNamespace else { return [] }
        return (pod["status"]?["ephemeralContainerStatuses"]?.arrayValue ?? []).compactMap { status in
            guard let container = status["name"]?.stringValue, container.hasPrefix(HelperNames.prefix),
                  let running = status["state"]?["running"], running != .null else { return nil }
            let started = running["startedAt"]?.stringValue.flatMap(RFC3339.parse)
            return RunningEphemeral(namespace: namespace, pod: name, container: container, age: started.map { now - $0 })
        }
    }

    /// Ends the container's process: an attach that closes its stdin.
    public func stop(_ entry: RunningEphemeral) throws(SessionError) {
        if let error = EphemeralHold.end(client: client.forCleanup, namespace: entry.namespace, pod: entry.pod,
                                         container: entry.container) {
            throw error
        }
    }
}
