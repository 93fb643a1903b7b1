/// `missing-route`: a node's pods are unreachable from its peers (`pod-network-probe`), or the API
/// says its routes were never created (NetworkUnavailable=True, NoRouteCreated). With kubenet the
/// cause is the route table: one route per node podCIDR → node IP.
enum MissingRouteCheck: InspectCheck {
    static let id = "missing-route"

    static func run(_ context: AnalysisContext) -> [Finding] {
        run(context, explained: [])
    }

    /// `explained`: nodes whose pods are unreachable for a reason found on the node itself
    /// (forwarding off, conntrack full): no route finding for them.
    static func run(_ context: AnalysisContext, explained: Set<String>) -> [Finding] {
        // target node → failing probe lines (from each source), and sources that reached it.
        var failing: [String: [(source: String, line: EvidenceLine)]] = [:]
        var reachedBy: [String: Set<String>] = [:]
        // A source that cannot open connections itself (conntrack full) says nothing about its peers.
        for state in context.collected where !explained.contains(state.node) {
            for probe in state.probes {
                let target = targetNode(probe, context)
                if !probe.ok, droppedByPolicy(probe.address, on: target, context) { continue }
                if probe.ok {
                    reachedBy[target, default: []].insert(state.node)
                } else {
                    failing[target, default: []].append((state.node, state.line(CollectorCommands.podNetworkProbe, probe.line, probe.text)))
                }
            }
        }
        var findings: [Finding] = []
        var reported = Set<String>()
        for target in failing.keys.sorted() where !explained.contains(target) {
            let fails = failing[target] ?? []
            let sources = Set(fails.map(\.source))
            // Unreachable: every peer that probed it failed (a single failing source with others
            // succeeding points at the source, not at this node's route).
            guard (reachedBy[target] ?? []).isEmpty else { continue }
            reported.insert(target)
            let facts = context.facts(target)
            var lines = fails.map(\.line)
            if let facts, !facts.badConditions.filter({ $0.hasPrefix("NetworkUnavailable") }).isEmpty {
                lines.append(EvidenceLine(node: target, source: "api:\(APIEvidenceKeys.nodes)", line: nil,
                                          text: "\(target): condition \(facts.badConditions.first { $0.hasPrefix("NetworkUnavailable") } ?? "")"))
            }
            findings.append(Finding(
                id: id, severity: .error,
                title: "Pods on \(target)\(facts?.podCIDRs.first.map { " (\($0))" } ?? "") are unreachable from \(sources.sorted().joined(separator: ", "))",
                nodes: [target] + sources.sorted(), evidence: lines, fix: fix(target: facts, mode: context.cluster.networkMode)))
        }
        // The API's own word: routes not created for a node.
        for facts in context.nodes where !reported.contains(facts.name) && !explained.contains(facts.name) {
            guard let condition = facts.badConditions.first(where: { $0.hasPrefix("NetworkUnavailable=True") }) else { continue }
            findings.append(Finding(
                id: id, severity: .error, title: "\(facts.name) reports NetworkUnavailable: its pod routes were not created",
                nodes: [facts.name],
                evidence: [EvidenceLine(node: facts.name, source: "api:\(APIEvidenceKeys.nodes)", line: nil, text: "\(facts.name): condition \(condition)")],
                fix: fix(target: facts, mode: context.cluster.networkMode)))
        }
        return findings
    }

    /// A DROP/REJECT rule on the target node for exactly this address (`-d ADDRESS/32`): the
    /// probe failed because of policy (`policy-drop` reports it), not because of a route.
    static func droppedByPolicy(_ address: String, on node: String, _ context: AnalysisContext) -> Bool {
        guard let state = context.state(node) else { return false }
        return !state.rules { _, rule in
            (rule.target == "DROP" || rule.target == "REJECT") && (" " + rule.matches + " ").contains(" -d \(address)/32 ")
        }.isEmpty
    }

    /// The node a probe targets: the peer named in it, or the node whose podCIDR holds its address.
    static func targetNode(_ probe: ProbeResult, _ context: AnalysisContext) -> String {
        if context.nodes.contains(where: { $0.name == probe.peer }) { return probe.peer }
        for node in context.nodes {
            if node.podCIDRs.contains(where: { IPv4Range($0)?.contains(probe.address) == true }) { return node.name }
            if node.internalIPs.contains(probe.address) { return node.name }
        }
        return probe.peer
    }

    static func fix(target: NodeFacts?, mode: NetworkMode) -> String {
        let name = target?.name ?? "the node"
        let ip = target?.internalIPs.first { !IPText.isIPv6($0) } ?? "NODE_IP"
        switch mode {
        case .kubenet:
            let cidr = target?.podCIDRs.first { !IPText.isIPv6($0) } ?? "POD_CIDR"
            return "The cluster's route table (in the node resource group, associated with the node subnet) needs a route \(cidr) → \(ip) "
                + "for \(name): az network route-table route create -g MC_RESOURCE_GROUP --route-table-name ROUTE_TABLE -n \(name) "
                + "--address-prefix \(cidr) --next-hop-type VirtualAppliance --next-hop-ip-address \(ip); check the subnet is associated "
                + "with that route table and the cluster identity has Network Contributor on it (AKS re-creates routes it owns)."
        case .azureNodeSubnet, .azurePodSubnet:
            return "Azure CNI pod IPs of \(name) are secondary IP configurations of its NIC: check them (az vmss nic list …) and the "
                + "NSG/UDR on the subnet; a UDR must not send the pod range to a next hop that drops it; restart azure-cns / reimage the node if the IPs are missing."
        case .azureOverlay:
            return "Overlay routes to \(name)'s pod CIDR (\(target?.podCIDRs.first ?? "POD_CIDR")) are programmed by Azure; check the node subnet's "
                + "NSG and any UDR sending the pod CIDR elsewhere, then az aks nodepool upgrade --node-image-only or reimage \(name)."
        case .unknown:
            return "Restore the route to \(name)'s pod range via \(ip) in the VNet's route table."
        }
    }
}
