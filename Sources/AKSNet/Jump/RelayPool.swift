import KubeClient
import KubeModel
#if canImport(Glibc)
import Glibc
#endif

/// Shared relay pods: concurrent jumps to the same node and port (ansible opens many) reuse one
/// relay (running, or still starting) within its deadline. Each user is an annotation on the pod; joining and leaving
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

    /// What a listed relay is to a joiner.
    public enum Joinability: Sendable, Equatable {
        case no
        /// Its status says Running.
        case running
        /// Scheduled and still being created as far as its status says: a kubelet reports a
        /// started container only at its next relist, so a relay another jump already uses can
        /// look like this for up to a second. The joiner waits for it as its maker did.
        case starting
    }

    /// Whether a listed relay may be joined: Running or still being created, not being deleted,
    /// not closing, time left before its deadline.
    public static func joinability(_ pod: JSONValue, now: Double, minimumRemaining: Double) -> Joinability {
        guard pod["metadata"]?["deletionTimestamp"] == nil,
              pod["metadata"]?["annotations"]?[JumpPods.closingAnnotation] == nil else { return .no }
        let statuses = pod["status"]?["containerStatuses"]?.arrayValue ?? []
        let state: Joinability
        switch pod["status"]?["phase"]?.stringValue {
        case "Running" where statuses.allSatisfy({ $0["state"]?["running"] != nil }):
            state = .running
        case "Pending" where (pod["spec"]?["nodeName"]?.stringValue ?? "") != "" && statuses.allSatisfy({ status in
            status["state"]?["running"] != nil || status["state"]?["waiting"]?["reason"]?.stringValue == "ContainerCreating"
        }):
            state = .starting
        default:
            return .no
        }
        guard let deadline = pod["spec"]?["activeDeadlineSeconds"]?.intValue,
              let started = (pod["status"]?["startTime"]?.stringValue ?? pod["metadata"]?["creationTimestamp"]?.stringValue).flatMap(RFC3339.parse)
        else { return .no }
        return started + Double(deadline) - now >= minimumRemaining ? state : .no
    }

    /// Joins a relay for `target` on `runOn`, or creates one; then, unless its status already says
    /// Running, waits for it to run — or, sooner, for `early` (given the pod's name) to have an
    /// answer from it (see `waitStarted`).
    public func acquire<T>(session: HelperSession, target: JumpNode, runOn: JumpNode, port: UInt16,
                           waitTimeout: Double = 120, early: (String) -> T? = { _ in nil }) throws(JumpError) -> (Lease, T?) {
        let lease: Lease
        if let joined = try join(node: target.name, port: port) {
            lease = Lease(pod: joined.pod, created: false)
            if joined.running { return (lease, nil) }
        } else {
            let name = HelperLabels.dnsLabel(["aksnet-jump", options.session, target.name])
            let pod = JumpPods.relay(name: name, runOn: runOn.name, targetNode: target.name, targetIP: target.internalIP,
                                     targetPort: port, options: options, namespace: namespace, firstUser: options.session)
            do {
                _ = try session.createPod(pod)
            } catch {
                throw JumpError.session(error)
            }
            lease = Lease(pod: name, created: true)
        }
        do {
            let answer = try session.waitStarted(namespace: namespace, pod: lease.pod, container: "relay", timeout: waitTimeout) {
                early(lease.pod)
            }
            return (lease, answer)
        } catch {
            release(lease)
            throw JumpError.session(error)
        }
    }

    /// Adds this session as a user of a joinable relay; nil when there is none.
    /// Many may join at once (ansible's forks): each conflict means another got in first, so
    /// retry (as `release` does) with jitter; giving up would make a second relay for the node.
    func join(node: String, port: UInt16) throws(JumpError) -> (pod: String, running: Bool)? {
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
            // Running first, then the newest.
            let candidates = listed.map { ($0, Self.joinability($0, now: now, minimumRemaining: minimumRemaining)) }
                .filter { $0.1 != .no }
                .sorted { a, b in
                    if (a.1 == .running) != (b.1 == .running) { return a.1 == .running }
                    return (a.0["metadata"]?["creationTimestamp"]?.stringValue ?? "") > (b.0["metadata"]?["creationTimestamp"]?.stringValue ?? "")
                }
            guard let (pod, joinability) = candidates.first, let name = pod.metadataName,
                  let version = pod["metadata"]?["resourceVersion"]?.stringValue else { return nil }
            let patch: JSONValue = ["metadata": ["resourceVersion": .string(version), "annotations": [userKey: "1"]]]
            do {
                _ = try client.patch(.pods(namespace, name), patch, type: .merge)
                return (name, joinability == .running)
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
