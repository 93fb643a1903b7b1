import KubeClient
import KubeModel
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// One command's helpers, created → waited Running (watch, with a deadline) → used → deleted.
/// Everything it creates is recorded first, so a signal, an error or a closed stdout deletes
/// exactly what this session made (`cleanup()`), unless `keep` is set.
public final class HelperSession: Sendable {
    public let client: any KubeAPI
    public let options: HelperPodOptions
    public let keep: Bool
    private let created = Mutex<[(namespace: String, name: String)]>([])
    private let ephemerals = Mutex<[(namespace: String, pod: String, container: String)]>([])
    private let holds = Mutex<[EphemeralHold]>([])
    private let namespaceReady = Mutex(false)

    public init(client: any KubeAPI, options: HelperPodOptions, keep: Bool = false) {
        self.client = client
        self.options = options
        self.keep = keep
    }

    public var createdPods: [(namespace: String, name: String)] { created.withLock { $0 } }

    /// Creates `aksnet-system` (with its PodSecurity label) when missing; explains a namespace
    /// whose label would refuse privileged helpers.
    public func ensureHelperNamespace() throws(SessionError) {
        let name = HelperLabels.namespace
        do {
            let existing = try client.get(.namespaces(name))
            let level = existing["metadata"]?["labels"]?[HelperLabels.podSecurityEnforce]?.stringValue ?? "privileged"
            if level != "privileged" {
                throw SessionError.podSecurity(namespace: name, level: level, what: "a privileged hostNetwork helper pod",
                                               fix: "label it: kubectl label namespace \(name) \(HelperLabels.podSecurityEnforce)=privileged --overwrite, or use --mode ephemeral")
            }
            return
        } catch let error as SessionError {
            throw error
        } catch let error as KubeError where error.kind == .notFound {
            // made below
        } catch let error as KubeError where error.kind == .forbidden {
            // May not read namespaces but may create pods there: try the pod.
            return
        } catch let error as KubeError {
            throw SessionError.kube(error)
        } catch {
            throw SessionError.other("\(error)")
        }
        do {
            _ = try client.create(.namespaces(), DebugPods.helperNamespace(name))
        } catch where error.kind == .conflict {
            return
        } catch where error.kind == .forbidden {
            throw SessionError.rbac(error, need: "create namespaces (\(name) does not exist yet; or ask an admin to create it with the label \(HelperLabels.podSecurityEnforce)=privileged)")
        } catch {
            throw SessionError.kube(error)
        }
    }

    /// `ensureHelperNamespace` once per session (several node helpers share the namespace).
    func ensureHelperNamespaceOnce() throws(SessionError) {
        if namespaceReady.withLock({ $0 }) { return }
        try ensureHelperNamespace()
        namespaceReady.withLock { $0 = true }
    }

    /// Creates a pod and records it before anything can fail after.
    public func createPod(_ pod: JSONValue) throws(SessionError) -> JSONValue {
        let namespace = pod.metadataNamespace ?? HelperLabels.namespace
        let name = pod.metadataName ?? ""
        do {
            let made = try client.create(.pods(namespace), pod)
            created.withLock { $0.append((namespace, name)) }
            return made
        } catch where error.kind == .forbidden {
            if let podSecurity = SessionError.fromPodSecurity(error, namespace: namespace) { throw podSecurity }
            throw SessionError.rbac(error, need: "create pods in namespace \(namespace)")
        } catch {
            throw SessionError.kube(error)
        }
    }

    /// Takes over a helper an earlier `--keep` run left, so this session deletes it unless kept again.
    public func adopt(namespace: String, name: String) {
        created.withLock { $0.append((namespace, name)) }
    }

    /// Adds an ephemeral container (ephemeral containers cannot be removed; their process ends
    /// with its sleep, and the record stays in the pod, as with `kubectl debug`).
    public func addEphemeralContainer(namespace: String, pod: String, _ container: JSONValue) throws(SessionError) {
        do {
            _ = try client.patch(ResourcePath(resource: "pods", namespace: namespace, name: pod, subresource: "ephemeralcontainers"),
                                 DebugPods.ephemeralPatch(container), type: .strategicMerge)
            let name = container["name"]?.stringValue ?? ""
            ephemerals.withLock { $0.append((namespace, pod, name)) }
        } catch where error.kind == .forbidden {
            if let podSecurity = SessionError.fromPodSecurity(error, namespace: namespace) { throw podSecurity }
            throw SessionError.rbac(error, need: "patch pods/ephemeralcontainers in namespace \(namespace)")
        } catch where error.kind == .notFound {
            throw SessionError.kube(error)
        } catch {
            throw SessionError.kube(error)
        }
    }

