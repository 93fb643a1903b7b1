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

    /// Our ephemeral containers (named `aksnet-…`) still running in the pods of `namespaces` (nil: all).
    public func findEphemeral(namespaces: [String]?, olderThan: Double?, now: Double) throws(KubeError) -> [RunningEphemeral] {
        var out: [RunningEphemeral] = []
        let scopes: [String?] = namespaces ?? [nil]
        for scope in scopes {
            let pods: [JSONValue]
            do {
                pods = try client.list(.pods(scope)).items
            } catch where error.kind == .notFound {
                continue
            }
            for pod in pods {
                out += Self.runningEphemeral(pod, now: now).filter { entry in
                    guard let olderThan, let age = entry.age else { return true }
                    return age >= olderThan
                }
            }
        }
        return out
    }

    static func runningEphemeral(_ pod: JSONValue, now: Double) -> [RunningEphemeral] {
        guard let name = pod.metadataName, let namespace = pod.metadataNamespace else { return [] }
        return (pod["status"]?["ephemeralContainerStatuses"]?.arrayValue ?? []).compactMap { status in
            guard let container = status["name"]?.stringValue, container.hasPrefix("aksnet-"),
                  let running = status["state"]?["running"] else { return nil }
            let started = running["startedAt"]?.stringValue.flatMap(RFC3339.parse)
            return RunningEphemeral(namespace: namespace, pod: name, container: container, age: started.map { now - $0 })
        }
    }

    /// Ends the container's process: an attach that closes its stdin.
    public func stop(_ entry: RunningEphemeral) throws(KubeError) {
        if let error = EphemeralHold.end(client: client.forCleanup, namespace: entry.namespace, pod: entry.pod,
                                         container: entry.container) {
            throw error
        }
    }
}
