@testable import AKSNet
import KubeModel

/// A kubenet cluster built in code: evidence (the runs a collector returns) and the report an
/// analysis of it gives (facts and findings written out, so the renderers are tested alone).
/// Node `i` is `aks-nodepool1-12345678-vmss00000i` (pool `userpool` past 60 nodes), IP
/// 10.224.0.(4+i) (10.225.0.x in the user pool), podCIDR 10.244.i.0/24 on cbr0.
enum ReportFixture {
    struct Options {
        var nodes = 3
        /// The node whose podCIDR has no route (a `missing-route` finding names it first).
        var missingRouteTo: Int? = 2
        /// The node with `net.ipv4.ip_forward = 0`.
        var forwardingOff: Int? = 1
        /// Text a hostile cluster could put in names and output.
        var hostile: String? = nil
        var collectedAt = "2026-12-05T18:00:00Z"
        /// Added to every iptables counter (a later snapshot of the same cluster).
        var counterBump: UInt64 = 0
    }

    static func name(_ i: Int) -> String { i < 60 ? "aks-nodepool1-12345678-vmss\(padded(i))" : "aks-userpool-87654321-vmss\(padded(i - 60))" }
    static func ip(_ i: Int) -> String { i < 60 ? "10.224.0.\(4 + i)" : "10.225.0.\(4 + i - 60)" }
    static func podCIDR(_ i: Int) -> String { "10.244.\(i).0/24" }
    static func pods(_ i: Int) -> Int { 3 + i % 10 }

    static func report(_ o: Options = Options()) -> InspectReport {
        let evidence = self.evidence(o)
        var nodes: [NodeFacts] = []
        for i in 0..<o.nodes {
            var interfaces = [InterfaceFacts(name: "eth0", role: .nic, kind: nil, mtu: 1500, addresses: ["\(ip(i))/16"]),
                              InterfaceFacts(name: "cbr0", role: .bridge, kind: "bridge", mtu: 1500, addresses: ["10.244.\(i).1/24"])]
            for p in 0..<pods(i) {
                interfaces.append(InterfaceFacts(name: "veth\(i)p\(p)", role: .podVeth, kind: "veth", mtu: 1500, master: "cbr0"))
            }
            nodes.append(NodeFacts(
                name: name(i), pool: i < 60 ? (o.hostile ?? "nodepool1") : "userpool", os: "linux", kernel: "5.15.0-1079-azure",
                containerRuntime: "containerd://1.7.27", osImage: "Ubuntu 22.04.5 LTS", kubeletVersion: "v1.31.5",
                internalIPs: [ip(i)], podCIDRs: [podCIDR(i)], ready: true, collected: true, kubeProxyMode: .iptables,
                cniConfigFiles: ["/etc/cni/net.d/10-containerd-net.conflist"], interfaces: interfaces,
                routes: [RouteFacts(destination: "default", gateway: i < 60 ? "10.224.0.1" : "10.225.0.1", device: "eth0"),
                         RouteFacts(destination: podCIDR(i), device: "cbr0")],
                nameservers: ["168.63.129.16"], iptablesRuleCount: 12, conntrackCount: 180 + i, conntrackMax: 131072))
        }
        let firstPool = nodes.prefix(60).map(\.name), secondPool = nodes.dropFirst(60).map(\.name)
        var pools = [PoolFacts(name: o.hostile ?? "nodepool1", mode: "system", os: "linux", nodes: firstPool,
                               nodeSubnets: ["10.224.0.0/16"], podRanges: (0..<min(60, o.nodes)).map(podCIDR))]
        if !secondPool.isEmpty {
            pools.append(PoolFacts(name: "userpool", mode: "user", os: "linux", nodes: secondPool,
                                   nodeSubnets: ["10.225.0.0/16"], podRanges: (60..<o.nodes).map(podCIDR)))
        }
        return InspectReport(
            evidence: evidence,
            cluster: ClusterFacts(kubernetesVersion: "v1.31.5", networkMode: .kubenet, kubeProxyMode: .iptables, policyEngine: .none,
                                  dns: DNSFacts(kubeDNSClusterIPs: ["10.0.0.10"]), serviceCIDRs: ["10.0.0.0/16"],
                                  serviceCIDRSource: "inferred from service ClusterIPs", podCIDRs: ["10.244.0.0/16"],
                                  nodeCount: o.nodes, linuxNodeCount: o.nodes),
            nodes: nodes, pools: pools, findings: findings(o),
            dataPath: DataPath(mode: .kubenet, exampleNodes: [name(0)], flows: [
                DataPathFlow(id: DataPathFlow.crossNode, title: "Pod to pod across nodes", hops: [
                    DataPathHop(place: .pod, node: name(0), device: "eth0", text: "the pod sends to 10.244.1.7 through its veth"),
                    DataPathHop(place: .node, node: name(0), device: "cbr0", text: "cbr0 hands it to the node's routing: default via 10.224.0.1 dev eth0"),
                    DataPathHop(place: .vnet, text: "the route table sends 10.244.1.0/24 to \(ip(1))"),
                ])]))
    }

