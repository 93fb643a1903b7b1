/// The data-path explanation for the detected mode, with the first two Linux nodes as examples
/// and their real interface names, routes, podCIDRs, node IPs and NAT rules.
enum DataPathBuilder {
    /// What a node's collected state offers the explanation.
    struct NodeView {
        var name: String
        var ip: String
        var podRange: String
        var nic: String
        var bridge: InterfaceFacts?
        var veth: InterfaceFacts?
        var gateway: String?
        /// The node's own route towards its pods (`10.244.0.0/24 dev cbr0`, `10.224.0.20 dev azv…`).
        var podRoute: RouteFacts?
        var masquerade: IptablesRule?
        var serviceRule: IptablesRule?
    }

    static func build(_ context: AnalysisContext) -> DataPath? {
        // Collected nodes first: their interfaces and rules give the real names.
        let linux = context.nodes.filter { $0.os != "windows" && $0.collected } + context.nodes.filter { $0.os != "windows" && !$0.collected }
        guard let first = linux.first else { return nil }
        let a = view(first, context)
        let b = linux.dropFirst().first.map { view($0, context) }
        let mode = context.cluster.networkMode
        let cilium = context.cluster.dataplane == .cilium
        var flows = [sameNode(a, mode: mode), crossNode(a, b, mode: mode, context: context), service(a, context: context, cilium: cilium),
                     internet(a, context: context, cilium: cilium)]
        flows = flows.filter { !$0.hops.isEmpty }
        return DataPath(mode: mode, exampleNodes: [a.name] + (b.map { [$0.name] } ?? []), flows: flows)
    }

    static func view(_ node: NodeFacts, _ context: AnalysisContext) -> NodeView {
        let nic = node.interfaces.first { $0.role == .nic }
        let bridge = node.interfaces.first { $0.role == .bridge && $0.name != "docker0" }
        let veth = node.interfaces.first { $0.role == .podVeth && (bridge == nil || $0.master == bridge?.name) } ?? node.interfaces.first { $0.role == .podVeth }
        let ip = node.internalIPs.first { !IPText.isIPv6($0) } ?? node.internalIPs.first ?? "?"
        let podRange = node.podCIDRs.first { !IPText.isIPv6($0) } ?? PoolFactsBuilder.nodeSubnets(node).first ?? "?"
        let gateway = node.routes.first { $0.destination == "default" && !IPText.isIPv6($0.gateway ?? "") }?.gateway
        var podRoute: RouteFacts?
        if let bridge { podRoute = node.routes.first { $0.device == bridge.name && !IPText.isIPv6($0.destination) } }
        if podRoute == nil, let veth { podRoute = node.routes.first { $0.device == veth.name && !IPText.isIPv6($0.destination) } }
        let nat = context.state(node.name)?.iptables?.table("nat")
        let masquerade = nat?.rules.first { $0.target == "MASQUERADE" && $0.chain != "KUBE-POSTROUTING" }
        let kubeDNS = context.cluster.dns.kubeDNSClusterIPs.first ?? "10.0.0.10"
        let serviceRule = nat?.rules.first { $0.chain == "KUBE-SERVICES" && $0.matches.contains("\(kubeDNS)/32") }
            ?? nat?.rules.first { $0.chain == "KUBE-SERVICES" && ($0.target?.hasPrefix("KUBE-SVC-") ?? false) }
        return NodeView(name: node.name, ip: ip, podRange: podRange, nic: nic?.name ?? "eth0", bridge: bridge, veth: veth,
                        gateway: gateway, podRoute: podRoute, masquerade: masquerade, serviceRule: serviceRule)
    }

    static func routeText(_ route: RouteFacts) -> String {
        route.destination + (route.gateway.map { " via \($0)" } ?? "") + (route.device.map { " dev \($0)" } ?? "")
    }

    static func sameNode(_ a: NodeView, mode: NetworkMode) -> DataPathFlow {
        let veth = a.veth?.name ?? (mode == .kubenet ? "veth…" : "azv…")
        var hops = [DataPathHop(place: .pod, node: a.name, device: "eth0", text: "The pod sends from its eth0 (an address in \(a.podRange)); the other end of its veth pair is \(veth) on \(a.name).")]
        if mode == .kubenet || a.bridge != nil {
            let bridge = a.bridge?.name ?? "cbr0"
            let address = a.bridge?.addresses.first { !IPText.isIPv6($0) }.map { " (\($0), the pods' gateway)" } ?? ""
            hops.append(DataPathHop(place: .node, node: a.name, device: bridge,
                                    text: "\(veth) is a port of the bridge \(bridge)\(address): the bridge switches the frame straight to the destination pod's veth, no routing (br_netfilter still lets iptables see it)."))
        } else {
            hops.append(DataPathHop(place: .node, node: a.name, device: veth,
                                    text: "No bridge (transparent mode): the pod's gateway 169.254.1.1 is answered by \(veth); the node routes by its /32 host routes" + (a.podRoute.map { " (e.g. `\(routeText($0))`)" } ?? "") + " to the destination pod's veth."))
        }
        hops.append(DataPathHop(place: .pod, node: a.name, device: "eth0", text: "The destination pod receives the packet with the source pod's own IP (no NAT)."))
        return DataPathFlow(id: DataPathFlow.sameNode, title: "Pod to pod on the same node", hops: hops)
    }

