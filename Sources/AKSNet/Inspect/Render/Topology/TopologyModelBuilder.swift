/// Report → `TopologyModel`. Pure; every name and address comes from the report.
public enum TopologyModelBuilder {
    public static func model(_ report: InspectReport) -> TopologyModel {
        let mode = report.cluster.networkMode
        let missingRoute = Set(report.findings.filter { $0.id == "missing-route" }.compactMap(missingRouteTarget))
        let forwardingOff = Set(report.findings.filter { $0.id == "ip-forward-off" }.flatMap(\.nodes))
        var findingIDs: [String: [String]] = [:]
        var worst: [String: Finding.Severity] = [:]
        for finding in report.findings.sorted(by: { $0.severity < $1.severity }) where finding.severity != .info {
            // A missing route is the target's problem; the peers that probed it are only witnesses.
            let nodes = finding.id == "missing-route" ? Array(finding.nodes.prefix(1)) : finding.nodes
            for node in Set(nodes) where !(findingIDs[node] ?? []).contains(finding.id) {
                findingIDs[node, default: []].append(finding.id)
                worst[node] = min(worst[node] ?? finding.severity, finding.severity)
            }
        }
        let notCollected = Dictionary(report.notCollected.map { ($0.node, $0.reason) }, uniquingKeysWith: { a, _ in a })

        func topologyNode(_ facts: NodeFacts) -> TopologyNode {
            Self.node(facts, mode: mode, missing: missingRoute.contains(facts.name), forwardingOff: forwardingOff.contains(facts.name),
                 findingIDs: findingIDs[facts.name] ?? [], worst: worst[facts.name], note: notCollected[facts.name])
        }
        var pools: [TopologyPool] = []
        var placed = Set<String>()
        let factsByName = Dictionary(report.nodes.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
        for pool in report.pools {
            let nodes = pool.nodes.compactMap { factsByName[$0] }.filter { !placed.contains($0.name) }
            placed.formUnion(nodes.map(\.name))
            pools.append(TopologyPool(name: pool.name, mode: pool.mode, subnets: pool.nodeSubnets, podRanges: pool.podRanges,
                                      nodes: nodes.map(topologyNode)))
        }
        let rest = report.nodes.filter { !placed.contains($0.name) }
        var extra = rest.map(topologyNode)
        // Nodes known only as not collected (no facts at all) still get a box.
        for entry in report.notCollected where factsByName[entry.node] == nil && !placed.contains(entry.node) {
            extra.append(TopologyNode(name: entry.node, ip: nil, nic: nil, nicMTU: nil, bridge: nil, vethCount: 0, podCIDRs: [],
                                      podIPs: [], hostRoutes: 0, link: TopologyLink(kind: .unknown, label: "", missing: false),
                                      collected: false, note: entry.reason, forwardingOff: false, findingIDs: findingIDs[entry.node] ?? [],
                                      worstSeverity: worst[entry.node]))
        }
        if !extra.isEmpty {
            pools.append(TopologyPool(name: report.pools.isEmpty ? "nodes" : "other nodes", mode: nil, subnets: [], podRanges: [],
                                      nodes: extra))
        }
        let routeTable: TopologyRouteTable? = mode == .kubenet
            ? TopologyRouteTable(routes: report.nodes.filter { !$0.podCIDRs.isEmpty }.count - missingRoute.count, missing: missingRoute.count)
            : nil
        let cluster = report.cluster
        let programmedBy = cluster.dataplane == .cilium ? "Cilium eBPF"
            : cluster.kubeProxyMode == .unknown ? "kube-proxy" : "kube-proxy \(cluster.kubeProxyMode.rawValue)"
        return TopologyModel(
            mode: mode,
            services: TopologyServices(clusterIPRanges: cluster.serviceCIDRs, kubeDNS: cluster.dns.kubeDNSClusterIPs,
                                       localDNS: cluster.dns.localDNS ? cluster.dns.localDNSAddresses : [], programmedBy: programmedBy),
            routeTable: routeTable, pools: pools)
    }

    /// The node whose pods are unreachable: the analyzer names it first (the probing peers follow).
    static func missingRouteTarget(_ finding: Finding) -> String? { finding.nodes.first }

    static func node(_ facts: NodeFacts, mode: NetworkMode, missing: Bool, forwardingOff: Bool, findingIDs: [String],
                     worst: Finding.Severity? = nil, note: String?) -> TopologyNode {
        let ipv4 = facts.internalIPs.first { !$0.contains(":") } ?? facts.internalIPs.first
        let nic = facts.interfaces.first { iface in iface.role == .nic }
            ?? facts.interfaces.first { iface in ipv4.map { ip in iface.addresses.contains { $0.hasPrefix(ip + "/") } } ?? false }
        let bridge = facts.interfaces.first { $0.role == .bridge }
        let bridgeText = bridge.map { b in ([b.name] + b.addresses.filter { !$0.contains(":") }.prefix(1)).joined(separator: " ") }
        let veths = facts.interfaces.filter { $0.role == .podVeth }
        let vethNames = Set(veths.map(\.name))
        // Host routes: /32 routes to a pod veth (Azure CNI transparent mode).
        // `ip -j route` writes a host route's dst without `/32`.
        let hostRoutes = facts.routes.filter { route in
            let single = route.destination.hasSuffix("/32") || (!route.destination.contains("/") && route.destination != "default")
            return single && route.gateway == nil && (route.device.map { vethNames.contains($0) || $0.hasPrefix("azv") } ?? false)
        }
        let podIPs = hostRoutes.map { route in
            route.destination.hasSuffix("/32") ? String(route.destination.dropLast(3)) : route.destination
        }
        let podCIDR = facts.podCIDRs.first { !$0.contains(":") } ?? facts.podCIDRs.first
        let link: TopologyLink
        switch mode {
        case .kubenet:
            link = TopologyLink(kind: .routeTable, label: "\(podCIDR ?? "no podCIDR") → \(ipv4 ?? "?")", missing: missing)
        case .azureNodeSubnet, .azurePodSubnet:
            link = TopologyLink(kind: .vnet, label: "pod IPs on the VNet", missing: missing)
        case .azureOverlay:
            link = TopologyLink(kind: .overlay, label: "overlay \(podCIDR ?? "")", missing: missing)
        case .unknown:
            link = TopologyLink(kind: .unknown, label: podCIDR.map { "\($0) → \(ipv4 ?? "?")" } ?? "", missing: missing)
        }
        return TopologyNode(name: facts.name, ip: ipv4, nic: nic?.name, nicMTU: nic?.mtu, bridge: bridgeText, vethCount: veths.count,
                            podCIDRs: facts.podCIDRs, podIPs: podIPs, hostRoutes: hostRoutes.count, link: link,
                            collected: facts.collected, note: note, forwardingOff: forwardingOff, findingIDs: findingIDs,
                            worstSeverity: worst)
    }
}