    static func findings(_ o: Options) -> [Finding] {
        var findings: [Finding] = []
        if let target = o.missingRouteTo, target < o.nodes {
            let sources = (0..<o.nodes).filter { $0 != target && $0 != o.forwardingOff }.prefix(3)
            findings.append(Finding(
                id: "missing-route", severity: .error,
                title: "Pods on \(name(target)) (\(podCIDR(target))) are unreachable from \(sources.map(name).joined(separator: ", "))",
                nodes: [name(target)] + sources.map(name),
                evidence: sources.map { EvidenceLine(node: name($0), source: "pod-network-probe", line: 1, text: "\(name(target)) 10.244.\(target).2 fail") },
                fix: "az network route-table route create … --address-prefix \(podCIDR(target)) --next-hop-ip-address \(ip(target)) | check"))
        }
        if let node = o.forwardingOff, node < o.nodes {
            findings.append(Finding(
                id: "ip-forward-off", severity: .error, title: "IP forwarding is off on \(name(node))", nodes: [name(node)],
                evidence: [EvidenceLine(node: name(node), source: "sysctls", line: 1, text: o.hostile ?? "net.ipv4.ip_forward = 0")],
                fix: "On the node: sysctl -w net.ipv4.ip_forward=1"))
        }
        findings.append(Finding(id: "kubenet-retiring", severity: .info, title: "kubenet retires on 2028-03-31", nodes: [],
                                evidence: [], fix: "az aks update --network-plugin-mode overlay"))
        return findings
    }

    static func evidence(_ o: Options) -> ClusterEvidence {
        ClusterEvidence(collectedAt: o.collectedAt, context: "lab-kubenet", server: "https://127.0.0.1:6443",
                        nodes: (0..<o.nodes).map { node($0, o) })
    }

