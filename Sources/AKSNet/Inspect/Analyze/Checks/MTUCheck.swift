/// `mtu-mismatch`: pod veths or the pod bridge have a larger MTU than the node's NIC, so
/// full-size packets from pods (don't-fragment set, as TCP sends them) are dropped on the way out.
enum MTUCheck: InspectCheck {
    static let id = "mtu-mismatch"

    static func run(_ context: AnalysisContext) -> [Finding] {
        var findings: [Finding] = []
        for state in context.collected {
            guard let facts = context.facts(state.node) else { continue }
            guard let nic = facts.interfaces.first(where: { $0.role == .nic }), let nicMTU = nic.mtu else { continue }
            let podSide = facts.interfaces.filter { ($0.role == .podVeth || $0.role == .bridge) && ($0.mtu ?? 0) > nicMTU }
            guard !podSide.isEmpty else { continue }
            let source = state.evidence.run(CollectorCommands.ipLink) != nil ? CollectorCommands.ipLink : CollectorCommands.ipAddr
            var lines = [state.line(source, nil, "\(nic.name): mtu \(nicMTU) (node NIC)")]
            for interface in podSide.prefix(5) {
                lines.append(state.line(source, nil, "\(interface.name): mtu \(interface.mtu ?? 0)\(interface.master.map { " master \($0)" } ?? "")"))
            }
            let podMTU = podSide.compactMap(\.mtu).max() ?? 0
            findings.append(Finding(
                id: id, severity: .error,
                title: "MTU mismatch on \(state.node): \(nic.name) has \(nicMTU), \(podSide.count) pod interface(s) \(podMTU)",
                nodes: [state.node], evidence: lines,
                fix: "Give \(nic.name) the MTU the VNet carries (Azure: 1500; ip link set \(nic.name) mtu \(podMTU)) or lower the pods' MTU "
                    + "in the CNI config to \(nicMTU) and recreate the pods; find what changed the NIC MTU (a custom DaemonSet, cloud-init)."))
        }
        return findings
    }
}
