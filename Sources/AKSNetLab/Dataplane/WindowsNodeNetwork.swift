/// One Windows node of the lab (pool `win`): a network namespace with the node's InternalIP on
/// eth0, behind the VNet router like any node, where its sshd listens. The lab cannot run Windows
/// containers, so there is no pod network, kube-proxy or kubelet server here; the Node object's
/// InternalIP is `ipv4` (one source for both).
public struct WindowsNodeNetwork: Codable, Sendable, Equatable {
    public static let pool = "win"

    /// `akswin00000<index>`.
    public var name: String
    /// `aksl-<id>-win<N>`.
    public var netns: String
    /// 0-based position among the Windows nodes.
    public var index: Int
    /// The Windows pool's subnet: the next free `10.224.<n>.0/24` after the Linux pools'.
    public var subnet: IPv4CIDR
    public var ipv4: IPv4Address
    /// The VNet router's address on the subnet: the node's default gateway.
    public var gatewayIPv4: IPv4Address
    /// The VNet router's end of the node's eth0 veth.
    public var vnetLink: String

    /// The Windows nodes of `spec`, on the first default pool subnet that no other subnet overlaps
    /// (nil subnet when there are none).
    static func plan(_ spec: LabNetworkSpec, taken: [IPv4CIDR]) throws -> (subnet: IPv4CIDR?, nodes: [WindowsNodeNetwork]) {
        guard spec.windowsNodes > 0 else { return (nil, []) }
        var candidate = UInt32(spec.nodePools.count)
        var found: IPv4CIDR?
        while found == nil, let subnet = LabAddressPlan.defaultPoolBase.subnet(prefix: 24, index: candidate) {
            if !taken.contains(where: { $0.contains(subnet.network) || subnet.contains($0.network) }) { found = subnet }
            candidate += 1
        }
        guard let subnet = found else { throw LabNetworkError.addressSpaceExhausted(LabAddressPlan.defaultPoolBase.description) }
        let nodes = (0..<spec.windowsNodes).map { index in
            // Azure reserves .0-.3: nodes take .4 onwards, as in the Linux pools.
            WindowsNodeNetwork(name: "akswin00000\(index)", netns: LabNames.windowsNode(labID: spec.labID, index: index), index: index,
                               subnet: subnet, ipv4: subnet.host(4 + UInt32(index)), gatewayIPv4: subnet.host(1),
                               vnetLink: "win\(index + 1)")
        }
        return (subnet, nodes)
    }
}
