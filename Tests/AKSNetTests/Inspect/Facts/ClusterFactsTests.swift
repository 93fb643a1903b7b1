@testable import AKSNet
import KubeModel
import Testing

/// Facts on lab-shaped evidence: mode, kube-proxy, policy engine, pools, DNS, ranges per plugin.
@Suite struct InspectClusterFactsTests {
    @Test(arguments: [(LabEvidence.Plugin.kubenet, NetworkMode.kubenet), (.azure, .azureNodeSubnet), (.overlay, .azureOverlay)])
    func modeKubeProxyAndPolicyPerPlugin(plugin: LabEvidence.Plugin, mode: NetworkMode) {
        for (policy, engine) in [("none", PolicyEngine.none), ("azure", .azureNPM), ("calico", .calico)] {
            let report = InspectAnalyzer.analyze(LabEvidence(plugin: plugin, policy: policy).evidence)
            #expect(report.cluster.networkMode == mode)
            #expect(report.cluster.kubeProxyMode == .iptables)
            #expect(report.cluster.policyEngine == engine)
            #expect(report.nodes.allSatisfy { $0.kubeProxyMode == .iptables })
            #expect(report.cluster.evidence["networkMode"]?.isEmpty == false)
        }
    }

    @Test func modeFromCNIFilesAloneWhenLabelsSayNothing() {
        for (file, mode) in [("10-containerd-net.conflist", NetworkMode.kubenet), ("10-azure.conflist", .azureNodeSubnet),
                             ("15-azure-swift.conflist", .azurePodSubnet), ("15-azure-swift-overlay.conflist", .azureOverlay)] {
            let state = NodeState(NodeEvidence(node: "n", collected: true, runs: [
                CommandRun(id: CollectorCommands.cniConfig, argv: [], exitCode: 0, durationMs: 0, output: "==> /etc/cni/net.d/\(file) <==\n{}\n"),
            ]))
            let result = NetworkModeDetector.detect(api: APIObjects(api: [:]), states: [state])
            #expect(result.mode == mode, "\(file)")
            #expect(result.evidence.first?.text == "==> /etc/cni/net.d/\(file) <==")
        }
    }

    @Test func ciliumDataplaneMeansNoKubeProxy() {
        let node: JSONValue = ["metadata": ["name": "n1", "labels": ["kubernetes.azure.com/ebpf-dataplane": "cilium", "kubernetes.azure.com/podnetwork-type": "overlay",
                                                                    "kubernetes.azure.com/network-policy": "cilium"]]]
        let evidence = ClusterEvidence(collectedAt: "t", api: [APIEvidenceKeys.nodes: ["items": [node]],
                                                              APIEvidenceKeys.kubeSystemDaemonSets: ["items": [["metadata": ["name": "cilium"]]]]])
        let report = InspectAnalyzer.analyze(evidence)
        #expect(report.cluster.dataplane == .cilium)
        #expect(report.cluster.networkMode == .azureOverlay)
        #expect(report.cluster.kubeProxyMode == KubeProxyMode.none)
        #expect(report.cluster.policyEngine == .cilium)
    }

    @Test func kubeProxyModeFromANodesRulesWhenProxyModeIsNotAnswered() {
        func state(_ runs: [(String, String)]) -> NodeState {
            NodeState(NodeEvidence(node: "n", collected: true, runs: runs.map { CommandRun(id: $0.0, argv: [], exitCode: 0, durationMs: 0, output: $0.1) }))
        }
        #expect(NodeFactsBuilder.inferredKubeProxyMode(state([(CollectorCommands.iptablesSave, "*nat\n:KUBE-SERVICES - [0:0]\nCOMMIT\n")])) == .iptables)
        #expect(NodeFactsBuilder.inferredKubeProxyMode(state([(CollectorCommands.ipAddr, #"[{"ifname":"kube-ipvs0","addr_info":[]}]"#)])) == .ipvs)
        #expect(NodeFactsBuilder.inferredKubeProxyMode(state([(CollectorCommands.nftRuleset, #"{"nftables": [{"table": {"family": "ip", "name": "kube-proxy", "handle": 3}}]}"#)])) == .nftables)
        #expect(NodeFactsBuilder.inferredKubeProxyMode(state([(CollectorCommands.iptablesSave, "*filter\nCOMMIT\n")])) == nil)
    }

    @Test func kubeProxyModeFromUpstreamConfigMap() {
        let evidence = ClusterEvidence(collectedAt: "t", api: [APIEvidenceKeys.kubeSystemConfigMaps: ["items": [
            ["metadata": ["name": "kube-proxy"], "data": ["config.conf": "apiVersion: kubeproxy.config.k8s.io/v1alpha1\nipvs:\n  scheduler: rr\nmode: \"ipvs\"\n"]],
        ]]])
        let report = InspectAnalyzer.analyze(evidence)
        #expect(report.cluster.kubeProxyMode == .ipvs)
        #expect(report.cluster.evidence["kubeProxyMode"]?.first?.line == 4)
    }

