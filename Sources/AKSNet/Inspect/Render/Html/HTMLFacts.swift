/// The cluster: the topology picture, then its facts, pools and how packets flow.
enum HTMLFacts {
    static func section(_ report: InspectReport) -> String {
        let c = report.cluster
        var out = "<section id=\"cluster\"><h2>Cluster network</h2>\n"
        out += "<figure class=\"topology\">\n" + TopologySVG.render(TopologyModelBuilder.model(report))
        out += "<figcaption>Laid out from the collected state: each node with its address, bridge or veths and pod range; "
        out += "the line above a node is how the other nodes reach its pods.</figcaption></figure>\n"
        var rows: [[String]] = [
            ["Network mode", c.networkMode.rawValue],
            ["Dataplane", c.dataplane.rawValue],
            ["kube-proxy mode", c.kubeProxyMode.rawValue],
            ["Network policy", c.policyEngine.rawValue],
            ["IP families", c.ipFamilies.rawValue],
            ["Service CIDR", c.serviceCIDRs.isEmpty ? "unknown" : c.serviceCIDRs.joined(separator: ", ") + (c.serviceCIDRSource.map { " (\($0))" } ?? "")],
            ["Pod CIDR", c.podCIDRs.isEmpty ? "—" : c.podCIDRs.joined(separator: ", ")],
            ["kube-dns", c.dns.kubeDNSClusterIPs.isEmpty ? "not found" : c.dns.kubeDNSClusterIPs.joined(separator: ", ")],
            ["LocalDNS", c.dns.localDNS ? "yes " + c.dns.localDNSAddresses.joined(separator: ", ") : "no"],
            ["Nodes", "\(c.nodeCount) (\(c.linuxNodeCount) Linux, \(c.windowsNodeCount) Windows)"],
        ]
        if let version = c.kubernetesVersion { rows.insert(["Kubernetes", version], at: 0) }
        if let masq = c.ipMasqAgent {
            rows.append(["ip-masq-agent", "nonMasqueradeCIDRs " + (masq.nonMasqueradeCIDRs.isEmpty ? "none" : masq.nonMasqueradeCIDRs.joined(separator: ", "))
                            + " (" + masq.configMaps.joined(separator: ", ") + ")"])
        }
        out += HTMLParts.table(nil, rows, className: "facts")
        if !report.pools.isEmpty {
            out += "<h3>Node pools</h3>\n"
            out += HTMLParts.table(["Pool", "Mode", "OS", "Nodes", "Node subnets", "Pod ranges"], report.pools.map { pool in
                [pool.name, pool.mode ?? "", pool.os ?? "", String(pool.nodes.count), pool.nodeSubnets.joined(separator: ", "),
                 pool.podRanges.count > 6 ? pool.podRanges.prefix(6).joined(separator: ", ") + " +\(pool.podRanges.count - 6) more"
                    : pool.podRanges.joined(separator: ", ")]
            })
        }
        if let path = report.dataPath { out += dataPath(path) }
        out += gaps(report)
        return out + "</section>\n"
    }

    static func dataPath(_ path: DataPath) -> String {
        let e = HTMLParts.e
        var out = "<h3>How a packet travels</h3>\n"
        for flow in path.flows {
            out += "<details class=\"flow\" open><summary>\(e(flow.title))</summary><div class=\"body\"><ol class=\"flow\">"
            for hop in flow.hops {
                let at = [hop.node, hop.device].compactMap { $0 }.joined(separator: " · ")
                out += "<li><span class=\"place\">\(e(hop.place.rawValue))</span>\(e(hop.text))"
                out += at.isEmpty ? "</li>" : " <span class=\"meta\">(\(e(at)))</span></li>"
            }
            out += "</ol></div></details>\n"
        }
        return out
    }

    /// What the report could not see: permissions, API reads that failed, nodes not collected.
    static func gaps(_ report: InspectReport) -> String {
        var out = ""
        if !report.missingPermissions.isEmpty {
            out += "<p class=\"cut\">Missing permissions (the node part of the report is absent): "
            out += report.missingPermissions.map { "<code>\(HTMLParts.e($0))</code>" }.joined(separator: ", ") + "</p>\n"
        }
        if !report.apiErrors.isEmpty {
            out += "<h3>API reads that failed</h3>\n"
            out += HTMLParts.table(["Read", "Error"], report.apiErrors.keys.sorted().map { [$0, report.apiErrors[$0] ?? ""] })
        }
        if !report.notCollected.isEmpty {
            out += "<h3>Nodes not collected</h3>\n"
            out += HTMLParts.table(["Node", "Reason", "What to run"], report.notCollected.map { [$0.node, $0.reason, $0.hint ?? ""] })
        }
        return out
    }
}