    static func node(_ i: Int, _ o: Options) -> NodeEvidence {
        let forwarding = o.forwardingOff == i ? "0" : "1"
        let routes = #"[{"dst":"default","gateway":"\#(i < 60 ? "10.224.0.1" : "10.225.0.1")","dev":"eth0","protocol":"dhcp","flags":[]},"#
            + #"{"dst":"\#(podCIDR(i))","dev":"cbr0","protocol":"kernel","scope":"link","prefsrc":"10.244.\#(i).1","flags":[]},"#
            + #"{"dst":"10.224.0.0/16","dev":"eth0","protocol":"kernel","scope":"link","prefsrc":"\#(ip(i))","flags":[]},"#
            + #"{"type":"local","dst":"\#(ip(i))","dev":"eth0","table":"local","protocol":"kernel","scope":"host","prefsrc":"\#(ip(i))","flags":[]}]"#
        let c = o.counterBump
        let iptables = """
        # Generated by iptables-save v1.8.7 on \(o.collectedAt)
        *nat
        :PREROUTING ACCEPT [\(10 + c):\(600 + c * 60)]
        :POSTROUTING ACCEPT [\(20 + c):\(1200 + c * 60)]
        :KUBE-SERVICES - [0:0]
        :KUBE-SVC-TCOQ7ZJ4MQB6TSRL - [0:0]
        :KUBE-SEP-AAAA - [0:0]
        [\(5 + c):\(300 + c)] -A PREROUTING -m comment --comment "kubernetes service portals" -j KUBE-SERVICES
        [\(7 + c):\(420 + c)] -A POSTROUTING ! -d 10.244.0.0/16 -m comment --comment "kubenet: SNAT for outbound traffic from cluster" -m addrtype ! --dst-type LOCAL -j MASQUERADE
        [0:0] -A KUBE-SERVICES -d 10.0.0.10/32 -p udp -m comment --comment "kube-system/kube-dns:dns cluster IP" -m udp --dport 53 -j KUBE-SVC-TCOQ7ZJ4MQB6TSRL
        [\(c):\(c * 80)] -A KUBE-SVC-TCOQ7ZJ4MQB6TSRL -j KUBE-SEP-AAAA
        [\(c):\(c * 80)] -A KUBE-SEP-AAAA -p udp -m udp -j DNAT --to-destination 10.244.0.3:53
        COMMIT
        # Completed on \(o.collectedAt)
        *filter
        :INPUT ACCEPT [\(900 + c):\(80000 + c)]
        :FORWARD ACCEPT [\(400 + c):\(30000 + c)]
        :OUTPUT ACCEPT [\(800 + c):\(70000 + c)]
        [\(3 + c):\(180 + c)] -A FORWARD -m comment --comment "kubernetes forwarding rules" -j ACCEPT
        COMMIT
        """
        let sysctls = """
        net.ipv4.ip_forward = \(forwarding)
        net.ipv4.conf.all.rp_filter = 1
        net.bridge.bridge-nf-call-iptables = 1
        net.netfilter.nf_conntrack_max = 131072
        net.netfilter.nf_conntrack_count = \(180 + i + Int(c))
        net.core.rmem_max = 212992
        """
        let cni = """
        ==> /etc/cni/net.d/10-containerd-net.conflist <==
        {
          "cniVersion": "0.3.1",
          "name": "kubenet",
          "plugins": [{"type": "bridge", "bridge": "cbr0", "mtu": 1500, "ipam": {"type": "host-local", "subnet": "\(podCIDR(i))"}}]
        }
        """
        var probe = ""
        for peer in 0..<o.nodes where peer != i {
            let ok = peer != o.missingRouteTo && i != o.forwardingOff
            probe += "\(name(peer)) 10.244.\(peer).2 \(ok ? "ok" : "fail")\n"
        }
        func run(_ id: String, _ argv: [String], _ output: String, ms: Int) -> CommandRun {
            CommandRun(id: id, argv: argv, exitCode: 0, durationMs: ms + Int(c % 7), output: output)
        }
        return NodeEvidence(node: name(i), collected: true, runs: [
            run(CollectorCommands.ipRoute, ["ip", "-j", "-4", "route", "show", "table", "all"], routes, ms: 4),
            run(CollectorCommands.iptablesSave, ["iptables-save", "-c"], iptables, ms: 30),
            run(CollectorCommands.sysctls, ["sysctl", "net.ipv4.ip_forward"], sysctls, ms: 2),
            run(CollectorCommands.cniConfig, ["cat", "/etc/cni/net.d/*"], cni, ms: 1),
            run(CollectorCommands.podNetworkProbe, ["ping", "-c", "1"], o.hostile.map { $0 + "\n" + probe } ?? probe, ms: 900),
        ])
    }
}

extension ReportFixture {
    /// `000007`-style zero padding without Foundation's format strings.
    static func padded(_ value: Int) -> String {
        let digits = String(value)
        return String(repeating: "0", count: max(0, 6 - digits.count)) + digits
    }
}
