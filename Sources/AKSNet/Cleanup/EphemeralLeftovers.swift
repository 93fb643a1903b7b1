import KubeClient
import KubeModel

/// Ephemeral capture containers an aksnet command could not end (the plugin was killed): an
/// ephemeral container cannot be deleted, so cleanup ends its process instead — the PID its
/// command logged first (`aksnet-pid N`), killed through an exec into that container.
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

    /// Ends the container's process: the PID from its log, killed with an exec into it.
    public func stop(_ entry: RunningEphemeral) throws(KubeError) {
        let log = try client.logs(namespace: entry.namespace, pod: entry.pod, container: entry.container)
        guard let line = log.split(separator: "\n").first(where: { $0.hasPrefix(DebugPods.pidLogPrefix) }),
              let pid = Int(line.dropFirst(DebugPods.pidLogPrefix.count).trimmingCharacters(in: " \r")) else {
            throw KubeError(kind: .server, message: "container \(entry.container) of pod \(entry.namespace)/\(entry.pod) logged no PID; "
                + "it ends by itself at its deadline", server: client.config.server)
        }
        var io = ExecIO()
        io.stdoutSink = { _ in true }
        io.stderrSink = { _ in true }
        let request = ExecRequest(namespace: entry.namespace, pod: entry.pod, container: entry.container,
                                  command: ["kill", String(pid)])
        let code = try client.exec(request, io: io)
        if code != 0 {
            throw KubeError(kind: .server, message: "kill \(pid) in \(entry.namespace)/\(entry.pod) (\(entry.container)) exited \(code)",
                            server: client.config.server)
        }
    }
}

extension Substring {
    fileprivate func trimmingCharacters(in set: String) -> String {
        String(self.drop { set.contains($0) }.reversed().drop { set.contains($0) }.reversed())
    }
}
