/// `ipvs-no-real-servers`: in IPVS mode, virtual services (ClusterIPs on kube-ipvs0) without a
/// real server: connections to them hang or are refused.
enum IPVSCheck: InspectCheck {
    static let id = "ipvs-no-real-servers"

    static func run(_ context: AnalysisContext) -> [Finding] {
        var findings: [Finding] = []
        for state in context.collected {
            guard let services = state.ipvs else { continue }
            let empty = services.filter(\.realServers.isEmpty)
            guard !empty.isEmpty else { continue }
            let lines = TextScan.lines(state.evidence.run(CollectorCommands.ipvsadm)?.output ?? "")
            findings.append(Finding(
                id: id, severity: .warning,
                title: "\(empty.count) IPVS virtual service(s) on \(state.node) have no real server",
                nodes: [state.node],
                evidence: empty.prefix(8).map { service in
                    state.line(CollectorCommands.ipvsadm, service.line, service.line <= lines.count ? String(lines[service.line - 1]) : "\(service.proto) \(service.address)")
                },
                fix: "The services behind these ClusterIPs have no ready endpoints, or kube-proxy on \(state.node) is behind: kubectl get endpointslices -A; "
                    + "kubectl -n kube-system logs -l component=kube-proxy on that node."))
        }
        return findings
    }
}