    /// Watches the pod until `container` runs, fails (image pull, config), or `timeout` passes.
    /// `stop` ends the wait early (`waitStarted` found the container running first): then it throws
    /// `.other("stopped")` and reads no events.
    public func waitRunning(namespace: String, pod: String, container: String, ephemeral: Bool,
                            timeout: Double, stop: @escaping @Sendable () -> Bool = { false }) throws(SessionError) {
        let deadline = Monotonic.now + timeout
        var outcome: PodReadiness = .waiting("Pending")
        do {
            try client.watch(.pods(namespace), fieldSelector: "metadata.name=\(pod)",
                             isCancelled: { StopSignal.isSet || Monotonic.now > deadline || stop() }) { event in
                if stop() { return .stop }
                if event.type == .deleted {
                    outcome = .failed(reason: "Deleted", message: "pod \(namespace)/\(pod) was deleted")
                    return .stop
                }
                guard event.type == .added || event.type == .modified else { return .continue }
                outcome = PodReadiness.of(event.object, container: container, ephemeral: ephemeral)
                switch outcome {
                case .running, .failed: return .stop
                case .waiting: return Monotonic.now > deadline ? .stop : .continue
                }
            }
        } catch where error.kind == .forbidden {
            throw SessionError.rbac(error, need: "watch pods in namespace \(namespace)")
        } catch {
            throw SessionError.kube(error)
        }
        switch outcome {
        case .running: return
        case .failed(let reason, let message):
            throw SessionError.helperFailed(pod: "\(namespace)/\(pod)", container: container, reason: reason, message: message,
                                            events: warningEvents(namespace: namespace, pod: pod))
        case .waiting(let reason):
            if StopSignal.isSet { throw SessionError.interrupted(StopSignal.received) }
            if stop() { throw SessionError.other("stopped") }
            throw SessionError.helperFailed(pod: "\(namespace)/\(pod)", container: container, reason: "Timeout",
                                            message: "not running after \(Int(timeout))s (still \(reason))",
                                            events: warningEvents(namespace: namespace, pod: pod))
        }
    }

    /// The pod's Warning events, oldest first (what `kubectl describe` shows), best effort.
    public func warningEvents(namespace: String, pod: String) -> [String] {
        guard let listed = try? client.list(ResourcePath(resource: "events", namespace: namespace),
                                            fieldSelector: "involvedObject.name=\(pod)") else { return [] }
        return listed.items.compactMap { event in
            guard event["type"]?.stringValue == "Warning", let message = event["message"]?.stringValue else { return nil }
            return "\(event["reason"]?.stringValue ?? "Warning"): \(message)"
        }
    }

    /// Holds the stdin of an ephemeral container this session added, so that it ends when the
    /// session does (EphemeralHold). Call once the container runs.
    public func holdEphemeral(namespace: String, pod: String, container: String) {
        guard let hold = EphemeralHold.start(client: client, namespace: namespace, pod: pod, container: container) else { return }
        holds.withLock { $0.append(hold) }
    }

    /// Ends the ephemeral containers this session added by closing their stdin: through the
    /// session's attach, or a new attach when there was none (or it failed). The container's
    /// record stays in the pod (as `kubectl debug` leaves it).
    func endEphemeralContainers() -> [String] {
        let list = ephemerals.withLock { list -> [(namespace: String, pod: String, container: String)] in
            defer { list.removeAll() }
            return list
        }
        let held = holds.withLock { list -> [EphemeralHold] in
            defer { list.removeAll() }
            return list
        }
        var failures: [String] = []
        let cleanupClient = client.forCleanup
        for entry in list {
            let hold = held.first { $0.namespace == entry.namespace && $0.pod == entry.pod && $0.container == entry.container }
            var error: SessionError?
            if let hold, hold.failedEarly == nil {
                error = hold.release().map(SessionError.kube)
            } else {
                hold?.release()
                // A container that never ran (image pull, refused) has nothing to end.
                guard isRunning(entry, client: cleanupClient) else { continue }
                error = EphemeralHold.end(client: cleanupClient, namespace: entry.namespace, pod: entry.pod, container: entry.container)
            }
            if let error {
                failures.append("ephemeral container \(entry.container) in pod \(entry.namespace)/\(entry.pod) "
                    + "(\(error.description); it ends at its deadline)")
            }
        }
        return failures
    }

    func isRunning(_ entry: (namespace: String, pod: String, container: String), client: any KubeAPI) -> Bool {
        guard let pod = try? client.get(.pods(entry.namespace, entry.pod)) else { return true }
        return Cleanup.runningEphemeral(pod, now: 0).contains { $0.container == entry.container }
    }

    /// Deletes every pod this session created (grace 0) and ends its ephemeral containers.
    /// Returns what could not be deleted.
    @discardableResult
    public func cleanup() -> [String] {
        let ended = endEphemeralContainers()
        guard !keep else { return ended }
        let pods = created.withLock { list -> [(namespace: String, name: String)] in
            defer { list.removeAll() }
            return list
        }
        var failures = ended
        let cleanupClient = client.forCleanup
        for pod in pods {
            do {
                try cleanupClient.delete(.pods(pod.namespace, pod.name), gracePeriodSeconds: 0)
            } catch where error.kind == .notFound {
                continue
            } catch {
                failures.append("pod \(pod.namespace)/\(pod.name): \(error.description)")
            }
        }
        return failures
    }
}
