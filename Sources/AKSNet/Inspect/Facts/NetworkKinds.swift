/// How pods get their addresses and how packets between nodes are carried (AKS's network modes).
public enum NetworkMode: String, Sendable, CaseIterable {
    /// kubenet: a /24 podCIDR per node, bridge `cbr0`, one Azure route table entry per node.
    case kubenet
    /// Azure CNI, pods on the node subnet (VNet IPs, transparent mode `azv…` veths).
    case azureNodeSubnet = "azure-cni-node-subnet"
    /// Azure CNI with a separate pod subnet (dynamic IP allocation).
    case azurePodSubnet = "azure-cni-pod-subnet"
    /// Azure CNI Overlay: pod CIDR outside the VNet, a /24 per node, azure-cns.
    case azureOverlay = "azure-cni-overlay"
    case unknown

    /// Whether pods' egress to the internet needs a MASQUERADE rule on the node (all AKS modes
    /// SNAT pod egress to the node IP through ip-masq-agent or the CNI).
    public var needsMasquerade: Bool { self != .unknown }
}

/// What programs services and policy in the kernel: kube-proxy, or Cilium's eBPF dataplane.
public enum Dataplane: String, Sendable, CaseIterable {
    case kubeProxy = "kube-proxy"
    case cilium
}

public enum KubeProxyMode: String, Sendable, CaseIterable {
    case iptables, ipvs, nftables
    /// No kube-proxy (Cilium replaces it).
    case none
    case unknown

    /// `iptables`, `ipvs`, `nftables`, `kernelspace`…; `""` is kube-proxy's default (iptables on Linux).
    public init(configValue: String) {
        switch TextScan.unquoted(configValue).lowercased() {
        case "", "iptables": self = .iptables
        case "ipvs": self = .ipvs
        case "nftables": self = .nftables
        default: self = .unknown
        }
    }
}

public enum PolicyEngine: String, Sendable, CaseIterable {
    case none
    case azureNPM = "azure-npm"
    case calico
    case cilium
    case unknown
}

public enum IPFamilies: String, Sendable, CaseIterable {
    case ipv4
    case dual
    case ipv6
}
