@testable import AKSNet
import KubeModel

/// Evidence shaped like what the collector gathers on a `kubectl-aksnet-lab` cluster (names,
/// addresses and rules as the lab lays them out: Sources/AKSNetLab/Dataplane, Lifecycle), built
/// in code so each break is a small, visible change.
struct LabEvidence {
    enum Plugin: String { case kubenet, azure, overlay }
    enum Break { case missingRoute(Int), ipForwardOff(Int), noMasquerade(Int), mtuMismatch(Int), policyDrop(Int), conntrackFull(Int), realConntrackFull(Int) }

    var plugin: Plugin = .kubenet
    var nodes = 3
    var policy = "none"
    var dual = false
    var breaks: [Break] = []

    static let clusterDigits = "12345678"
    func name(_ i: Int) -> String { "aks-nodepool1-\(Self.clusterDigits)-vmss00000\(i)" }
    func ip(_ i: Int) -> String { "10.224.0.\(4 + i)" }
    func ip6(_ i: Int) -> String { "fd00:10:224:0::\(4 + i)" }
    func podCIDR(_ i: Int) -> String? { plugin == .azure ? nil : "10.244.\(i).0/24" }
    func podIP(_ i: Int) -> String { plugin == .azure ? "10.224.0.\(4 + nodes + i * 30)" : "10.244.\(i).\(plugin == .kubenet ? 2 : 1)" }
    func veth(_ i: Int) -> String { plugin == .kubenet ? "veth0a1b2c3\(i)" : "azv0a1b2c3d4e\(i)" }

    func has(_ check: (Break) -> Bool) -> Bool { breaks.contains(where: check) }

    var evidence: ClusterEvidence {
        var api: [String: JSONValue] = [:]
        api[APIEvidenceKeys.version] = ["gitVersion": "v1.32.5", "major": "1", "minor": "32"]
        api[APIEvidenceKeys.nodes] = ["kind": "NodeList", "apiVersion": "v1", "items": .array((0..<nodes).map(nodeObject))]
        api[APIEvidenceKeys.services] = ["kind": "ServiceList", "items": [
            ["metadata": ["name": "kubernetes", "namespace": "default"], "spec": ["clusterIP": "10.0.0.1", "clusterIPs": ["10.0.0.1"], "type": "ClusterIP"]],
            ["metadata": ["name": "kube-dns", "namespace": "kube-system"], "spec": ["clusterIP": "10.0.0.10", "clusterIPs": ["10.0.0.10"], "type": "ClusterIP", "selector": ["k8s-app": "kube-dns"]]],
            ["metadata": ["name": "web", "namespace": "default"], "spec": ["clusterIP": "10.0.143.7", "clusterIPs": ["10.0.143.7"], "type": "ClusterIP", "selector": ["app": "web"]]],
        ]]
        api[APIEvidenceKeys.endpointSlices] = ["kind": "EndpointSliceList", "items": [
            ["metadata": ["name": "kubernetes", "namespace": "default", "labels": ["kubernetes.io/service-name": "kubernetes"]], "endpoints": [["addresses": ["10.224.255.4"], "conditions": ["ready": true]]]],
            ["metadata": ["name": "kube-dns-abcde", "namespace": "kube-system", "labels": ["kubernetes.io/service-name": "kube-dns"]], "endpoints": [["addresses": .array([.string(podIP(0))]), "conditions": ["ready": true]]]],
            ["metadata": ["name": "web-xyz", "namespace": "default", "labels": ["kubernetes.io/service-name": "web"]], "endpoints": [["addresses": .array([.string(podIP(1 % nodes))]), "conditions": ["ready": true]]]],
        ]]
        var daemonSets: [JSONValue] = [["metadata": ["name": "kube-proxy", "namespace": "kube-system"], "spec": ["template": ["spec": ["containers": [["name": "kube-proxy", "image": "mcr.microsoft.com/oss/kubernetes/kube-proxy:v1.32.5"]]]]]]]
        if policy == "azure" { daemonSets.append(["metadata": ["name": "azure-npm", "namespace": "kube-system"]]) }
        if policy == "calico" { daemonSets.append(["metadata": ["name": "calico-node", "namespace": "kube-system"]]) }
        api[APIEvidenceKeys.kubeSystemDaemonSets] = ["kind": "DaemonSetList", "items": .array(daemonSets)]
        api[APIEvidenceKeys.kubeSystemConfigMaps] = ["kind": "ConfigMapList", "items": [
            ["metadata": ["name": "kube-proxy-config", "namespace": "kube-system"],
             "data": ["config.yaml": "apiVersion: kubeproxy.config.k8s.io/v1alpha1\nkind: KubeProxyConfiguration\nmode: iptables\nclusterCIDR: 10.244.0.0/16\n"]],
            ["metadata": ["name": "azure-ip-masq-agent-config-reconciled", "namespace": "kube-system"],
             "data": ["ip-masq-agent-reconciled": "nonMasqueradeCIDRs:\n- 10.224.0.0/12\n- 10.244.0.0/16\nmasqLinkLocal: true\n"]],
        ]]
        return ClusterEvidence(collectedAt: "2026-12-05T18:00:00Z", context: "aksnet-lab", server: "https://127.0.0.1:6443", api: api,
                               nodes: (0..<nodes).map(nodeEvidence))
    }

