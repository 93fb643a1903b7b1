/// Wires one pod namespace to its node, per plugin.
struct PodBuilder {
    let plan: LabAddressPlan
    var spec: LabNetworkSpec { plan.spec }

    /// Azure CNI transparent mode gives every host veth this MAC; pods pin their gateway to it.
    static let transparentHostMAC = "aa:aa:aa:aa:aa:aa"

    static func hostVethName(plugin: NetworkPlugin, labID: String, pod: String) -> String {
        let hash = LabNames.fnv1a(labID + "/" + pod)
        return plugin == .kubenet ? "veth" + LabNames.hex(hash, digits: 8) : "azv" + LabNames.hex(hash, digits: 11)
    }

    /// Lowest address of the node's pod range not taken by another pod of the node.
    func allocate(node: NodeNetwork, taken: Set<IPv4Address>) throws -> IPv4Address {
        var candidate = node.podRangeFirst
        while candidate <= node.podRangeLast {
            if !taken.contains(candidate) { return candidate }
            candidate = candidate.advanced(by: 1)
        }
        throw LabNetworkError.addressSpaceExhausted("\(node.podRangeFirst)-\(node.podRangeLast) on \(node.name)")
    }

    /// Creates the veth pair and addresses; the namespace `pod.netnsName` already exists.
    func wire(_ pod: PodNetwork, on node: NodeNetwork, vnetRoute: Bool) throws {
        guard let hostVeth = pod.hostVethName else { return }
        let mtu = "\(spec.mtu)"
        var link = ["link", "add", hostVeth]
        if spec.plugin != .kubenet { link += ["address", PodBuilder.transparentHostMAC] }
        link += ["mtu", mtu, "type", "veth", "peer", "name", "eth0", "mtu", mtu, "netns", pod.netnsName]
        try Netns.ip(node.netns, link)

        var nodeSide: [[String]] = []
        var podSide: [[String]] = [["link", "set", "lo", "up"], ["link", "set", "eth0", "up"]]
        if spec.plugin == .kubenet, let cidr = node.podCIDR, let gateway = plan.bridgeIPv4(node: node) {
            nodeSide += [["link", "set", hostVeth, "master", "cbr0"], ["link", "set", hostVeth, "up"]]
            podSide += [
                ["addr", "add", "\(pod.ipv4)/\(cidr.prefix)", "dev", "eth0"],
                ["route", "add", "default", "via", gateway.description, "dev", "eth0"],
            ]
            if let v6 = pod.ipv6, let gateway6 = plan.bridgeIPv6(node: node) {
                podSide += [
                    ["addr", "add", "\(v6)/80", "dev", "eth0", "nodad"],
                    ["route", "add", "default", "via", gateway6, "dev", "eth0"],
                ]
            }
        } else {
            // Transparent mode: no bridge, no address on the host side, one host route per pod.
            nodeSide += [["link", "set", hostVeth, "up"], ["route", "add", "\(pod.ipv4)/32", "dev", hostVeth]]
            let gateway = LabAddressPlan.transparentGatewayIPv4.description
            podSide += [
                ["addr", "add", "\(pod.ipv4)/32", "dev", "eth0"],
                ["neigh", "add", gateway, "lladdr", PodBuilder.transparentHostMAC, "dev", "eth0", "nud", "permanent"],
                ["route", "add", gateway, "dev", "eth0", "scope", "link"],
                ["route", "add", "default", "via", gateway, "dev", "eth0"],
            ]
            if let v6 = pod.ipv6 {
                let gateway6 = LabAddressPlan.transparentGatewayIPv6
                nodeSide.append(["route", "add", "\(v6)/128", "dev", hostVeth])
                podSide += [
                    ["addr", "add", "\(v6)/128", "dev", "eth0", "nodad"],
                    ["neigh", "add", gateway6, "lladdr", PodBuilder.transparentHostMAC, "dev", "eth0", "nud", "permanent"],
                    ["route", "add", "default", "via", gateway6, "dev", "eth0"],
                ]
            }
        }
        try Netns.ipBatch(node.netns, nodeSide)
        try Netns.ipBatch(pod.netnsName, podSide)
        if vnetRoute { try Netns.ipBatch(plan.vnetNetns, vnetRoutes(for: pod, on: node, verb: "add")) }
    }

    /// Azure CNI only: the VNet knows each pod IP (a NIC secondary IP) → node IP.
    func vnetRoutes(for pod: PodNetwork, on node: NodeNetwork, verb: String) -> [[String]] {
        guard spec.plugin == .azure, !pod.hostNetwork else { return [] }
        var routes: [[String]] = [["route", verb, "\(pod.ipv4)/32", "via", node.ipv4.description]]
        if let v6 = pod.ipv6, let node6 = node.ipv6 {
            routes.append(["route", verb, "\(v6)/128", "via", node6])
        }
        return routes
    }
}
