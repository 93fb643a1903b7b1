/// `no-masquerade`: nothing in nat POSTROUTING SNATs pod egress to the node IP (ip-masq-agent's
/// `IP-MASQ-AGENT … -j MASQUERADE`, the last rule of its chain, is gone). Pod traffic to the
/// internet then leaves with the pod IP, which Azure's outbound path does not answer.
/// `KUBE-POSTROUTING`'s MASQUERADE only covers marked service traffic, so it does not count.
enum NoMasqueradeCheck: InspectCheck {
    static let id = "no-masquerade"
    static let masqChain = "IP-MASQ-AGENT"

    static func run(_ context: AnalysisContext) -> [Finding] {
        guard context.cluster.dataplane != .cilium, context.cluster.networkMode.needsMasquerade else { return [] }
        var findings: [Finding] = []
        for state in context.collected {
            guard !state.truncated(CollectorCommands.iptablesSave), let nat = state.iptables?.table("nat"), nat.chain("POSTROUTING") != nil else { continue }
            var reachable = nat.reachable(from: "POSTROUTING")
            reachable.remove("KUBE-POSTROUTING")
            let snat = nat.rules.contains { rule in
                reachable.contains(rule.chain) && rule.chain != "KUBE-POSTROUTING" && (rule.target == "MASQUERADE" || rule.target == "SNAT")
            }
            guard !snat else { continue }
            var lines: [EvidenceLine] = []
            for rule in nat.rules where rule.chain == "POSTROUTING" || rule.chain == masqChain {
                lines.append(state.line(CollectorCommands.iptablesSave, rule.line, rule.text))
            }
            if lines.isEmpty, let chain = nat.chain("POSTROUTING") {
                lines.append(state.line(CollectorCommands.iptablesSave, chain.line, chain.text))
            }
            let hasAgentChain = nat.chain(masqChain) != nil
            findings.append(Finding(
                id: id, severity: .error,
                title: "No MASQUERADE for pod egress on \(state.node): pod traffic leaves with the pod IP and the internet does not answer",
                nodes: [state.node], evidence: lines,
                fix: hasAgentChain
                    ? "ip-masq-agent's last rule is missing: iptables -t nat -A \(masqChain) -m comment --comment \"ip-masq-agent: outbound traffic is subject to MASQUERADE (must be last in chain)\" -j MASQUERADE; "
                        + "check the azure-ip-masq-agent pods in kube-system (kubectl -n kube-system get pods -l k8s-app=azure-ip-masq-agent -o wide) and their configmap, and what removed the rule."
                    : "Neither ip-masq-agent's chain nor a MASQUERADE rule is in nat POSTROUTING: check the azure-ip-masq-agent DaemonSet in kube-system runs on \(state.node)."))
        }
        return findings
    }
}

/// `nonmasq-cidrs-incomplete`: ip-masq-agent's nonMasqueradeCIDRs leave out the pod range (or
/// the VNet with flat Azure CNI), so pod-to-pod traffic is SNATed and policies or logs see node IPs.
enum NonMasqueradeCIDRsCheck: InspectCheck {
    static let id = "nonmasq-cidrs-incomplete"

    static func run(_ context: AnalysisContext) -> [Finding] {
        guard let masq = context.cluster.ipMasqAgent, !masq.nonMasqueradeCIDRs.isEmpty else { return [] }
        let cidrs = masq.nonMasqueradeCIDRs.compactMap(IPv4Range.init)
        let ranges: [String]
        switch context.cluster.networkMode {
        case .kubenet, .azureOverlay: ranges = context.cluster.podCIDRs
        case .azureNodeSubnet, .azurePodSubnet: ranges = context.nodes.flatMap(PoolFactsBuilder.nodeSubnets)
        case .unknown: ranges = []
        }
        let uncovered = ranges.filter { range in
            guard let r = IPv4Range(range) else { return false }
            return !cidrs.contains { $0.covers(r) }
        }
        guard !uncovered.isEmpty else { return [] }
        let unique = Array(Set(uncovered)).sorted()
        return [Finding(
            id: id, severity: .warning,
            title: "ip-masq-agent masquerades traffic to \(unique.joined(separator: ", ")) (not in nonMasqueradeCIDRs)",
            nodes: [],
            evidence: [EvidenceLine(node: nil, source: "api:\(APIEvidenceKeys.kubeSystemConfigMaps)", line: nil,
                                    text: "\(masq.configMaps.joined(separator: ", ")): nonMasqueradeCIDRs: \(masq.nonMasqueradeCIDRs.joined(separator: ", "))")],
            fix: "Add \(unique.joined(separator: ", ")) to nonMasqueradeCIDRs in a kube-system configmap azure-ip-masq-agent-config "
                + "(ip-masq-agent merges it with the reconciled one), so pod-to-pod traffic keeps the pod IPs.")]
    }
}