    func nodeObject(_ i: Int) -> JSONValue {
        var labels: JSONValue = ["kubernetes.io/os": "linux", "kubernetes.azure.com/agentpool": "nodepool1", "agentpool": "nodepool1",
                                 "kubernetes.azure.com/mode": "system", "kubernetes.azure.com/network-policy": .string(policy)]
        if plugin == .overlay {
            labels = labels.adding("kubernetes.azure.com/azure-cni-overlay", "true").adding("kubernetes.azure.com/podnetwork-type", "overlay")
        } else if plugin == .azure {
            labels = labels.adding("kubernetes.azure.com/podnetwork-type", "vnet")
        }
        var spec: JSONValue = ["providerID": .string("azure:///subscriptions/0/resourceGroups/mc/providers/Microsoft.Compute/virtualMachineScaleSets/aks-nodepool1-vmss/virtualMachines/\(i)")]
        if let cidr = podCIDR(i) {
            spec = spec.adding("podCIDR", .string(cidr))
            spec = spec.adding("podCIDRs", dual ? [.string(cidr), .string("fd12:3456:789a:0:\(i)::/80")] : [.string(cidr)])
        }
        var addresses: [JSONValue] = [["type": "InternalIP", "address": .string(ip(i))]]
        if dual { addresses.append(["type": "InternalIP", "address": .string(ip6(i))]) }
        addresses.append(["type": "Hostname", "address": .string(name(i))])
        return ["metadata": ["name": .string(name(i)), "labels": labels], "spec": spec,
                "status": ["addresses": .array(addresses),
                           "conditions": [["type": "Ready", "status": "True", "reason": "KubeletReady"]],
                           "nodeInfo": ["containerRuntimeVersion": "containerd://1.7.27-1", "kernelVersion": "6.8.0-1031-azure",
                                        "kubeletVersion": "v1.32.5", "operatingSystem": "linux", "osImage": "Ubuntu 22.04.5 LTS"]]]
    }

    func run(_ id: String, _ output: String, exit: Int32 = 0) -> CommandRun {
        CommandRun(id: id, argv: [id], exitCode: exit, durationMs: 5, output: output)
    }

