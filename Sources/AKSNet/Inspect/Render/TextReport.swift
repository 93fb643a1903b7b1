/// `-o text`: findings first (severity, id, nodes, evidence lines, fix), then the cluster's
/// facts, nodes and pools, then the data path. ANSI colour only when asked.
struct TextReport {
    let report: InspectReport
    let color: Bool

    func paint(_ text: String, _ code: String) -> String { color ? "\u{1B}[\(code)m\(text)\u{1B}[0m" : text }
    func bold(_ text: String) -> String { paint(text, "1") }

    func severity(_ s: Finding.Severity) -> String {
        switch s {
        case .error: return paint("ERROR", "1;31")
        case .warning: return paint("WARN ", "1;33")
        case .info: return paint("INFO ", "36")
        }
    }

    func render() -> String {
        var out: [String] = []
        let counts = Finding.Severity.allCases.map { s in "\(report.findings.filter { $0.severity == s }.count) \(s.rawValue)" }
        out.append(bold("Findings") + " (" + counts.joined(separator: ", ") + ")")
        if report.findings.isEmpty { out.append("  none") }
        for finding in report.findings {
            out.append("")
            out.append("\(severity(finding.severity)) \(bold(finding.id))  \(finding.title)")
            if !finding.nodes.isEmpty { out.append("      nodes: \(finding.nodes.joined(separator: ", "))") }
            for line in finding.evidence {
                let place = [line.node, line.source + (line.line.map { ":\($0)" } ?? "")].compactMap { $0 }.joined(separator: " ")
                out.append("      " + paint("[\(place)]", "2") + " \(line.text)")
            }
            out.append("      fix: \(finding.fix)")
        }
        out.append("")
        out += facts()
        if let path = report.dataPath {
            out.append("")
            out.append(bold("Data path") + " (\(path.mode.rawValue); example nodes \(path.exampleNodes.joined(separator: ", ")))")
            for flow in path.flows {
                out.append("  \(bold(flow.title))")
                for (i, hop) in flow.hops.enumerated() { out.append("    \(i + 1). \(hop.text)") }
            }
        }
        if !report.notCollected.isEmpty {
            out.append("")
            out.append(bold("Not collected"))
            for node in report.notCollected { out.append("  \(node.node): \(node.reason)" + (node.hint.map { " (\($0))" } ?? "")) }
        }
        if !report.missingPermissions.isEmpty {
            out.append("")
            out.append("Missing permissions: \(report.missingPermissions.joined(separator: ", ")) (API-only report)")
        }
        return out.joined(separator: "\n") + "\n"
    }

    func facts() -> [String] {
        let c = report.cluster
        var out = [bold("Cluster")]
        func row(_ key: String, _ value: String) { out.append("  " + key.padding(18) + value) }
        row("context", report.context ?? "-")
        row("kubernetes", c.kubernetesVersion ?? "unknown")
        row("network mode", c.networkMode.rawValue + (c.dataplane == .cilium ? " (Cilium dataplane)" : ""))
        row("kube-proxy", c.kubeProxyMode.rawValue)
        row("network policy", c.policyEngine.rawValue)
        row("ip families", c.ipFamilies.rawValue)
        row("pod CIDR", c.podCIDRs.isEmpty ? "-" : c.podCIDRs.joined(separator: ", "))
        row("service CIDR", c.serviceCIDRs.isEmpty ? "unknown" : c.serviceCIDRs.joined(separator: ", ") + (c.serviceCIDRSource.map { " (\($0))" } ?? ""))
        row("kube-dns", c.dns.kubeDNSClusterIPs.isEmpty ? "not found" : c.dns.kubeDNSClusterIPs.joined(separator: ", "))
        row("LocalDNS", c.dns.localDNS ? "yes " + c.dns.localDNSAddresses.joined(separator: ", ") : "no")
        if let masq = c.ipMasqAgent {
            row("ip-masq-agent", "nonMasqueradeCIDRs " + masq.nonMasqueradeCIDRs.joined(separator: ", ")
                + (masq.masqLinkLocal.map { ", masqLinkLocal \($0)" } ?? ""))
        }
        row("nodes", "\(c.nodeCount) (\(c.linuxNodeCount) Linux, \(c.windowsNodeCount) Windows)")
        out.append("")
        out.append(bold("Pools"))
        for pool in report.pools {
            out.append("  \(pool.name) [\(pool.mode ?? "-"), \(pool.os ?? "-")]: \(pool.nodes.count) node(s), subnet \(pool.nodeSubnets.joined(separator: ", ")), pods from \(pool.podRanges.joined(separator: ", "))")
        }
        out.append("")
        out.append(bold("Nodes"))
        for node in report.nodes {
            let ready = node.ready.map { $0 ? "Ready" : "NotReady" } ?? "?"
            out.append("  \(node.name)  \(ready)  pool \(node.pool ?? "-")  \(node.internalIPs.joined(separator: ","))  podCIDR \(node.podCIDRs.isEmpty ? "-" : node.podCIDRs.joined(separator: ","))")
            out.append("    \(node.osImage ?? node.os ?? "-"), kernel \(node.kernel ?? "-"), \(node.containerRuntime ?? "-")"
                       + (node.kubeProxyMode.map { ", kube-proxy \($0.rawValue)" } ?? "")
                       + (node.collected ? "" : ", not collected"))
            if node.collected {
                let nic = node.interfaces.first { $0.role == .nic }
                let bridges = node.interfaces.filter { $0.role == .bridge }.map { "\($0.name) mtu \($0.mtu ?? 0)" }
                let veths = node.interfaces.filter { $0.role == .podVeth }.count
                out.append("    " + [nic.map { "\($0.name) mtu \($0.mtu ?? 0)" }, bridges.isEmpty ? nil : bridges.joined(separator: ", "),
                                     "\(veths) pod veth(s)", node.cniConfigFiles.isEmpty ? nil : "CNI " + node.cniConfigFiles.joined(separator: ", "),
                                     node.conntrackCount.map { "conntrack \($0)/\(node.conntrackMax.map(String.init) ?? "?")" }]
                    .compactMap { $0 }.joined(separator: "; "))
            }
        }
        return out
    }
}

extension String {
    func padding(_ width: Int) -> String { count >= width ? self + " " : self + String(repeating: " ", count: width - count) }
}