    @Test func nodesPoolsAndRangesOfAKubenetLab() throws {
        let report = InspectAnalyzer.analyze(LabEvidence(plugin: .kubenet, nodes: 2).evidence)
        let node = try #require(report.nodes.first)
        #expect(node.name == "aks-nodepool1-12345678-vmss000000")
        #expect(node.pool == "nodepool1")
        #expect(node.os == "linux" && node.kernel == "6.8.0-1031-azure" && node.containerRuntime == "containerd://1.7.27-1")
        #expect(node.osImage == "Ubuntu 22.04.5 LTS" && node.ready == true)
        #expect(node.internalIPs == ["10.224.0.4"] && node.podCIDRs == ["10.244.0.0/24"])
        #expect(node.interfaces.map(\.role) == [.loopback, .nic, .bridge, .podVeth])
        #expect(node.interfaces.first { $0.role == .bridge }?.addresses == ["10.244.0.1/24"])
        #expect(node.routes.map(\.destination) == ["default", "10.224.0.1", "10.244.0.0/24"])
        #expect(node.cniConfigFiles == ["/etc/cni/net.d/10-containerd-net.conflist"])
        #expect(report.pools == [PoolFacts(name: "nodepool1", mode: "system", os: "linux", nodes: report.nodes.map(\.name),
                                           nodeSubnets: ["10.224.0.0/24"], podRanges: ["10.244.0.0/24", "10.244.1.0/24"])])
        #expect(report.cluster.dns.kubeDNSClusterIPs == ["10.0.0.10"] && !report.cluster.dns.localDNS)
        #expect(report.cluster.serviceCIDRs == ["10.0.0.0/16"])
        #expect(report.cluster.podCIDRs == ["10.244.0.0/16"])
        #expect(report.cluster.ipMasqAgent?.nonMasqueradeCIDRs == ["10.224.0.0/12", "10.244.0.0/16"])
        #expect(report.cluster.ipMasqAgent?.masqLinkLocal == true)
        #expect(report.cluster.ipFamilies == .ipv4)
        #expect(report.cluster.kubernetesVersion == "v1.32.5")
    }

    @Test func azurePoolsGetPodsFromTheNodeSubnet() {
        let report = InspectAnalyzer.analyze(LabEvidence(plugin: .azure, nodes: 2).evidence)
        #expect(report.pools.first?.podRanges == ["10.224.0.0/24"])
        #expect(report.nodes.first?.interfaces.contains { $0.role == .podVeth && $0.name.hasPrefix("azv") } == true)
    }

    @Test func localDNSFromANodeAddress() {
        var evidence = LabEvidence(nodes: 1).evidence
        let addr = #"[{"ifname":"localdns","mtu":1500,"flags":["UP"],"addr_info":[{"family":"inet","local":"169.254.10.10","prefixlen":32},{"family":"inet","local":"169.254.10.11","prefixlen":32}]}]"#
        evidence.nodes[0].runs.append(CommandRun(id: CollectorCommands.ipAddr, argv: [], exitCode: 0, durationMs: 0, output: addr))
        evidence.nodes[0].runs.removeAll { $0.id == CollectorCommands.ipAddr && !$0.output.contains("localdns") }
        let report = InspectAnalyzer.analyze(evidence)
        #expect(report.cluster.dns.localDNS)
        #expect(report.cluster.dns.localDNSAddresses == ["169.254.10.10", "169.254.10.11"])
    }

    @Test func ipv6PrefixesAreComputed() {
        #expect(IPv6Prefix.network("fd00:10:224:0::4", prefix: 64) == "fd00:10:224::/64")
        #expect(IPv6Prefix.network("fd12:3456:789a:0:1::5", prefix: 80) == "fd12:3456:789a:0:1::/80")
        #expect(IPv6Prefix.network("nonsense", prefix: 64) == "nonsense/64")
    }

    @Test func ipv4Ranges() {
        #expect(IPv4Range("10.244.1.0/24")?.contains("10.244.1.7") == true)
        #expect(IPv4Range("10.244.1.0/24")?.contains("10.244.2.7") == false)
        #expect(IPv4Range("10.224.0.0/12")?.covers(IPv4Range("10.224.3.0/24")!) == true)
        #expect(IPv4Range("10.224.0.5/24")?.description == "10.224.0.0/24")
        for bad in ["", "10.0.0", "10.0.0.256/8", "1.2.3.4/33", "a.b.c.d", "1.2.3.4/x"] { #expect(IPv4Range(bad) == nil, "\(bad)") }
    }
}

/// Azure CNI's legacy bridge mode: the node IP lives on azure0, eth0 is its port.
@Suite struct InspectInterfaceRoleTests {
    @Test func azureBridgeModeKeepsAzure0ABridgeAndEth0TheNIC() {
        let addr = #"[{"ifname":"eth0","mtu":1500,"master":"azure0","flags":["UP"],"linkinfo":{"info_kind":"ether"},"addr_info":[]},{"ifname":"azure0","mtu":1500,"flags":["UP"],"linkinfo":{"info_kind":"bridge"},"addr_info":[{"family":"inet","local":"10.240.0.4","prefixlen":16}]},{"ifname":"azv1234abcd567","mtu":1500,"master":"azure0","flags":["UP"],"addr_info":[]}]"#
        let evidence = NodeEvidence(node: "n", collected: true, runs: [CommandRun(id: CollectorCommands.ipAddr, argv: [], exitCode: 0, durationMs: 0, output: addr)])
        let facts = NodeFactsBuilder.node(name: "n", object: ["status": ["addresses": [["type": "InternalIP", "address": "10.240.0.4"]]]], state: NodeState(evidence))
        #expect(facts.interfaces.map(\.role) == [.nic, .bridge, .podVeth])
    }
}
