/// `ipv6-path-missing`: in a dual-stack cluster, a node lacks the IPv6 half: no IPv6 podCIDR or
/// InternalIP, no IPv6 address on its NIC, no IPv6 default route, or no ip6tables service rules.
enum DualStackCheck: InspectCheck {
    static let id = "ipv6-path-missing"

    static func run(_ context: AnalysisContext) -> [Finding] {
        guard context.cluster.ipFamilies == .dual else { return [] }
        var findings: [Finding] = []
        for node in context.nodes where node.os != "windows" {
            var missing: [String] = []
            var lines: [EvidenceLine] = []
            let api = EvidenceLine(node: node.name, source: "api:\(APIEvidenceKeys.nodes)", line: nil,
                                   text: "\(node.name): podCIDRs \(node.podCIDRs.joined(separator: ",")) InternalIPs \(node.internalIPs.joined(separator: ","))")
            if !node.podCIDRs.isEmpty, !node.podCIDRs.contains(where: IPText.isIPv6) { missing.append("IPv6 podCIDR"); lines.append(api) }
            if !node.internalIPs.contains(where: IPText.isIPv6) { missing.append("IPv6 InternalIP"); if !lines.contains(api) { lines.append(api) } }
            if let state = context.state(node.name), state.evidence.collected {
                if let nic = node.interfaces.first(where: { $0.role == .nic }), !nic.addresses.contains(where: { IPText.isIPv6($0) && !$0.hasPrefix("fe80") }) {
                    missing.append("IPv6 address on \(nic.name)")
                    lines.append(state.line(CollectorCommands.ipAddr, nil, "\(nic.name): \(nic.addresses.joined(separator: " "))"))
                }
                if let routes = state.routes6, !routes.contains(where: { $0.destination == "default" && $0.table == "main" }) {
                    missing.append("IPv6 default route")
                    lines.append(state.line(CollectorCommands.ip6Route, nil, "no default route in \(routes.count) IPv6 routes"))
                }
                if context.cluster.kubeProxyMode == .iptables, let v6 = state.ip6tables, v6.table("nat")?.chain("KUBE-SERVICES") == nil {
                    missing.append("ip6tables KUBE-SERVICES")
                    lines.append(state.line(CollectorCommands.ip6tablesSave, nil, "nat table without KUBE-SERVICES (\(v6.ruleCount) rules)"))
                }
            }
            guard !missing.isEmpty else { continue }
            findings.append(Finding(
                id: id, severity: .warning, title: "\(node.name) misses the IPv6 half of dual-stack: \(missing.joined(separator: ", "))",
                nodes: [node.name], evidence: lines,
                fix: "Dual-stack needs every node to have both families: check the pool was created with --ip-families ipv4,ipv6 and the "
                    + "subnet has an IPv6 range; reimage or recreate the node pool if the node came up IPv4-only."))
        }
        return findings
    }
}
