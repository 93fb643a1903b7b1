/// What the topology picture shows, taken from a report: the VNet with one subnet box per node
/// pool, each node with its address, bridge or veths and pod range, how packets reach the node's
/// pods from the other nodes (route table entry, host routes, overlay), the services' virtual
/// range, and the parts a finding marks as broken. No positions: `TopologyLayout` places it.
public struct TopologyModel: Sendable, Equatable {
    public var mode: NetworkMode
    public var services: TopologyServices
    /// kubenet only: Azure's route table (one route per node podCIDR → node IP).
    public var routeTable: TopologyRouteTable?
    public var pools: [TopologyPool]

    public var nodeCount: Int { pools.reduce(0) { $0 + $1.nodes.count } }
}

public struct TopologyServices: Sendable, Equatable {
    public var clusterIPRanges: [String]
    public var kubeDNS: [String]
    public var localDNS: [String]
    /// `kube-proxy iptables`, `Cilium eBPF`…
    public var programmedBy: String
}

public struct TopologyRouteTable: Sendable, Equatable {
    public var routes: Int
    public var missing: Int
    public static let azureLimit = 400
}

public struct TopologyPool: Sendable, Equatable {
    public var name: String
    public var mode: String?
    public var subnets: [String]
    public var podRanges: [String]
    public var nodes: [TopologyNode]
}

public struct TopologyNode: Sendable, Equatable {
    public var name: String
    public var ip: String?
    /// The NIC holding the IP (`eth0`) and its MTU.
    public var nic: String?
    public var nicMTU: Int?
    /// `cbr0 10.244.1.1/24` (kubenet, legacy Azure CNI bridge), nil when the mode has no bridge.
    public var bridge: String?
    public var vethCount: Int
    public var podCIDRs: [String]
    /// Pod addresses the node routes to its veths (Azure CNI host routes).
    public var podIPs: [String]
    public var hostRoutes: Int
    /// How the other nodes reach this node's pods.
    public var link: TopologyLink
    public var collected: Bool
    /// Why the node was not collected.
    public var note: String?
    /// `ip-forward-off` points here: the node is drawn outlined red.
    public var forwardingOff: Bool
    /// Ids of the error and warning findings naming this node (shown as badges), errors first.
    public var findingIDs: [String]
    /// The worst of those findings' severities (nil: none).
    public var worstSeverity: Finding.Severity?
}

/// The line from the VNet to a node: what carries the other nodes' packets to its pods.
public struct TopologyLink: Sendable, Equatable {
    public enum Kind: String, Sendable {
        /// kubenet: the route table's `podCIDR → node IP` entry.
        case routeTable = "route-table"
        /// Azure CNI: pods hold VNet IPs; the node has one /32 host route per pod.
        case vnet
        /// Azure CNI Overlay: Azure routes the node's pod CIDR.
        case overlay
        case unknown
    }

    public var kind: Kind
    /// `10.244.1.0/24 → 10.224.0.5`, `VNet IPs`, …
    public var label: String
    /// A `missing-route` finding points at this node.
    public var missing: Bool
}
