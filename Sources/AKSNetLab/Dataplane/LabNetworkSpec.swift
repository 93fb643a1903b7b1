/// Which CNI the lab emulates.
public enum NetworkPlugin: String, Codable, Sendable, CaseIterable {
    /// cbr0 bridge, host-local IPs from the node podCIDR, one route per podCIDR in the VNet.
    case kubenet
    /// Azure CNI transparent mode: pod IPs from the node pool subnet, azv veths, /32 host routes.
    case azure
    /// Azure CNI Overlay: pod CIDR outside the VNet, azv veths, one /24 per node.
    case overlay
}

public enum IPFamily: String, Codable, Sendable, CaseIterable {
    case ipv4
    case dual
}

public struct NodePoolSpec: Codable, Sendable, Equatable {
    public var name: String
    public var count: Int
    /// The pool's subnet in the VNet; nil picks `10.224.<pool index>.0/24`.
    public var subnet: IPv4CIDR?

    public init(name: String, count: Int, subnet: IPv4CIDR? = nil) {
        self.name = name
        self.count = count
        self.subnet = subnet
    }
}

/// What to build: one lab's network, independent of the API server.
public struct LabNetworkSpec: Codable, Sendable, Equatable {
    /// Short id used as the prefix of every namespace (`aksl-<id>-…`), so labs coexist.
    public var labID: String
    public var plugin: NetworkPlugin
    public var ipFamily: IPFamily
    public var nodePools: [NodePoolSpec]
    /// MTU of node eth0 and of every pod veth (Azure's is 1500).
    public var mtu: Int
    /// Azure CNI: IPs reserved per node for pods (its `maxPods` preallocation); bounds pod count.
    public var maxPodsPerNode: Int
    /// Windows nodes (pool `win`, on a subnet of their own): a namespace with the node's
    /// InternalIP and its sshd; no pod network, no kube-proxy, no pods.
    public var windowsNodes: Int

    public init(labID: String, plugin: NetworkPlugin, ipFamily: IPFamily = .ipv4,
                nodePools: [NodePoolSpec], mtu: Int = 1500, maxPodsPerNode: Int = 30, windowsNodes: Int = 0) {
        self.labID = labID
        self.plugin = plugin
        self.ipFamily = ipFamily
        self.nodePools = nodePools
        self.mtu = mtu
        self.maxPodsPerNode = maxPodsPerNode
        self.windowsNodes = windowsNodes
    }

    /// One pool, `nodepool1`, of `nodes` nodes.
    public init(labID: String, plugin: NetworkPlugin, ipFamily: IPFamily = .ipv4, nodes: Int, mtu: Int = 1500) {
        self.init(labID: labID, plugin: plugin, ipFamily: ipFamily,
                  nodePools: [NodePoolSpec(name: "nodepool1", count: nodes)], mtu: mtu)
    }

    public func validate() throws {
        guard !labID.isEmpty, labID.count <= 12,
              labID.allSatisfy({ ($0.isLetter && $0.isLowercase && $0.isASCII) || ($0.isNumber && $0.isASCII) }) else {
            throw LabNetworkError.invalidSpec("lab id must be 1-12 lowercase letters or digits, got \"\(labID)\"")
        }
        guard !nodePools.isEmpty else { throw LabNetworkError.invalidSpec("at least one node pool") }
        var names = Set<String>()
        for pool in nodePools {
            guard LabNames.isValidName(pool.name), pool.name.count <= 12 else {
                throw LabNetworkError.invalidSpec("pool name \"\(pool.name)\" must be 1-12 of [a-z0-9-]")
            }
            guard names.insert(pool.name).inserted else { throw LabNetworkError.invalidSpec("duplicate pool \(pool.name)") }
            guard pool.count >= 1 else { throw LabNetworkError.invalidSpec("pool \(pool.name) needs at least one node") }
            if let subnet = pool.subnet, subnet.prefix > 28 {
                throw LabNetworkError.invalidSpec("pool \(pool.name) subnet \(subnet) is too small")
            }
        }
        let total = nodePools.reduce(0) { $0 + $1.count }
        guard total <= 250 else { throw LabNetworkError.invalidSpec("at most 250 nodes (the lab gives each a /24 of 10.244.0.0/16)") }
        guard (1280...9000).contains(mtu) else { throw LabNetworkError.invalidSpec("mtu \(mtu) outside 1280...9000") }
        guard (1...250).contains(maxPodsPerNode) else { throw LabNetworkError.invalidSpec("maxPodsPerNode outside 1...250") }
        guard (0...4).contains(windowsNodes) else { throw LabNetworkError.invalidSpec("windowsNodes outside 0...4") }
    }
}

extension LabNetworkSpec {
    /// A state file written before Windows nodes had a network has no `windowsNodes`: none.
    public init(from decoder: any Decoder) throws {
        let values = try decoder.container(keyedBy: CodingKeys.self)
        self.init(labID: try values.decode(String.self, forKey: .labID), plugin: try values.decode(NetworkPlugin.self, forKey: .plugin),
                  ipFamily: try values.decode(IPFamily.self, forKey: .ipFamily), nodePools: try values.decode([NodePoolSpec].self, forKey: .nodePools),
                  mtu: try values.decode(Int.self, forKey: .mtu), maxPodsPerNode: try values.decode(Int.self, forKey: .maxPodsPerNode),
                  windowsNodes: try values.decodeIfPresent(Int.self, forKey: .windowsNodes) ?? 0)
    }
}

/// Names of the lab's namespaces and links, in one place.
public enum LabNames {
    public static let prefix = "aksl-"
    public static func namespacePrefix(labID: String) -> String { "\(prefix)\(labID)-" }
    public static func vnet(labID: String) -> String { "\(prefix)\(labID)-vnet" }
    public static func node(labID: String, index: Int) -> String { "\(prefix)\(labID)-node\(index + 1)" }
    public static func windowsNode(labID: String, index: Int) -> String { "\(prefix)\(labID)-win\(index + 1)" }
    public static func pod(labID: String, name: String) -> String { "\(prefix)\(labID)-pod-\(name)" }
    /// The control plane's namespace: where the API server's connections to the kubelets start.
    public static func controlPlane(labID: String) -> String { "\(prefix)\(labID)-cp" }

    /// Lowercase letters, digits, '-' and '.', not starting with '-' (kept out of argv option parsing).
    public static func isValidName(_ name: String) -> Bool {
        guard let first = name.first, first != "-", first != ".", name.count <= 200 else { return false }
        return name.allSatisfy { c in c.isASCII && (c.isLowercase || c.isNumber || c == "-" || c == ".") }
    }

    /// FNV-1a, 64 bit: a stable hash for interface and chain names (no crypto needed).
    public static func fnv1a(_ text: String) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in text.utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01b3
        }
        return hash
    }

    static func hex(_ value: UInt64, digits: Int) -> String {
        let text = String(value, radix: 16)
        let padded = String(repeating: "0", count: max(0, 16 - text.count)) + text
        return String(padded.suffix(digits))
    }
}
