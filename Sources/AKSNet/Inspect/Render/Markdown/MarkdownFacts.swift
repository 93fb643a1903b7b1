/// The cluster's facts and pools, and the per-node summary, as GFM tables.
enum MarkdownFacts {
    static func cluster(_ report: InspectReport) -> String {
        let c = report.cluster
        var rows: [(String, String)] = [
            ("Network mode", c.networkMode.rawValue), ("Dataplane", c.dataplane.rawValue),
            ("kube-proxy mode", c.kubeProxyMode.rawValue), ("Network policy", c.policyEngine.rawValue),
            ("IP families", c.ipFamilies.rawValue),
            ("Service CIDR", c.serviceCIDRs.isEmpty ? "unknown" : c.serviceCIDRs.joined(separator: ", ")),
            ("Pod CIDR", c.podCIDRs.joined(separator: ", ")),
            ("kube-dns", c.dns.kubeDNSClusterIPs.isEmpty ? "not found" : c.dns.kubeDNSClusterIPs.joined(separator: ", ")),
            ("LocalDNS", c.dns.localDNS ? "yes " + c.dns.localDNSAddresses.joined(separator: ", ") : "no"),
            ("Nodes", "\(c.nodeCount) (\(c.linuxNodeCount) Linux, \(c.windowsNodeCount) Windows)"),
        ]
        if let version = c.kubernetesVersion { rows.insert(("Kubernetes", version), at: 0) }
        if let masq = c.ipMasqAgent { rows.append(("ip-masq-agent nonMasqueradeCIDRs", masq.nonMasqueradeCIDRs.joined(separator: ", "))) }
        var out = "## Cluster\n\n"
        out += MarkdownText.table(["Fact", "Value"], rows.map { [MarkdownText.inline($0.0), MarkdownText.inline($0.1)] })
        if !report.pools.isEmpty {
            out += "\n### Node pools\n\n"
            out += MarkdownText.table(["Pool", "Mode", "OS", "Nodes", "Node subnets", "Pod ranges"], report.pools.map { pool in
                [pool.name, pool.mode ?? "", pool.os ?? "", String(pool.nodes.count), pool.nodeSubnets.joined(separator: ", "),
                 pool.podRanges.count > 6 ? pool.podRanges.prefix(6).joined(separator: ", ") + " +\(pool.podRanges.count - 6) more"
                    : pool.podRanges.joined(separator: ", ")].map(MarkdownText.inline)
            })
        }
        if let path = report.dataPath {
            out += "\n### How a packet travels\n"
            for flow in path.flows {
                out += "\n**\(MarkdownText.inline(flow.title))**\n\n"
                for (i, hop) in flow.hops.enumerated() {
                    let place = [hop.place.rawValue, hop.node, hop.device].compactMap { $0 }.joined(separator: " · ")
                    out += "\(i + 1). \(MarkdownText.code(place, inTable: false)) \(MarkdownText.inline(hop.text))\n"
                }
            }
        }
        if !report.missingPermissions.isEmpty {
            out += "\nMissing permissions (node state absent): " + report.missingPermissions.map { MarkdownText.code($0, inTable: false) }.joined(separator: ", ") + "\n"
        }
        return out + "\n"
    }

    static func nodes(_ report: InspectReport) -> String {
        guard !report.nodes.isEmpty || !report.notCollected.isEmpty else { return "" }
        var out = "## Nodes\n\n"
        out += MarkdownText.table(["Node", "Pool", "IP", "Pod CIDR", "Ready", "kube-proxy", "iptables rules", "conntrack", "Findings"],
                                  report.nodes.map { node in
            let ids = report.findings.filter { $0.nodes.contains(node.name) }.map(\.id)
            return [MarkdownText.code(node.name), MarkdownText.inline(node.pool ?? ""), MarkdownText.inline(node.internalIPs.joined(separator: ", ")),
                    MarkdownText.inline(node.podCIDRs.joined(separator: ", ")),
                    node.ready.map { $0 ? "yes" : "**no**" } ?? "?",
                    MarkdownText.inline(node.collected ? node.kubeProxyMode?.rawValue ?? "" : "not collected"),
                    node.iptablesRuleCount.map(String.init) ?? "",
                    node.conntrackCount.map { "\($0)" + (node.conntrackMax.map { " / \($0)" } ?? "") } ?? "",
                    Array(Set(ids)).sorted().map { MarkdownText.code($0) }.joined(separator: ", ")]
        })
        if !report.notCollected.isEmpty {
            out += "\n### Not collected\n\n"
            out += MarkdownText.table(["Node", "Reason", "What to run"], report.notCollected.map {
                [MarkdownText.code($0.node), MarkdownText.inline($0.reason), $0.hint.map { MarkdownText.code($0) } ?? ""]
            })
        }
        return out
    }
}
