/// Evidence in, report out: pure, so `--from BUNDLE` reproduces a live run exactly.
public enum InspectAnalyzer {
    public static func analyze(_ evidence: ClusterEvidence) -> InspectReport {
        let context = makeContext(evidence)
        let findings = checks(context).sorted(by: Finding.ordered)
        let pools = PoolFactsBuilder.build(nodes: context.nodes, mode: context.cluster.networkMode, apiNodes: poolModes(context.api))
        let notCollected = evidence.nodes.filter { !$0.collected }.map {
            NotCollectedNode(node: $0.node, reason: $0.reason ?? "not collected", hint: $0.hint)
        }
        return InspectReport(evidence: evidence, cluster: context.cluster, nodes: context.nodes, pools: pools, findings: findings,
                             dataPath: DataPathBuilder.build(context), notCollected: notCollected)
    }

    static func makeContext(_ evidence: ClusterEvidence) -> AnalysisContext {
        let api = APIObjects(api: evidence.api)
        let states = evidence.nodes.map(NodeState.init)
        let nodes = NodeFactsBuilder.build(apiNodes: api.nodes, states: states, evidence: evidence.nodes)
        let cluster = ClusterFactsBuilder.build(api: api, nodes: nodes, states: states)
        return AnalysisContext(evidence: evidence, api: api, states: states, nodes: nodes, cluster: cluster)
    }

    /// Every check, in one place. Unreachable pods explained by a cause on their own node
    /// (forwarding off, conntrack full) are not also reported as a missing route.
    static func checks(_ context: AnalysisContext) -> [Finding] {
        let forwarding = IPForwardCheck.run(context)
        let conntrack = ConntrackFullCheck.run(context)
        let explained = Set((forwarding + conntrack.filter { $0.id == ConntrackFullCheck.id && $0.severity == .error }).flatMap(\.nodes))
        var findings = forwarding + conntrack
        findings += MissingRouteCheck.run(context, explained: explained)
        findings += NoMasqueradeCheck.run(context)
        findings += NonMasqueradeCIDRsCheck.run(context)
        findings += MTUCheck.run(context)
        findings += PolicyDropCheck.run(context)
        findings += ServiceEndpointsCheck.run(context)
        findings += IPVSCheck.run(context)
        findings += KubeProxyConsistencyCheck.run(context)
        findings += CNIConfigCheck.run(context)
        findings += ResolvConfCheck.run(context)
        findings += RouteLimitCheck.run(context)
        findings += PoolPeerCheck.run(context)
        findings += DualStackCheck.run(context)
        findings += UDPBufferCheck.run(context)
        findings += RetirementCheck.run(context)
        findings += CollectionNoticesCheck.run(context)
        return findings
    }

    static func poolModes(_ api: APIObjects) -> [String: (mode: String?, os: String?)] {
        var result: [String: (mode: String?, os: String?)] = [:]
        for node in api.nodes {
            result[APIObjects.name(node)] = (APIObjects.label(node, "kubernetes.azure.com/mode"), APIObjects.label(node, "kubernetes.io/os"))
        }
        return result
    }
}
