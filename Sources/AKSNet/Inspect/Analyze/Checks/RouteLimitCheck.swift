/// `kubenet-route-limit`: kubenet needs one route-table route per node; Azure allows 400.
enum RouteLimitCheck: InspectCheck {
    static let id = "kubenet-route-limit"
    static let limit = 400
    static let warnAt = 300

    static func run(_ context: AnalysisContext) -> [Finding] {
        guard context.cluster.networkMode == .kubenet else { return [] }
        let routed = context.nodes.filter { !$0.podCIDRs.isEmpty }.count
        guard routed >= warnAt else { return [] }
        return [Finding(
            id: id, severity: routed >= 360 ? .warning : .info,
            title: "kubenet uses \(routed) of Azure's \(limit) route-table routes (one per node podCIDR)",
            nodes: [],
            evidence: [EvidenceLine(node: nil, source: "api:\(APIEvidenceKeys.nodes)", line: nil, text: "\(routed) nodes with spec.podCIDR")],
            fix: "Migrate to Azure CNI Overlay (az aks update --network-plugin azure --network-plugin-mode overlay), which needs no route per node.")]
    }
}