    func nodeEvidence(_ i: Int) -> NodeEvidence {
        let mtuBroken = has { if case .mtuMismatch(i) = $0 { return true }; return false }
        let nicMTU = mtuBroken ? 1400 : 1500
        var links: [String] = [
            #"{"ifindex":1,"ifname":"lo","flags":["LOOPBACK","UP","LOWER_UP"],"mtu":65536,"operstate":"UNKNOWN","link_type":"loopback","addr_info":[{"family":"inet","local":"127.0.0.1","prefixlen":8,"scope":"host"}]}"#,
            #"{"ifindex":2,"ifname":"eth0","flags":["BROADCAST","MULTICAST","UP","LOWER_UP"],"mtu":\#(nicMTU),"operstate":"UP","link_type":"ether","linkinfo":{"info_kind":"veth"},"addr_info":[{"family":"inet","local":"\#(ip(i))","prefixlen":24,"scope":"global","noprefixroute":true}\#(dual ? #",{"family":"inet6","local":"\#(ip6(i))","prefixlen":64,"scope":"global"}"# : "")]}"#,
        ]
        if plugin == .kubenet {
            links.append(#"{"ifindex":3,"ifname":"cbr0","flags":["BROADCAST","MULTICAST","UP","LOWER_UP"],"mtu":1500,"operstate":"UP","link_type":"ether","linkinfo":{"info_kind":"bridge"},"addr_info":[{"family":"inet","local":"10.244.\#(i).1","prefixlen":24,"scope":"global"}]}"#)
            links.append(#"{"ifindex":4,"ifname":"\#(veth(i))","flags":["BROADCAST","MULTICAST","UP","LOWER_UP"],"mtu":1500,"master":"cbr0","operstate":"UP","link_type":"ether","linkinfo":{"info_kind":"veth"},"addr_info":[]}"#)
        } else {
            links.append(#"{"ifindex":4,"ifname":"\#(veth(i))","flags":["BROADCAST","MULTICAST","UP","LOWER_UP"],"mtu":1500,"operstate":"UP","link_type":"ether","linkinfo":{"info_kind":"veth"},"addr_info":[]}"#)
        }
        let addr = "[" + links.joined(separator: ",") + "]\n"
        var routes = [#"{"dst":"default","gateway":"10.224.0.1","dev":"eth0","flags":[]}"#,
                      #"{"dst":"10.224.0.1","dev":"eth0","scope":"link","flags":[]}"#]
        if plugin == .kubenet {
            routes.append(#"{"dst":"10.244.\#(i).0/24","dev":"cbr0","protocol":"kernel","scope":"link","prefsrc":"10.244.\#(i).1","flags":[]}"#)
        } else {
            routes.append(#"{"dst":"\#(podIP(i))","dev":"\#(veth(i))","scope":"link","flags":[]}"#)
        }
        routes.append(#"{"type":"local","dst":"\#(ip(i))","dev":"eth0","table":"local","protocol":"kernel","scope":"host","prefsrc":"\#(ip(i))","flags":[]}"#)
        let forwardOff = has { if case .ipForwardOff(i) = $0 { return true }; return false }
        var sysctls = "net.ipv4.conf.all.rp_filter = 0\nnet.ipv4.ip_forward = \(forwardOff ? 0 : 1)\nnet.core.rmem_max = 212992\nnet.netfilter.nf_conntrack_max = 262144\n"
        if plugin == .kubenet { sysctls = "net.bridge.bridge-nf-call-iptables = 1\n" + sysctls }
        if dual { sysctls += "net.ipv6.conf.all.forwarding = \(forwardOff ? 0 : 1)\n" }
        let realFull = has { if case .realConntrackFull(i) = $0 { return true }; return false }
        var runs = [
            run(CollectorCommands.ipAddr, addr), run(CollectorCommands.ipLink, addr),
            run(CollectorCommands.ipRoute, "[" + routes.joined(separator: ",") + "]\n"),
            run(CollectorCommands.iptablesSave, iptables(i)),
            run(CollectorCommands.sysctls, sysctls),
            run(CollectorCommands.conntrackStats, realFull
                ? "cpu=0   \tfound=12 invalid=3 insert=0 insert_failed=40 drop=40 early_drop=7 error=0 search_restart=0 clash_resolve=0 chaintoolong=0\ncpu=1   \tfound=8 invalid=0 insert=0 insert_failed=0 drop=0 early_drop=0 error=0 search_restart=0 clash_resolve=0 chaintoolong=0\n"
                : "cpu=0   \tfound=12 invalid=3 insert=0 insert_failed=0 drop=0 early_drop=0 error=0 search_restart=0 clash_resolve=0 chaintoolong=0\ncpu=1   \tfound=8 invalid=0 insert=0 insert_failed=0 drop=0 early_drop=0 error=0 search_restart=0 clash_resolve=0 chaintoolong=0\n"),
            run(CollectorCommands.conntrackCount, realFull ? "262144\n" : "57\n"),
            run(CollectorCommands.conntrackMax, "262144\n"),
            run(CollectorCommands.cniConfig, cni(i)),
            run(CollectorCommands.resolvConf, "nameserver 168.63.129.16\nsearch \(name(i)).internal.cloudapp.net\n"),
            run(CollectorCommands.kubeProxyMode, "iptables"),
            run(CollectorCommands.kernelConntrackLog, realFull ? "[12345.678901] nf_conntrack: nf_conntrack: table full, dropping packet\n" : "", exit: realFull ? 0 : 1),
            run(CollectorCommands.ipvsadm, "", exit: 127),
            run(CollectorCommands.podNetworkProbe, probes(from: i)),
        ]
        if dual {
            runs.append(run(CollectorCommands.ip6Route, #"[{"dst":"default","gateway":"fd00:10:224:0::1","dev":"eth0","flags":[]}]"#))
        }
        return NodeEvidence(node: name(i), collected: true, runs: runs)
    }

    /// Host-network probes from node `i` to every peer's first pod IP: they fail when the peer's
    /// route is gone from the VNet, or the peer does not forward.
    /// A full conntrack table (emulated) drops new connections to and from its node; a policy drop
    /// on the probed pod's address drops the probe too.
    func probes(from i: Int) -> String {
        let sourceFull = has { if case .conntrackFull(i) = $0 { return true }; return false }
        return (0..<nodes).filter { $0 != i }.map { peer in
            let routeGone = has { if case .missingRoute(peer) = $0 { return true }; return false }
            let noForward = has { if case .ipForwardOff(peer) = $0 { return true }; return false }
            let full = has { if case .conntrackFull(peer) = $0 { return true }; return false }
            let dropped = has { if case .policyDrop(peer) = $0 { return true }; return false }
            return "\(name(peer)) \(podIP(peer)) \(routeGone || noForward || full || dropped || sourceFull ? "fail" : "ok")"
        }.joined(separator: "\n") + "\n"
    }

    func cni(_ i: Int) -> String {
        switch plugin {
        case .kubenet:
            return "==> /etc/cni/net.d/10-containerd-net.conflist <==\n{\n  \"cniVersion\": \"0.3.1\",\n  \"name\": \"kubenet\",\n  \"plugins\": [\n    {\"type\": \"bridge\", \"bridge\": \"cbr0\", \"mtu\": 1500, \"ipam\": {\"type\": \"host-local\", \"subnet\": \"10.244.\(i).0/24\"}}\n  ]\n}\n"
        case .azure:
            return "==> /etc/cni/net.d/10-azure.conflist <==\n{\n  \"cniVersion\": \"0.3.0\",\n  \"name\": \"azure\",\n  \"plugins\": [{\"type\": \"azure-vnet\", \"mode\": \"transparent\", \"ipam\": {\"type\": \"azure-vnet-ipam\"}}]\n}\n"
        case .overlay:
            return "==> /etc/cni/net.d/15-azure-swift-overlay.conflist <==\n{\n  \"cniVersion\": \"0.3.0\",\n  \"name\": \"azure\",\n  \"plugins\": [{\"type\": \"azure-vnet\", \"mode\": \"transparent\", \"executionMode\": \"v4swift\", \"ipam\": {\"mode\": \"v4overlay\", \"type\": \"azure-cns\"}}]\n}\n"
        }
    }

    func iptables(_ i: Int) -> String {
        let noMasq = has { if case .noMasquerade(i) = $0 { return true }; return false }
        let policyDrop = has { if case .policyDrop(i) = $0 { return true }; return false }
        let conntrackFull = has { if case .conntrackFull(i) = $0 { return true }; return false }
        let nonMasq = plugin == .azure ? ["10.224.0.0/24"] : ["10.244.0.0/16"]
        var lines = ["# Generated by iptables-save v1.8.7 on Sat Dec  5 18:00:00 2026"]
        if conntrackFull {
            lines += ["*mangle", ":PREROUTING ACCEPT [120:9000]", ":INPUT ACCEPT [100:8000]", ":FORWARD ACCEPT [0:0]", ":OUTPUT ACCEPT [90:7000]",
                      ":POSTROUTING ACCEPT [90:7000]", ":AKSNET-CONNTRACK-FULL - [0:0]",
                      "[120:9000] -A PREROUTING -j AKSNET-CONNTRACK-FULL", "[90:7000] -A OUTPUT -j AKSNET-CONNTRACK-FULL",
                      "[3:180] -A AKSNET-CONNTRACK-FULL -m conntrack --ctstate NEW -m comment --comment \"aksnet-lab fault: nf_conntrack: table full, dropping packet\" -j DROP",
                      "COMMIT"]
        }
        lines += ["*nat", ":PREROUTING ACCEPT [40:2400]", ":INPUT ACCEPT [0:0]", ":OUTPUT ACCEPT [30:1800]", ":POSTROUTING ACCEPT [30:1800]",
                  ":IP-MASQ-AGENT - [0:0]", ":KUBE-MARK-MASQ - [0:0]", ":KUBE-POSTROUTING - [0:0]", ":KUBE-SERVICES - [0:0]",
                  ":KUBE-SVC-TCOU7JCQXEZGVUNU - [0:0]", ":KUBE-SEP-IT2ZTR26TO4XFPTO - [0:0]",
                  "[40:2400] -A PREROUTING -m comment --comment \"kubernetes service portals\" -j KUBE-SERVICES",
                  "[30:1800] -A OUTPUT -m comment --comment \"kubernetes service portals\" -j KUBE-SERVICES",
                  "[30:1800] -A POSTROUTING -m comment --comment \"kubernetes postrouting rules\" -j KUBE-POSTROUTING",
                  "[12:720] -A POSTROUTING -m comment --comment \"ip-masq-agent: ensure nat POSTROUTING directs all non-LOCAL destination traffic to our custom IP-MASQ-AGENT chain\" -m addrtype ! --dst-type LOCAL -j IP-MASQ-AGENT"]
        for cidr in nonMasq {
            lines.append("[2:120] -A IP-MASQ-AGENT -d \(cidr) -m comment --comment \"ip-masq-agent: local traffic is not subject to MASQUERADE\" -j RETURN")
        }
        if !noMasq {
            lines.append("[10:600] -A IP-MASQ-AGENT -m comment --comment \"ip-masq-agent: outbound traffic is subject to MASQUERADE (must be last in chain)\" -j MASQUERADE")
        }
        lines += ["[0:0] -A KUBE-MARK-MASQ -j MARK --set-xmark 0x4000/0x4000",
                  "[30:1800] -A KUBE-POSTROUTING -m mark ! --mark 0x4000/0x4000 -j RETURN",
                  "[0:0] -A KUBE-POSTROUTING -j MARK --set-xmark 0x4000/0x0",
                  "[0:0] -A KUBE-POSTROUTING -m comment --comment \"kubernetes service traffic requiring SNAT\" -j MASQUERADE --random-fully",
                  "[4:240] -A KUBE-SERVICES -d 10.0.0.10/32 -p udp -m comment --comment \"kube-system/kube-dns:dns cluster IP\" -m udp --dport 53 -j KUBE-SVC-TCOU7JCQXEZGVUNU",
                  "[4:240] -A KUBE-SVC-TCOU7JCQXEZGVUNU -m comment --comment \"kube-system/kube-dns:dns -> \(podIP(0)):53\" -j KUBE-SEP-IT2ZTR26TO4XFPTO",
                  "[0:0] -A KUBE-SEP-IT2ZTR26TO4XFPTO -s \(podIP(0))/32 -m comment --comment \"kube-system/kube-dns:dns\" -j KUBE-MARK-MASQ",
                  "[4:240] -A KUBE-SEP-IT2ZTR26TO4XFPTO -p udp -m comment --comment \"kube-system/kube-dns:dns\" -m udp -j DNAT --to-destination \(podIP(0)):53",
                  "COMMIT"]
        lines += ["*filter", ":INPUT ACCEPT [500:40000]", ":FORWARD ACCEPT [60:4000]", ":OUTPUT ACCEPT [450:38000]"]
        if policyDrop {
            lines += [":AKSNET-POLICY-DROP - [0:0]", "[7:420] -A FORWARD -j AKSNET-POLICY-DROP",
                      "[5:300] -A AKSNET-POLICY-DROP -d \(podIP(i))/32 -m comment --comment \"aksnet-lab fault: policy drop to web\" -j DROP"]
        }
        lines += ["COMMIT", "# Completed on Sat Dec  5 18:00:00 2026"]
        return lines.joined(separator: "\n") + "\n"
    }
}

extension JSONValue {
    func adding(_ key: String, _ value: JSONValue) -> JSONValue {
        var object = objectValue ?? JSONObject()
        object[key] = value
        return .object(object)
    }
}
