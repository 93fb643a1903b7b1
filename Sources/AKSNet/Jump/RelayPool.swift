import KubeClient
import KubeModel
#if canImport(Glibc)
import Glibc
#endif

/// Shared relay pods: concurrent jumps to the same node and port (ansible opens many) reuse one
/// running relay within its deadline. Each user is an annotation on the pod; joining and leaving
/// are merge patches that name the resourceVersion they read, so two writers never both win.
/// The last one out first marks the pod closing (in the same checked patch that removes it, so
/// no one can join after) and then deletes it. A user killed with SIGKILL leaves its annotation:
/// that relay then lives to its deadline, or until `kubectl aksnet cleanup`.
public struct RelayPool: Sendable {
    public let client: KubeClient
    public let options: HelperPodOptions
    public let namespace: String
    /// A relay must still have this long to live to be joined.
    public var minimumRemaining: Double = 120

    public init(client: KubeClient, options: HelperPodOptions, namespace: String = HelperLabels.namespace) {
        self.client = client
        self.options = options
        self.namespace = namespace
    }

    public struct Lease: Sendable {
        public var pod: String
        public var created: Bool
    }

    var userKey: String { JumpPods.userAnnotationPrefix + options.session }

    static func selector(node: String, port: UInt16) -> String {
        "\(HelperLabels.managedSelector),\(JumpPods.roleKey)=relay,\(JumpPods.nodeKey)=\(HelperLabels.dnsLabel([node])),\(JumpPods.portKey)=\(port)"
    }

    /// True when a listed relay may be joined: Running, not being deleted, not closing, time left.
    public static func joinable(_ pod: JSONValue, now: Double, minimumRemaining: Double) -> Bool {
        guard pod["status"]?["phase"]?.stringValue == "Running",
              pod["metadata"]?["deletionTimestamp"] == nil,
              pod["metadata"]?["annotations"]?[JumpPods.closingAnnotation] == nil else { return false }
        let ready = (pod["status"]?["containerStatuses"]?.arrayValue ?? []).allSatisfy { $0["state"]?["running"] != nil }
        guard ready else { return false }
        guard let deadline = pod["spec"]?["activeDeadlineSeconds"]?.intValue,
              let started = (pod["status"]?["startTime"]?.stringValue ?? pod["metadata"]?["creationTimestamp"]?.stringValue).flatMap(RFC3339.parse)
        else { return false }
        return started + Double(deadline) - now >= minimumRemaining
    }

    /// Joins a running relay for `target` on `runOn`, or creates one and waits for it to run —
    /// or, sooner, for `early` (given the pod's name) to have an answer from it (see `waitStarted`).
    public func acquire<T>(session: HelperSession, target: JumpNode, runOn: JumpNode, port: UInt16,
                           waitTimeout: Double = 120, early: (String) -> T? = { _ in nil }) throws(JumpError) -> (Lease, T?) {
        if let joined = try join(node: target.name, port: port) { return (Lease(pod: joined, created: false), nil) }
        let name = HelperLabels.dnsLabel(["aksnet-jump", options.session, target.name])
        let pod = JumpPods.relay(name: name, runOn: runOn.name, targetNode: target.name, targetIP: target.internalIP,
                                 targetPort: port, options: options, namespace: namespace, firstUser: options.session)
        do {
            _ = try session.createPod(pod)
        } catch {
            throw JumpError.session(error)
        }
        let answer: T?
        do {
            answer = try session.waitStarted(namespace: namespace, pod: name, container: "relay", timeout: waitTimeout) { early(name) }
        } catch {
            release(Lease(pod: name, created: true))
            throw JumpError.session(error)
        }
        return (Lease(pod: name, created: true), answer)
    }

    /// Adds this session as a user of a joinable relay; nil when there is none.
    /// Many may join at once (ansible's forks): each conflict means another got in first, so
    /// retry (as `release` does) with jitter; giving up would make a second relay for the node.
    func join(node: String, port: UInt16) throws(JumpError) -> String? {
        for attempt in 0..<20 {
            if attempt > 0 { usleep(UInt32.random(in: 5_000...30_000)) }
            let listed: [JSONValue]
            do {
                listed = try client.list(.pods(namespace), labelSelector: Self.selector(node: node, port: port)).items
            } catch where error.kind == .forbidden || error.kind == .notFound {
                return nil
            } catch {
                throw JumpError.session(.kube(error))
            }
            let now = Double(time(nil))
            let candidates = listed.filter { Self.joinable($0, now: now, minimumRemaining: minimumRemaining) }
                .sorted { ($0["metadata"]?["creationTimestamp"]?.stringValue ?? "") > ($1["metadata"]?["creationTimestamp"]?.stringValue ?? "") }
            guard let pod = candidates.first, let name = pod.metadataName,
                  let version = pod["metadata"]?["resourceVersion"]?.stringValue else { return nil }
            let patch: JSONValue = ["metadata": ["resourceVersion": .string(version), "annotations": [userKey: "1"]]]
            do {
                _ = try client.patch(.pods(namespace, name), patch, type: .merge)
                return name
            } catch where error.kind == .conflict || error.kind == .notFound {
                continue  // changed under us (another user, or it is closing): look again
            } catch where error.kind == .forbidden {
                throw JumpError.session(.rbac(error, need: "patch pods in namespace \(namespace) (to share a relay)"))
            } catch {
                throw JumpError.session(.kube(error))
            }
        }
        return nil
    }

    /// Removes this session from the relay; the last user marks it closing, then deletes it.
    /// Best effort: a relay it cannot delete still ends at its deadline.
    public func release(_ lease: Lease) {
        let cleanupClient = client.forCleanup
        // Many users may leave at once (ansible's forks): each conflict means another one got in
        // first; retry with a little jitter so they do not collide again in lockstep.
        for attempt in 0..<20 {
            if attempt > 0 { usleep(UInt32.random(in: 5_000...30_000)) }
            guard let pod = try? cleanupClient.get(.pods(namespace, lease.pod)),
                  let version = pod["metadata"]?["resourceVersion"]?.stringValue else { return }
            let annotations = pod["metadata"]?["annotations"]?.objectValue ?? JSONObject()
            let others = annotations.keys.filter { $0.hasPrefix(JumpPods.userAnnotationPrefix) && $0 != userKey }
            var changes = JSONObject()
            changes[userKey] = .null
            if others.isEmpty { changes[JumpPods.closingAnnotation] = "true" }
            let patch: JSONValue = ["metadata": ["resourceVersion": .string(version), "annotations": .object(changes)]]
            do {
                _ = try cleanupClient.patch(.pods(namespace, lease.pod), patch, type: .merge)
            } catch where error.kind == .conflict {
                continue
            } catch {
                // Cannot record leaving (e.g. RBAC): delete only what this session made alone.
                if lease.created && others.isEmpty { _ = try? cleanupClient.delete(.pods(namespace, lease.pod), gracePeriodSeconds: 0) }
                return
            }
            if others.isEmpty { _ = try? cleanupClient.delete(.pods(namespace, lease.pod), gracePeriodSeconds: 0) }
            return
        }
    }
}
