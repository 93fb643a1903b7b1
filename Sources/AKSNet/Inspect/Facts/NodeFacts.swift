/// One node as the API and its collector describe it.
public struct NodeFacts: Sendable, Equatable {
    public var name: String
    /// `kubernetes.azure.com/agentpool` (else `agentpool`).
    public var pool: String?
    /// `linux` or `windows` (`kubernetes.io/os`, else `status.nodeInfo.operatingSystem`).
    public var os: String?
    public var kernel: String?
    public var containerRuntime: String?
    public var osImage: String?
    public var kubeletVersion: String?
    public var internalIPs: [String]
    public var podCIDRs: [String]
    /// Ready condition: true, false, or nil when unknown.
    public var ready: Bool?
    /// Conditions that are not as they should be (`NetworkUnavailable=True (NoRouteCreated)`).
    public var badConditions: [String]
    /// Whether a collector ran on the node (see `InspectReport.notCollected` when not).
    public var collected: Bool
    /// kube-proxy's answer on this node (`/proxyMode`), else what its rules show; nil when not collected.
    public var kubeProxyMode: KubeProxyMode?
    /// CNI config files found in /etc/cni/net.d (their paths).
    public var cniConfigFiles: [String]
    /// The node's interfaces with their kind, MTU and addresses (from `ip -j addr`/`link`).
    public var interfaces: [InterfaceFacts]
    /// Main-table routes (IPv4 and IPv6), `dst via gw dev`.
    public var routes: [RouteFacts]
    /// The node's /etc/resolv.conf nameservers.
    public var nameservers: [String]
    /// Number of iptables rules (all tables) in the node's iptables-save, nil when not collected.
    public var iptablesRuleCount: Int?
    public var conntrackCount: Int?
    public var conntrackMax: Int?

    public init(name: String, pool: String? = nil, os: String? = nil, kernel: String? = nil, containerRuntime: String? = nil,
                osImage: String? = nil, kubeletVersion: String? = nil, internalIPs: [String] = [], podCIDRs: [String] = [],
                ready: Bool? = nil, badConditions: [String] = [], collected: Bool = false, kubeProxyMode: KubeProxyMode? = nil,
                cniConfigFiles: [String] = [], interfaces: [InterfaceFacts] = [], routes: [RouteFacts] = [],
                nameservers: [String] = [], iptablesRuleCount: Int? = nil, conntrackCount: Int? = nil, conntrackMax: Int? = nil) {
        self.name = name
        self.pool = pool
        self.os = os
        self.kernel = kernel
        self.containerRuntime = containerRuntime
        self.osImage = osImage
        self.kubeletVersion = kubeletVersion
        self.internalIPs = internalIPs
        self.podCIDRs = podCIDRs
        self.ready = ready
        self.badConditions = badConditions
        self.collected = collected
        self.kubeProxyMode = kubeProxyMode
        self.cniConfigFiles = cniConfigFiles
        self.interfaces = interfaces
        self.routes = routes
        self.nameservers = nameservers
        self.iptablesRuleCount = iptablesRuleCount
        self.conntrackCount = conntrackCount
        self.conntrackMax = conntrackMax
    }
}

/// One network interface of a node.
public struct InterfaceFacts: Sendable, Equatable {
    public enum Role: String, Sendable, CaseIterable {
        /// The node's NIC (holds the InternalIP).
        case nic
        /// The pod bridge (`cbr0`, `azure0`).
        case bridge
        /// The host end of a pod's veth (`veth…`, `azv…`, `lxc…`, `cali…`).
        case podVeth = "pod-veth"
        /// `kube-ipvs0`, `cilium_host`…: a dataplane device.
        case dataplane
        case loopback
        case other
    }

    public var name: String
    public var role: Role
    /// The link kind (`veth`, `bridge`, `dummy`…) from `ip -d link`, when known.
    public var kind: String?
    public var mtu: Int?
    /// The bridge it is enslaved to (`master`).
    public var master: String?
    public var up: Bool
    /// `ADDRESS/PREFIX`, both families, link-local IPv6 left out.
    public var addresses: [String]

    public init(name: String, role: Role, kind: String? = nil, mtu: Int? = nil, master: String? = nil, up: Bool = true,
                addresses: [String] = []) {
        self.name = name
        self.role = role
        self.kind = kind
        self.mtu = mtu
        self.master = master
        self.up = up
        self.addresses = addresses
    }
}

public struct RouteFacts: Sendable, Equatable {
    public var destination: String
    public var gateway: String?
    public var device: String?
    /// `main` unless another table.
    public var table: String

    public init(destination: String, gateway: String? = nil, device: String? = nil, table: String = "main") {
        self.destination = destination
        self.gateway = gateway
        self.device = device
        self.table = table
    }
}

/// A node pool: its nodes, the subnet(s) their NICs are on and the range(s) their pods use.
public struct PoolFacts: Sendable, Equatable {
    public var name: String
    /// `system` or `user` (`kubernetes.azure.com/mode`).
    public var mode: String?
    public var os: String?
    public var nodes: [String]
    /// The NIC subnets (`10.224.0.0/24`) from the nodes' addresses and prefix length.
    public var nodeSubnets: [String]
    /// Where pods get addresses: the nodes' podCIDRs (kubenet, overlay) or the node subnet (Azure CNI).
    public var podRanges: [String]

    public init(name: String, mode: String? = nil, os: String? = nil, nodes: [String] = [], nodeSubnets: [String] = [],
                podRanges: [String] = []) {
        self.name = name
        self.mode = mode
        self.os = os
        self.nodes = nodes
        self.nodeSubnets = nodeSubnets
        self.podRanges = podRanges
    }
}

/// A node with no collected state, and why.
public struct NotCollectedNode: Sendable, Equatable {
    public var node: String
    public var reason: String
    public var hint: String?

    public init(node: String, reason: String, hint: String? = nil) {
        self.node = node
        self.reason = reason
        self.hint = hint
    }
}
