/// The words inside the topology's boxes (plain text; the SVG writer escapes it).
enum TopologyText {
    static func modeName(_ mode: NetworkMode) -> String {
        switch mode {
        case .kubenet: return "kubenet"
        case .azureNodeSubnet: return "Azure CNI (node subnet)"
        case .azurePodSubnet: return "Azure CNI (pod subnet)"
        case .azureOverlay: return "Azure CNI Overlay"
        case .unknown: return "network mode unknown"
        }
    }

    static func vnetTitle(_ model: TopologyModel) -> String {
        let count = model.nodeCount
        return "VNet · \(modeName(model.mode)) · \(count) node\(count == 1 ? "" : "s") in \(model.pools.count) pool\(model.pools.count == 1 ? "" : "s")"
    }

    static func services(_ s: TopologyServices) -> [String] {
        var first = "ClusterIP range " + (s.clusterIPRanges.isEmpty ? "unknown" : s.clusterIPRanges.joined(separator: ", "))
        first += " · " + s.programmedBy
        var dns = "kube-dns " + (s.kubeDNS.isEmpty ? "not found" : s.kubeDNS.joined(separator: ", "))
        if !s.localDNS.isEmpty { dns += " · LocalDNS " + s.localDNS.joined(separator: ", ") }
        return [first, dns]
    }

    static func routeTable(_ t: TopologyRouteTable) -> [String] {
        ["\(t.routes) route\(t.routes == 1 ? "" : "s") podCIDR → node IP (Azure limit \(TopologyRouteTable.azureLimit))",
         t.missing == 0 ? "every node's pods reachable" : "\(t.missing) node\(t.missing == 1 ? "" : "s") unreachable: route missing"]
    }

    static func busLabel(_ mode: NetworkMode) -> String {
        switch mode {
        case .kubenet: return "route table"
        case .azureNodeSubnet, .azurePodSubnet: return "VNet"
        case .azureOverlay: return "overlay"
        case .unknown: return "network"
        }
    }

    static func poolTitle(_ pool: TopologyPool) -> String {
        // Most important first: a long title is clipped at its end (the pod ranges).
        var parts = ["pool \(pool.name)" + (pool.mode.map { " (\($0))" } ?? ""),
                     "\(pool.nodes.count) node\(pool.nodes.count == 1 ? "" : "s")"]
        if !pool.subnets.isEmpty { parts.append("subnet " + pool.subnets.joined(separator: ", ")) }
        if !pool.podRanges.isEmpty {
            let shown = pool.podRanges.prefix(3).joined(separator: ", ")
            parts.append("pods " + shown + (pool.podRanges.count > 3 ? " +\(pool.podRanges.count - 3)" : ""))
        }
        return parts.joined(separator: " · ")
    }

    /// Lines a node box holds under its name.
    static let maxNodeLines = 6

    /// How many pod IPs a node box lists before it says "N pods".
    static let podIPsShown = 3

    /// The lines under a node's name, in order: NIC, bridge or veths, pods, then the problems.
    static func nodeLines(_ node: TopologyNode) -> [(text: String, alert: Bool)] {
        guard node.collected else {
            var lines: [(String, Bool)] = []
            if let ip = node.ip { lines.append(("node IP \(ip)", false)) }
            if !node.podCIDRs.isEmpty { lines.append(("podCIDR " + node.podCIDRs.joined(separator: ", "), false)) }
            lines.append(("not collected", true))
            if let note = node.note { lines.append((note, false)) }
            return lines
        }
        var lines: [(String, Bool)] = []
        lines.append(([node.nic ?? "node", node.ip ?? "no IP"].joined(separator: " ") + (node.nicMTU.map { " mtu \($0)" } ?? ""), false))
        let veths = "\(node.vethCount) veth\(node.vethCount == 1 ? "" : "s")"
        if let bridge = node.bridge {
            lines.append(("\(bridge) · \(veths)", false))
        } else if node.hostRoutes > 0 {
            lines.append(("\(veths) · \(node.hostRoutes) host route\(node.hostRoutes == 1 ? "" : "s") /32", false))
        } else if node.vethCount > 0 {
            lines.append((veths, false))
        }
        if !node.podIPs.isEmpty {
            if node.podIPs.count <= podIPsShown {
                lines.append(("pods " + node.podIPs.joined(separator: ", "), false))
            } else {
                lines.append(("\(node.podIPs.count) pods (\(node.podIPs[0]) …)", false))
            }
        }
        // Dual-stack: one line per family.
        for cidr in node.podCIDRs { lines.append(("podCIDR " + cidr, false)) }
        if node.forwardingOff { lines.append(("ip_forward = 0", true)) }
        let others = node.findingIDs.filter { $0 != "ip-forward-off" }
        if let first = others.first {
            // Past a box's width, the first id and how many more (the page lists them all).
            let all = "⚠ " + others.joined(separator: ", ")
            lines.append((all.count <= 30 || others.count == 1 ? all : "⚠ \(first) +\(others.count - 1) more", true))
        }
        return lines
    }
}
