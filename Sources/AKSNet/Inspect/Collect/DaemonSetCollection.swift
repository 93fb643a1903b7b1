import KubeClient
import KubeModel
#if canImport(Glibc)
import Glibc
#endif

/// Past `--daemonset-threshold` nodes: one DaemonSet in aksnet-system instead of a pod per node
/// (Kubernetes schedules a pod on each matching node), its pods exec'd `concurrency` at a time,
/// the DaemonSet deleted (its pods go with it) on every way out.
struct DaemonSetCollection {
    let collector: InspectCollector

    var client: any KubeAPI { collector.client }
    var options: InspectOptions { collector.options }

    func collect(_ nodes: [String], addresses: [String: String]) throws(InspectError) -> [NodeCollector.Outcome] {
        let helper = options.helperOptions
        let name = Self.name(session: helper.session)
        let session = HelperSession(client: client, options: helper)
        let path = ResourcePath(group: "apps", resource: "daemonsets", namespace: HelperLabels.namespace)
        do {
            try session.ensureHelperNamespace()
        } catch {
            return nodes.map { NodeCollector.failed($0, error) }
        }
        do {
            _ = try client.create(path, DaemonSetCollection.daemonSet(name: name, nodes: nodes, options: helper))
        } catch {
            let missing = error.kind == .forbidden ? "create daemonsets.apps" : nil
            let reason = "cannot create DaemonSet \(HelperLabels.namespace)/\(name): " + NodeCollector.oneLine(error.description)
            return nodes.map { NodeCollector.Outcome(evidence: NodeEvidence(node: $0, collected: false, reason: reason), missingPermission: missing) }
        }
        defer {
            _ = try? client.forCleanup.delete(path.named(name), gracePeriodSeconds: 0, propagation: .background)
            // The garbage collector deletes the pods; say so to it directly too, in case it is slow.
            if let pods = try? client.forCleanup.list(.pods(HelperLabels.namespace), labelSelector: "\(HelperLabels.sessionKey)=\(helper.session)").items {
                for pod in pods { if let pod = pod.metadataName { _ = try? client.forCleanup.delete(.pods(HelperLabels.namespace, pod), gracePeriodSeconds: 0) } }
            }
        }
        let pods = waitForPods(session: helper.session, nodes: Set(nodes))
        let runner = NodeCollector(client: client, options: options)
        return collector.collectEach(nodes) { node in
            switch pods[node] {
            case .running(let pod)?:
                return runner.run(on: ExecTarget(namespace: HelperLabels.namespace, pod: pod, container: HelperNames.nodeContainer),
                                  node: node, peers: ProbePeers.peers(of: node, addresses: addresses))
            case .failed(let reason)?:
                return NodeCollector.Outcome(evidence: NodeEvidence(node: node, collected: false, reason: reason))
            case nil:
                return NodeCollector.Outcome(evidence: NodeEvidence(node: node, collected: false,
                    reason: "the DaemonSet's pod for this node did not run within \(Int(options.startTimeout))s"))
            }
        }
    }

    enum PodState: Equatable {
        case running(String)
        case failed(String)
    }

    /// Polls the DaemonSet's pods until every node has one running (or failing), the start
    /// timeout passes, or a signal comes.
    func waitForPods(session: String, nodes: Set<String>) -> [String: PodState] {
        let deadline = Monotonic.now + options.startTimeout
        var states: [String: PodState] = [:]
        while !StopSignal.isSet {
            if let pods = try? client.list(.pods(HelperLabels.namespace), labelSelector: "\(HelperLabels.sessionKey)=\(session)").items {
                for pod in pods {
                    guard let node = pod["spec"]?["nodeName"]?.stringValue, nodes.contains(node), let name = pod.metadataName else { continue }
                    switch PodReadiness.of(pod, container: HelperNames.nodeContainer, ephemeral: false) {
                    case .running: states[node] = .running(name)
                    case .failed(let reason, let message): states[node] = .failed("helper \(name) did not start: \(reason): \(message)")
                    case .waiting: break
                    }
                }
            }
            if states.count >= nodes.count || Monotonic.now > deadline { break }
            usleep(500_000)
        }
        return states
    }

    /// The DaemonSet's name: `aksnet-inspect-SESSION`.
    static func name(session: String) -> String {
        HelperLabels.dnsLabel([HelperNames.prefix + InspectOptions.command, session])
    }

    /// The DaemonSet: the node helper's container spec, on Linux nodes only (and only the
    /// selected ones, by name), tolerating every taint, with the helper labels.
    static func daemonSet(name: String, nodes: [String], options: HelperPodOptions) -> JSONValue {
        let pod = DebugPods.nodeHelper(name: name, node: "", options: options)
        var spec = pod["spec"]?.objectValue ?? JSONObject()
        spec["nodeName"] = nil
        // A DaemonSet's pods must restart Always and may not have activeDeadlineSeconds; the
        // container still ends after its sleep, and the DaemonSet is deleted by this run.
        spec["restartPolicy"] = "Always"
        spec["activeDeadlineSeconds"] = nil
        spec["affinity"] = ["nodeAffinity": ["requiredDuringSchedulingIgnoredDuringExecution": ["nodeSelectorTerms": [
            ["matchFields": [["key": "metadata.name", "operator": "In", "values": .array(nodes.map { .string($0) })]]],
        ]]]]
        let labels = options.labels
        return [
            "apiVersion": "apps/v1", "kind": "DaemonSet",
            "metadata": ["name": .string(name), "namespace": .string(HelperLabels.namespace), "labels": labels,
                         "annotations": options.annotations],
            "spec": [
                "selector": ["matchLabels": labels],
                "template": ["metadata": ["labels": labels, "annotations": options.annotations], "spec": .object(spec)],
            ],
        ]
    }
}
