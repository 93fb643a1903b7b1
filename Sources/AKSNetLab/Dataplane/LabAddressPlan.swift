/// One node of the lab: its namespace and addresses, as the API server's Node object should show them.
public struct NodeNetwork: Codable, Sendable, Equatable {
    /// Kubernetes node name, AKS-shaped: `aks-<pool>-<8 digits>-vmss<6 digits>`.
    public var name: String
    /// The node's network namespace, `aksl-<id>-node<N>`.
    public var netns: String
    public var pool: String
    /// 0-based position among all nodes (podCIDR 10.244.<index>.0/24).
    public var index: Int
    public var poolIndex: Int
    public var subnet: IPv4CIDR
    /// InternalIP (eth0).
    public var ipv4: IPv4Address
    public var ipv6: String?
    /// The VNet router's address on the node's subnet: the node's default gateway.
    public var gatewayIPv4: IPv4Address
    public var gatewayIPv6: String?
    /// kubenet and overlay: `node.spec.podCIDR(s)`; nil for azure.
    public var podCIDR: IPv4CIDR?
    public var podCIDRv6: String?
    /// The addresses pods of this node are given (host-local range / Azure CNI preallocation).
    public var podRangeFirst: IPv4Address
    public var podRangeLast: IPv4Address
    /// The VNet router's end of the node's eth0 veth (inside the vnet namespace).
    public var vnetLink: String
}

/// The whole address plan, computed from the spec alone (pure, no I/O).
public struct LabAddressPlan: Sendable, Equatable {
    public static let clusterPodCIDR = IPv4CIDR(IPv4Address(0x0AF4_0000), prefix: 16)      // 10.244.0.0/16
    public static let serviceCIDR = IPv4CIDR(IPv4Address(0x0A00_0000), prefix: 16)         // 10.0.0.0/16
    public static let vnetCIDR = IPv4CIDR(IPv4Address(0x0AE0_0000), prefix: 12)            // 10.224.0.0/12
    public static let defaultPoolBase = IPv4CIDR(IPv4Address(0x0AE0_0000), prefix: 16)     // 10.224.0.0/16
    public static let kubeDNSIP = IPv4Address(0x0A00_000A)                                   // 10.0.0.10
    /// An "internet" address hosted by the VNet router namespace (TEST-NET-3; never leaves the lab).
    /// Like Azure's outbound SNAT it answers only traffic sourced from node IPs.
    public static let internetIPv4 = IPv4Address(0xCB00_710A)                                // 203.0.113.10
    /// Azure CNI transparent mode: the pods' default gateway, answered by the host veth.
    public static let transparentGatewayIPv4 = IPv4Address(0xA9FE_0101)                      // 169.254.1.1
    public static let transparentGatewayIPv6 = "fe80::1"
    /// Dual stack: VNet subnets fd00:10:224:<pool>::/64, pod CIDR fd12:3456:789a::/64 (a /80 per node).
    public static let clusterPodCIDRv6 = "fd12:3456:789a::/64"
    /// The control plane's subnet (like AKS's API server VNet integration subnet): the VNet router
    /// holds .1, the API server's address is .4. Nodes reach it through the router, as AKS nodes
    /// reach their API server endpoint; it opens the connections to each kubelet's port 10250.
    public static let controlPlaneSubnet = IPv4CIDR(IPv4Address(0x0AE0_FF00), prefix: 28)  // 10.224.255.0/28
    public static var controlPlaneIPv4: IPv4Address { controlPlaneSubnet.host(4) }
    public static var controlPlaneGatewayIPv4: IPv4Address { controlPlaneSubnet.host(1) }
    /// The kubelet's port (`status.daemonEndpoints.kubeletEndpoint.Port`), on each node's InternalIP.
    public static let kubeletPort: UInt16 = 10250

    public var spec: LabNetworkSpec
    public var vnetNetns: String
    public var nodes: [NodeNetwork]
    public var poolSubnets: [IPv4CIDR]
    /// The Windows pool's subnet and nodes (none without `spec.windowsNodes`).
    public var windowsSubnet: IPv4CIDR?
    public var windowsNodes: [WindowsNodeNetwork]
    /// The control plane's network namespace, `aksl-<id>-cp`.
    public var controlPlaneNetns: String

