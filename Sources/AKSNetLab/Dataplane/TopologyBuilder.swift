/// Builds the VNet router namespace and the node namespaces of a plan.
/// `record` is called with each namespace name *before* it is created, so the
/// state file always names everything that may exist.
struct TopologyBuilder {
    let plan: LabAddressPlan
    var spec: LabNetworkSpec { plan.spec }
    var dual: Bool { spec.ipFamily == .dual }

    func buildVNet(record: (String) throws -> Void) throws {
        let vnet = plan.vnetNetns
        try record(vnet)
        try Netns.add(vnet)
        var settings = ["net.ipv4.ip_forward=1",
                        // The router hands traffic back out of the bridge it came in on (Azure's
                        // SDN does the same): no ICMP redirects, nodes must keep using the router.
                        "net.ipv4.conf.all.send_redirects=0", "net.ipv4.conf.default.send_redirects=0"]
        if dual {
            settings += ["net.ipv6.conf.all.forwarding=1", "net.ipv6.conf.all.accept_dad=0", "net.ipv6.conf.default.accept_dad=0"]
        }
        try Netns.sysctl(vnet, settings)
        var commands: [[String]] = [
            ["link", "set", "lo", "up"],
            ["addr", "add", "\(LabAddressPlan.internetIPv4)/32", "dev", "lo"],
        ]
        for (p, subnet) in plan.poolSubnets.enumerated() {
            let bridge = "subnet\(p)"
            commands.append(["link", "add", bridge, "mtu", "\(spec.mtu)", "type", "bridge"])
            commands.append(["addr", "add", "\(subnet.host(1))/\(subnet.prefix)", "dev", bridge])
            if dual {
                let gw6 = IPv6Address(prefix: [0xfd00, 0x10, 0x224, UInt16(p)], suffix: [1])
                commands.append(["addr", "add", "\(gw6)/64", "dev", bridge, "nodad"])
            }
            commands.append(["link", "set", bridge, "up"])
        }
        if let subnet = plan.windowsSubnet {
            commands += [
                ["link", "add", Self.windowsBridge, "mtu", "\(spec.mtu)", "type", "bridge"],
                ["addr", "add", "\(subnet.host(1))/\(subnet.prefix)", "dev", Self.windowsBridge],
                ["link", "set", Self.windowsBridge, "up"],
            ]
        }
        try Netns.ipBatch(vnet, commands)
    }

    /// The Windows pool's bridge in the VNet router.
    static let windowsBridge = "subnetwin"

    /// A Windows node: eth0 on the Windows pool's bridge with the node's InternalIP, routed like a
    /// Linux node's (everything through the VNet router), and nothing else: no pod bridge, no rules.
    func buildWindowsNode(_ node: WindowsNodeNetwork, record: (String) throws -> Void) throws {
        try record(node.netns)
        try Netns.add(node.netns)
        try Netns.ip(plan.vnetNetns, ["link", "add", node.vnetLink, "mtu", "\(spec.mtu)", "type", "veth",
                                      "peer", "name", "eth0", "mtu", "\(spec.mtu)", "netns", node.netns])
        try Netns.ipBatch(plan.vnetNetns, [
            ["link", "set", node.vnetLink, "master", Self.windowsBridge],
            ["link", "set", node.vnetLink, "up"],
        ])
        try Netns.ipBatch(node.netns, [
            ["link", "set", "lo", "up"],
            ["link", "set", "eth0", "up"],
            ["addr", "add", "\(node.ipv4)/\(node.subnet.prefix)", "dev", "eth0", "noprefixroute"],
            ["route", "add", "\(node.gatewayIPv4)", "dev", "eth0", "scope", "link"],
            ["route", "add", "default", "via", "\(node.gatewayIPv4)", "dev", "eth0"],
        ])
    }