    static func crossNode(_ a: NodeView, _ b: NodeView?, mode: NetworkMode, context: AnalysisContext) -> DataPathFlow {
        guard let b else { return DataPathFlow(id: DataPathFlow.crossNode, title: "Pod to pod across nodes", hops: []) }
        let gateway = a.gateway.map { " via \($0)" } ?? ""
        var hops = [DataPathHop(place: .node, node: a.name, device: a.nic,
                                text: "On \(a.name) the packet for a pod of \(b.name) (\(b.podRange)) matches the default route\(gateway) and leaves \(a.nic) (\(a.ip)) with the pod IP as source: nonMasqueradeCIDRs keep pod-to-pod traffic unNATed.")]
        switch mode {
        case .kubenet:
            hops.append(DataPathHop(place: .vnet, device: "route table",
                                    text: "The Azure route table holds \(b.podRange) → \(b.ip) (one route per node's podCIDR, at most 400): the VNet delivers the packet to \(b.name)."))
        case .azureNodeSubnet, .azurePodSubnet:
            hops.append(DataPathHop(place: .vnet, device: "VNet",
                                    text: "The pod IP is a secondary IP of \(b.name)'s NIC, so the VNet itself delivers it to \(b.ip): no route table, no encapsulation."))
        case .azureOverlay:
            hops.append(DataPathHop(place: .vnet, device: "overlay",
                                    text: "Azure's overlay routing knows \(b.podRange) lives on \(b.ip) and delivers the packet there (no user route table)."))
        case .unknown:
            hops.append(DataPathHop(place: .vnet, text: "The VNet carries the packet to \(b.name) (\(b.ip))."))
        }
        let inbound = b.podRoute.map { "the node routes it by `\(routeText($0))`" } ?? "the node routes it to the pod's interface"
        hops.append(DataPathHop(place: .node, node: b.name, device: b.bridge?.name ?? b.veth?.name,
                                text: "\(b.name) receives it on \(b.nic); \(inbound), and the destination pod gets it from its veth."))
        return DataPathFlow(id: DataPathFlow.crossNode, title: "Pod to pod across nodes (\(a.name) → \(b.name))", hops: hops)
    }

    static func service(_ a: NodeView, context: AnalysisContext, cilium: Bool) -> DataPathFlow {
        let ip = context.cluster.dns.kubeDNSClusterIPs.first ?? "a ClusterIP"
        var hops: [DataPathHop] = []
        if cilium {
            hops.append(DataPathHop(place: .node, node: a.name, device: "eBPF",
                                    text: "Cilium's eBPF programs translate the ClusterIP (e.g. kube-dns \(ip)) to a backend pod at the socket or the pod's veth; there is no kube-proxy."))
        } else {
            switch context.cluster.kubeProxyMode {
            case .ipvs:
                hops.append(DataPathHop(place: .node, node: a.name, device: "kube-ipvs0",
                                        text: "The ClusterIP (e.g. kube-dns \(ip)) is an address of kube-ipvs0; IPVS picks a real server (ipvsadm -Ln) and DNATs to it."))
            case .nftables:
                hops.append(DataPathHop(place: .node, node: a.name, device: "nft kube-proxy",
                                        text: "kube-proxy's nftables table maps the ClusterIP (e.g. kube-dns \(ip)) to an endpoint and DNATs to it."))
            default:
                let rule = a.serviceRule.map { ": `\($0.text)`" } ?? ""
                hops.append(DataPathHop(place: .node, node: a.name, device: "KUBE-SERVICES",
                                        text: "nat PREROUTING jumps to KUBE-SERVICES, which matches the ClusterIP (e.g. kube-dns \(ip))\(rule)."))
                hops.append(DataPathHop(place: .node, node: a.name, device: "KUBE-SVC/KUBE-SEP",
                                        text: "The KUBE-SVC-… chain picks an endpoint at random (statistic match) and its KUBE-SEP-… chain DNATs to the endpoint pod IP:port."))
            }
        }
        hops.append(DataPathHop(place: .node, node: a.name, text: "From there the packet follows the pod-to-pod path; replies are un-NATed by conntrack."))
        return DataPathFlow(id: DataPathFlow.service, title: "Pod to a ClusterIP service", hops: hops)
    }

    static func internet(_ a: NodeView, context: AnalysisContext, cilium: Bool) -> DataPathFlow {
        let gateway = a.gateway.map { " via \($0)" } ?? ""
        var hops = [DataPathHop(place: .node, node: a.name, device: a.nic, text: "The packet matches the default route\(gateway) dev \(a.nic) on \(a.name).")]
        if cilium {
            hops.append(DataPathHop(place: .node, node: a.name, device: "eBPF", text: "Cilium masquerades pod egress to the node IP \(a.ip) in eBPF."))
        } else {
            let nonMasq = context.cluster.ipMasqAgent?.nonMasqueradeCIDRs.joined(separator: ", ") ?? "the pod and VNet ranges"
            let rule = a.masquerade.map { " (`\($0.text)`)" } ?? " (no such rule found on this node)"
            hops.append(DataPathHop(place: .node, node: a.name, device: a.masquerade?.chain ?? "IP-MASQ-AGENT",
                                    text: "nat POSTROUTING sends non-local destinations to IP-MASQ-AGENT: \(nonMasq) RETURN, anything else is MASQUERADEd to \(a.ip)\(rule)."))
        }
        hops.append(DataPathHop(place: .internet, text: "Azure's outbound path (load balancer or NAT gateway) SNATs the node IP \(a.ip) to a public IP; replies come back the same way."))
        return DataPathFlow(id: DataPathFlow.internet, title: "Pod to the internet", hops: hops)
    }
}
