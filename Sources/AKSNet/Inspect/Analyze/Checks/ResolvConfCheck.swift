/// `node-resolv-conf`: the node's /etc/resolv.conf does not point where an AKS node's should:
/// LocalDNS (169.254.10.10/11) when the node runs it; else Azure DNS (168.63.129.16), the
/// systemd-resolved stub (127.0.0.53) or a custom VNet DNS server. Pointing the node at kube-dns
/// makes CoreDNS forward to itself (a loop); no nameserver at all breaks every lookup.
enum ResolvConfCheck: InspectCheck {
    static let id = "node-resolv-conf"
    static let azureDNS = "168.63.129.16"

    static func run(_ context: AnalysisContext) -> [Finding] {
        var findings: [Finding] = []
        let kubeDNS = Set(context.cluster.dns.kubeDNSClusterIPs)
        for state in context.collected {
            guard let conf = state.resolvConf, let run = state.evidence.run(CollectorCommands.resolvConf), run.succeeded else { continue }
            let servers = conf.nameserverAddresses
            let lines = conf.nameservers.map { state.line(CollectorCommands.resolvConf, $0.line, $0.text) }
            let nodeHasLocalDNS = state.interfaces?.contains { $0.addresses.contains { DNSFacts.localDNSIPs.contains($0.local) } } ?? false
            if servers.isEmpty {
                findings.append(Finding(id: id, severity: .warning, title: "\(state.node)'s resolv.conf has no nameserver",
                                        nodes: [state.node], evidence: [state.line(CollectorCommands.resolvConf, nil, TextScan.trimmed(run.output.prefix(200)))],
                                        fix: "Restore /etc/resolv.conf (systemd-resolved's stub or nameserver \(azureDNS)); check the VNet's DNS servers setting."))
            } else if let loop = servers.first(where: kubeDNS.contains) {
                findings.append(Finding(id: id, severity: .warning,
                                        title: "\(state.node) resolves through kube-dns (\(loop)): CoreDNS forwards to the node's resolver, a loop",
                                        nodes: [state.node], evidence: lines,
                                        fix: "Point the node at Azure DNS (\(azureDNS)) or the VNet's custom DNS, not at the cluster's DNS service."))
            } else if nodeHasLocalDNS, !servers.contains(where: DNSFacts.localDNSIPs.contains) {
                findings.append(Finding(id: id, severity: .warning,
                                        title: "\(state.node) runs LocalDNS but its resolv.conf does not use it",
                                        nodes: [state.node], evidence: lines,
                                        fix: "Check the node's LocalDNS profile (az aks nodepool update --localdns-config) and that localdns.service is running."))
            }
        }
        return findings
    }
}