    func buildNode(_ node: NodeNetwork, record: (String) throws -> Void) throws {
        try record(node.netns)
        try Netns.add(node.netns)
        var settings = ["net.ipv4.ip_forward=1"]
        if dual {
            settings += ["net.ipv6.conf.all.forwarding=1", "net.ipv6.conf.all.accept_dad=0", "net.ipv6.conf.default.accept_dad=0"]
        }
        if spec.plugin == .kubenet {
            // kubenet relies on br_netfilter so same-node service traffic is un-DNATed.
            settings.append("net.bridge.bridge-nf-call-iptables=1")
        }
        try Netns.sysctl(node.netns, settings)
        // The node's NIC: a veth whose other end sits on the pool's bridge in the VNet router.
        try Netns.ip(plan.vnetNetns, ["link", "add", node.vnetLink, "mtu", "\(spec.mtu)", "type", "veth",
                                      "peer", "name", "eth0", "mtu", "\(spec.mtu)", "netns", node.netns])
        var vnet: [[String]] = [
            ["link", "set", node.vnetLink, "master", "subnet\(node.poolIndex)"],
            ["link", "set", node.vnetLink, "up"],
        ]
        vnet += routeTableEntries(node)
        try Netns.ipBatch(plan.vnetNetns, vnet)
        // noprefixroute: like on Azure, everything (even same-subnet) goes through the VNet router,
        // which is what lets it route pod IPs that share the node subnet (Azure CNI).
        var commands: [[String]] = [
            ["link", "set", "lo", "up"],
            ["link", "set", "eth0", "up"],
            ["addr", "add", "\(node.ipv4)/\(node.subnet.prefix)", "dev", "eth0", "noprefixroute"],
            ["route", "add", "\(node.gatewayIPv4)", "dev", "eth0", "scope", "link"],
            ["route", "add", "default", "via", "\(node.gatewayIPv4)", "dev", "eth0"],
        ]
        if let v6 = node.ipv6, let gw6 = node.gatewayIPv6 {
            commands += [
                ["addr", "add", "\(v6)/64", "dev", "eth0", "nodad", "noprefixroute"],
                ["route", "add", gw6, "dev", "eth0"],
                ["route", "add", "default", "via", gw6, "dev", "eth0"],
            ]
        }
        if spec.plugin == .kubenet, let cidr = node.podCIDR, let bridgeIP = plan.bridgeIPv4(node: node) {
            commands += [
                ["link", "add", "cbr0", "mtu", "\(spec.mtu)", "type", "bridge"],
                ["addr", "add", "\(bridgeIP)/\(cidr.prefix)", "dev", "cbr0"],
            ]
            if let bridge6 = plan.bridgeIPv6(node: node) {
                commands.append(["addr", "add", "\(bridge6)/80", "dev", "cbr0", "nodad"])
            }
            commands.append(["link", "set", "cbr0", "up"])
        }
        try Netns.ipBatch(node.netns, commands)
        try Netns.iptablesRestore(node.netns, KubeProxyRules.baseNAT(nonMasqueradeCIDRs: plan.nonMasqueradeCIDRs))
    }

    /// The "Azure route table" entries for a node: its podCIDR(s) → node IP (kubenet, overlay).
    /// Azure CNI pod IPs get /32 routes per pod instead (see PodBuilder).
    func routeTableEntries(_ node: NodeNetwork) -> [[String]] {
        guard let cidr = node.podCIDR else { return [] }
        var routes: [[String]] = [["route", "add", cidr.description, "via", node.ipv4.description]]
        if let cidr6 = node.podCIDRv6, let v6 = node.ipv6 {
            routes.append(["route", "add", cidr6, "via", v6])
        }
        return routes
    }

    /// The control plane's namespace: one veth to the VNet router (`apiserver` there, `eth0` here)
    /// on its own small subnet. Only the router routes to it; the root namespace gets nothing.
    func buildControlPlane(record: (String) throws -> Void) throws {
        let netns = plan.controlPlaneNetns
        let subnet = LabAddressPlan.controlPlaneSubnet
        try record(netns)
        try Netns.add(netns)
        try Netns.ip(plan.vnetNetns, ["link", "add", "apiserver", "mtu", "\(spec.mtu)", "type", "veth",
                                      "peer", "name", "eth0", "mtu", "\(spec.mtu)", "netns", netns])
        try Netns.ipBatch(plan.vnetNetns, [
            ["addr", "add", "\(LabAddressPlan.controlPlaneGatewayIPv4)/\(subnet.prefix)", "dev", "apiserver"],
            ["link", "set", "apiserver", "up"],
        ])
        try Netns.ipBatch(netns, [
            ["link", "set", "lo", "up"],
            ["link", "set", "eth0", "up"],
            ["addr", "add", "\(LabAddressPlan.controlPlaneIPv4)/\(subnet.prefix)", "dev", "eth0"],
            ["route", "add", "default", "via", "\(LabAddressPlan.controlPlaneGatewayIPv4)", "dev", "eth0"],
        ])
    }

    func finishVNet() throws {
        try Netns.iptablesRestore(plan.vnetNetns, KubeProxyRules.vnetEdgeFilter(nodeIPs: plan.nodes.map(\.ipv4) + plan.windowsNodes.map(\.ipv4)))
    }
}
