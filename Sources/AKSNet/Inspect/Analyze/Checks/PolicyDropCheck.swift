/// `policy-drop`: a DROP/REJECT rule of a policy chain (Azure NPM, Calico, kube-proxy's own,
/// or an AKSNET-POLICY-DROP chain) has dropped packets: a network policy or a stray rule is
/// blocking traffic. Drops of INVALID conntrack state and "has no endpoints" rejects are left to
/// other checks: they are not policy.
enum PolicyDropCheck: InspectCheck {
    static let id = "policy-drop"

    static func isPolicyChain(_ chain: String) -> Bool {
        chain.hasPrefix("AZURE-NPM") || chain.hasPrefix("cali-") || chain.hasPrefix("KUBE-") || chain.hasPrefix("AKSNET-POLICY")
            || chain.hasPrefix("CILIUM_")
    }

    static func isPolicyDrop(_ rule: IptablesRule) -> Bool {
        guard rule.target == "DROP" || rule.target == "REJECT", isPolicyChain(rule.chain) else { return false }
        if rule.matches.contains("INVALID") || rule.matches.contains("has no endpoints") { return false }
        return true
    }

    static func run(_ context: AnalysisContext) -> [Finding] {
        var findings: [Finding] = []
        for state in context.collected {
            let dropping = state.rules { table, rule in table == "filter" && (rule.packets ?? 0) > 0 && isPolicyDrop(rule) }
            guard !dropping.isEmpty else { continue }
            let chains = Array(Set(dropping.map(\.rule.chain))).sorted()
            let packets = dropping.reduce(UInt64(0)) { $0 &+ ($1.rule.packets ?? 0) }
            findings.append(Finding(
                id: id, severity: .error,
                title: "Policy rules on \(state.node) dropped \(packets) packet(s) (\(chains.joined(separator: ", ")))",
                nodes: [state.node],
                evidence: dropping.prefix(10).map { state.line($0.source, $0.rule.line, $0.rule.text) },
                fix: fix(chains: chains, engine: context.cluster.policyEngine)))
        }
        return findings
    }

    static func fix(chains: [String], engine: PolicyEngine) -> String {
        if chains.contains(where: { $0.hasPrefix("AKSNET-POLICY") }) || !chains.contains(where: { $0.hasPrefix("AZURE-NPM") || $0.hasPrefix("cali-") || $0.hasPrefix("KUBE-") }) {
            return "The dropping chain is not managed by a policy engine: find who added it (iptables -S \(chains[0]); a privileged DaemonSet, a script) and remove it "
                + "(iptables -D FORWARD -j \(chains[0]); iptables -F \(chains[0]); iptables -X \(chains[0]))."
        }
        switch engine {
        case .azureNPM, .calico, .cilium:
            return "A NetworkPolicy denies this traffic: kubectl get networkpolicy -A, find the policy selecting the destination pods, and allow the source "
                + "(podSelector/namespaceSelector/ipBlock and ports); the rule's comment names the policy."
        default:
            return "Read the rule's chain (iptables -S CHAIN) and remove or fix the rule that drops the traffic."
        }
    }
}
