import Dispatch
import KubeClient
import KubeModel
import Synchronization

/// The whole collection of one inspect run: the API part, then every selected Linux node,
/// `concurrency` at a time (one helper pod per node, or one DaemonSet past
/// `daemonSetThreshold` nodes). Nothing short of an unknown node name or a signal stops it:
/// a read, a node or a permission that fails is recorded and the rest is still collected.
/// Every helper is deleted on every way out (errors, signals: `StopSignal` is polled).
public final class InspectCollector: Sendable {
    public let client: any KubeAPI
    public let options: InspectOptions
    let progress: @Sendable (CollectProgress) -> Void
    let sessions = SessionRegistry()

    public init(client: any KubeAPI, options: InspectOptions, progress: @escaping @Sendable (CollectProgress) -> Void = { _ in }) {
        self.client = client
        self.options = options
        self.progress = progress
    }

    public func collect(context: String? = nil, server: String? = nil) throws(InspectError) -> ClusterEvidence {
        defer { sessions.cleanupAll() }
        let read = APICollector.collect(client)
        var evidence = ClusterEvidence(collectedAt: RFC3339.format(WallClock.now), context: context, server: server,
                                       api: read.api, apiErrors: read.errors)
        guard let allNodes = read.api[APIEvidenceKeys.nodes]?["items"]?.arrayValue else {
            if !options.nodes.isEmpty, let why = read.errors[APIEvidenceKeys.nodes] { throw InspectError.other("cannot list nodes: " + why) }
            return evidence
        }
        var candidates = allNodes
        if let selector = options.selector, !selector.isEmpty {
            do {
                let matching = Set(try client.list(.nodes(), labelSelector: selector).items.compactMap(\.metadataName))
                candidates = allNodes.filter { matching.contains($0.metadataName ?? "") }
            } catch {
                throw InspectError.other("cannot list nodes with selector \(selector): " + APICollector.line(error, verb: "list", what: "nodes"))
            }
        }
        let selection = try NodeSelection.choose(nodes: candidates, names: options.nodes)
        evidence.nodes = selection.skipped
        guard !selection.collect.isEmpty else { return evidence }
        let missing = PermissionCheck.missing(client)
        if !missing.isEmpty {
            evidence.missingPermissions = missing
            evidence.nodes += selection.collect.map { Self.notPermitted($0, missing) }
            return evidence
        }
        let addresses = ProbePeers.addresses(nodes: allNodes, runningPods: runningPodsIfNeeded(allNodes))
        let outcomes: [NodeCollector.Outcome]
        if selection.collect.count > options.daemonSetThreshold {
            outcomes = try DaemonSetCollection(collector: self).collect(selection.collect, addresses: addresses)
        } else {
            let collector = NodeCollector(client: client, options: options)
            outcomes = collectEach(selection.collect) { node in
                collector.collect(node: node, peers: ProbePeers.peers(of: node, addresses: addresses), sessions: self.sessions)
            }
        }
        if StopSignal.isSet {
            sessions.cleanupAll()
            throw InspectError.interrupted(StopSignal.received)
        }
        for outcome in outcomes {
            if let permission = outcome.missingPermission, !evidence.missingPermissions.contains(permission) {
                evidence.missingPermissions.append(permission)
            }
        }
        evidence.nodes += outcomes.map(\.evidence)
        return evidence
    }

    static func notPermitted(_ node: String, _ missing: [String]) -> NodeEvidence {
        NodeEvidence(node: node, collected: false,
                     reason: "not collected: this user may not \(missing.joined(separator: ", ")) in \(HelperLabels.namespace)",
                     hint: "ask for a role that grants create on pods and pods/exec (and get on pods/exec) in \(HelperLabels.namespace)")
    }

    /// Running pods, only when some node's pods are on VNet IPs (their probe pings a pod).
    func runningPodsIfNeeded(_ nodes: [JSONValue]) -> [JSONValue] {
        guard nodes.contains(where: { !NodeSelection.isWindows($0) && ProbePeers.usesVNetPodIPs($0) }) else { return [] }
        return (try? client.list(.pods(nil), fieldSelector: "status.phase=Running").items) ?? []
    }

    /// Runs `work` for each node, `options.concurrency` at a time, in the nodes' order; reports
    /// progress after each. Once a node shows that pods may not be created, the rest are not tried;
    /// after a signal, none is started.
    func collectEach(_ nodes: [String], _ work: @escaping @Sendable (String) -> NodeCollector.Outcome) -> [NodeCollector.Outcome] {
        struct State {
            var next = 0
            var done = 0
            var failed = 0
            var refused: String?
            var results: [NodeCollector.Outcome?]
        }
        let state = Mutex(State(results: Array(repeating: nil, count: nodes.count)))
        let group = DispatchGroup()
        let total = nodes.count
        let progress = self.progress
        progress(CollectProgress(done: 0, total: total, failed: 0))
        for _ in 0..<max(1, min(options.concurrency, nodes.count)) {
            BackgroundThread.start(group: group) {
                while true {
                    let claimed = state.withLock { state -> (index: Int, refused: String?)? in
                        guard state.next < nodes.count else { return nil }
                        defer { state.next += 1 }
                        return (state.next, state.refused)
                    }
                    guard let (index, refused) = claimed else { return }
                    let node = nodes[index]
                    let outcome: NodeCollector.Outcome
                    if StopSignal.isSet {
                        outcome = NodeCollector.Outcome(evidence: NodeEvidence(node: node, collected: false, reason: "interrupted"))
                    } else if let refused {
                        outcome = NodeCollector.Outcome(evidence: Self.notPermitted(node, [refused]), missingPermission: refused)
                    } else {
                        outcome = work(node)
                    }
                    let snapshot = state.withLock { state -> CollectProgress in
                        state.results[index] = outcome
                        state.done += 1
                        if !outcome.evidence.collected { state.failed += 1 }
                        if let permission = outcome.missingPermission { state.refused = permission }
                        return CollectProgress(done: state.done, total: total, failed: state.failed)
                    }
                    progress(snapshot)
                }
            }
        }
        group.wait()
        return state.withLock { $0.results }.enumerated().map { index, outcome in
            outcome ?? NodeCollector.Outcome(evidence: NodeEvidence(node: nodes[index], collected: false, reason: "not collected"))
        }
    }
}
