/// `node-differs-from-pool`: a node whose network state differs from most of its pool's peers
/// (kernel, NIC MTU, kube-proxy mode, forwarding and bridge sysctls, CNI config). Needs a strict
/// majority, so a pool of two never blames either node.
enum PoolPeerCheck: InspectCheck {
    static let id = "node-differs-from-pool"
    static let sysctlKeys = ["net.ipv4.ip_forward", "net.ipv4.conf.all.rp_filter", "net.bridge.bridge-nf-call-iptables",
                             "net.netfilter.nf_conntrack_max", "net.core.rmem_max"]

    static func run(_ context: AnalysisContext) -> [Finding] {
        var findings: [Finding] = []
        let pools = Dictionary(grouping: context.nodes.filter(\.collected), by: { $0.pool ?? "" })
        for pool in pools.keys.sorted() {
            let members = pools[pool] ?? []
            guard members.count >= 3 else { continue }
            var differences: [String: [(String, EvidenceLine)]] = [:]
            func compare(_ name: String, _ value: (NodeFacts) -> (String, EvidenceLine)?) {
                let values = members.compactMap { node in value(node).map { (node.name, $0.0, $0.1) } }
                var counts: [String: Int] = [:]
                for v in values { counts[v.1, default: 0] += 1 }
                guard let top = counts.max(by: { $0.value < $1.value }), top.value * 2 > values.count else { return }
                for v in values where v.1 != top.key {
                    differences[v.0, default: []].append(("\(name) \(v.1) (pool: \(top.key))", v.2))
                }
            }
            compare("kernel") { node in node.kernel.map { ($0, EvidenceLine(node: node.name, source: "api:\(APIEvidenceKeys.nodes)", line: nil, text: "\(node.name): kernelVersion \($0)")) } }
            compare("NIC MTU") { node in
                guard let nic = node.interfaces.first(where: { $0.role == .nic }), let mtu = nic.mtu else { return nil }
                return ("\(mtu)", EvidenceLine(node: node.name, source: CollectorCommands.ipLink, line: nil, text: "\(nic.name): mtu \(mtu)"))
            }
            compare("kube-proxy mode") { node in
                node.kubeProxyMode.map { ($0.rawValue, EvidenceLine(node: node.name, source: CollectorCommands.kubeProxyMode, line: 1, text: $0.rawValue)) }
            }
            compare("CNI config") { node in
                node.cniConfigFiles.isEmpty ? nil : (node.cniConfigFiles.joined(separator: ","), EvidenceLine(node: node.name, source: CollectorCommands.cniConfig, line: nil, text: node.cniConfigFiles.joined(separator: " ")))
            }
            for key in sysctlKeys {
                compare(key) { node in
                    guard let value = context.state(node.name)?.sysctl(key) else { return nil }
                    return (value.value, EvidenceLine(node: node.name, source: CollectorCommands.sysctls, line: value.line, text: value.text))
                }
            }
            for node in differences.keys.sorted() {
                let items = differences[node] ?? []
                findings.append(Finding(
                    id: id, severity: .warning,
                    title: "\(node) differs from pool \(pool): " + items.map(\.0).joined(separator: "; "),
                    nodes: [node], evidence: items.map(\.1),
                    fix: "Nodes of one pool should be identical: find what changed \(node) (a DaemonSet, a manual change), or reimage it "
                        + "(az vmss reimage) / upgrade the pool's node image so all match."))
            }
        }
        return findings
    }
}
