/// `ip-forward-off`: the node does not forward, so its pods reach nothing but the node itself
/// (kubenet, Azure CNI and overlay all route pod traffic through the node's stack).
enum IPForwardCheck: InspectCheck {
    static let id = "ip-forward-off"

    static func run(_ context: AnalysisContext) -> [Finding] {
        var findings: [Finding] = []
        for state in context.collected {
            var lines: [EvidenceLine] = []
            if let v4 = state.sysctl("net.ipv4.ip_forward"), v4.value == "0" {
                lines.append(state.line(CollectorCommands.sysctls, v4.line, v4.text))
            }
            if context.cluster.ipFamilies != .ipv4, let v6 = state.sysctl("net.ipv6.conf.all.forwarding"), v6.value == "0" {
                lines.append(state.line(CollectorCommands.sysctls, v6.line, v6.text))
            }
            guard !lines.isEmpty else { continue }
            findings.append(Finding(
                id: id, severity: .error,
                title: "IP forwarding is off on \(state.node): its pods cannot reach other nodes, services or the internet",
                nodes: [state.node], evidence: lines,
                fix: "On the node: sysctl -w net.ipv4.ip_forward=1" + (lines.count > 1 ? " net.ipv6.conf.all.forwarding=1" : "")
                    + "; then find what turned it off (a sysctl file in /etc/sysctl.d, a privileged DaemonSet, custom node configuration) "
                    + "so that it stays on, or reimage the node: az vmss reimage / az aks nodepool upgrade --node-image-only."))
        }
        return findings
    }

    /// Nodes whose forwarding is off (other checks use it to explain unreachable pods).
    static func nodes(_ context: AnalysisContext) -> Set<String> { Set(run(context).flatMap(\.nodes)) }
}