    public init(spec: LabNetworkSpec) throws {
        try spec.validate()
        self.spec = spec
        vnetNetns = LabNames.vnet(labID: spec.labID)
        controlPlaneNetns = LabNames.controlPlane(labID: spec.labID)
        var nodes: [NodeNetwork] = []
        var subnets: [IPv4CIDR] = []
        let dual = spec.ipFamily == .dual
        let clusterDigits = zeroPadded(Int(LabNames.fnv1a("aks-cluster-" + spec.labID) % 100_000_000), width: 8)
        for (p, pool) in spec.nodePools.enumerated() {
            guard let subnet = pool.subnet ?? LabAddressPlan.defaultPoolBase.subnet(prefix: 24, index: UInt32(p)) else {
                throw LabNetworkError.invalidSpec("no default subnet for pool \(p)")
            }
            let controlPlane = LabAddressPlan.controlPlaneSubnet
            for other in subnets + [controlPlane] where other.contains(subnet.network) || subnet.contains(other.network) {
                throw LabNetworkError.invalidSpec("pool \(pool.name) subnet \(subnet) overlaps \(other)")
            }
            subnets.append(subnet)
            let v6Prefix: [UInt16] = [0xfd00, 0x10, 0x224, UInt16(p)]
            // Azure reserves .0-.3; nodes take .4 onwards; Azure CNI pods follow in blocks of maxPods.
            let lastUsable = subnet.size - 2
            let firstPodHost = 4 + UInt32(pool.count)
            for k in 0..<pool.count {
                let index = nodes.count
                let host = 4 + UInt32(k)
                guard host <= lastUsable else { throw LabNetworkError.addressSpaceExhausted(subnet.description) }
                let podCIDR: IPv4CIDR?
                let first: IPv4Address, last: IPv4Address
                if spec.plugin == .azure {
                    podCIDR = nil
                    let start = firstPodHost + UInt32(k * spec.maxPodsPerNode)
                    let end = start + UInt32(spec.maxPodsPerNode) - 1
                    guard end <= lastUsable else {
                        throw LabNetworkError.addressSpaceExhausted("\(subnet) (pool \(pool.name): \(pool.count) nodes × \(spec.maxPodsPerNode) pod IPs; give it a larger subnet)")
                    }
                    first = subnet.host(start)
                    last = subnet.host(end)
                } else {
                    guard let cidr = LabAddressPlan.clusterPodCIDR.subnet(prefix: 24, index: UInt32(index)) else {
                        throw LabNetworkError.addressSpaceExhausted(LabAddressPlan.clusterPodCIDR.description)
                    }
                    podCIDR = cidr
                    first = cidr.host(spec.plugin == .kubenet ? 2 : 1)
                    last = cidr.host(254)
                }
                let podV6: [UInt16] = [0xfd12, 0x3456, 0x789a, 0, UInt16(index)]
                nodes.append(NodeNetwork(
                    name: "aks-\(pool.name)-\(clusterDigits)-vmss\(zeroPadded(k, width: 6))",
                    netns: LabNames.node(labID: spec.labID, index: index),
                    pool: pool.name, index: index, poolIndex: p, subnet: subnet,
                    ipv4: subnet.host(host),
                    ipv6: dual ? IPv6Address(prefix: v6Prefix, suffix: [UInt16(truncatingIfNeeded: host)]).description : nil,
                    gatewayIPv4: subnet.host(1),
                    gatewayIPv6: dual ? IPv6Address(prefix: v6Prefix, suffix: [1]).description : nil,
                    podCIDR: podCIDR,
                    podCIDRv6: dual && podCIDR != nil ? IPv6Address(prefix: podV6, suffix: []).description + "/80" : nil,
                    podRangeFirst: first, podRangeLast: last,
                    vnetLink: "node\(index + 1)"))
            }
        }
        self.nodes = nodes
        poolSubnets = subnets
        (windowsSubnet, windowsNodes) = try WindowsNodeNetwork.plan(spec, taken: subnets + [LabAddressPlan.controlPlaneSubnet])
    }

    /// The IPv6 address that pairs with a pod's IPv4 address (dual stack only).
    public func podIPv6(node: NodeNetwork, ipv4: IPv4Address) -> String? {
        guard spec.ipFamily == .dual else { return nil }
        if spec.plugin == .azure {
            let host = ipv4.value &- node.subnet.network.value
            return IPv6Address(prefix: [0xfd00, 0x10, 0x224, UInt16(node.poolIndex)],
                               suffix: [UInt16(truncatingIfNeeded: host >> 16), UInt16(truncatingIfNeeded: host)]).description
        }
        return IPv6Address(prefix: [0xfd12, 0x3456, 0x789a, 0, UInt16(node.index)],
                           suffix: [UInt16(ipv4.value & 0xff)]).description
    }

    /// The kubenet bridge address (`cbr0`), the pods' gateway: the podCIDR's .1.
    public func bridgeIPv4(node: NodeNetwork) -> IPv4Address? { node.podCIDR?.host(1) }
    public func bridgeIPv6(node: NodeNetwork) -> String? {
        guard spec.ipFamily == .dual, spec.plugin == .kubenet else { return nil }
        return IPv6Address(prefix: [0xfd12, 0x3456, 0x789a, 0, UInt16(node.index)], suffix: [1]).description
    }

    /// Destinations the ip-masq-agent leaves alone (AKS: the pod CIDR, or the VNet for flat Azure CNI).
    public var nonMasqueradeCIDRs: [IPv4CIDR] {
        spec.plugin == .azure ? poolSubnets : [LabAddressPlan.clusterPodCIDR]
    }
}

private func zeroPadded(_ n: Int, width: Int) -> String {
    let text = String(n)
    return String(repeating: "0", count: max(0, width - text.count)) + text
}
