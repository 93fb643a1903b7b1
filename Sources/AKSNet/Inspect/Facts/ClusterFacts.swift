/// What this cluster's network is, as far as the API and the nodes tell: plugin and mode,
/// kube-proxy, policy engine, masquerading, DNS, address ranges. `evidence` says how each was known.
public struct ClusterFacts: Sendable, Equatable {
    public var kubernetesVersion: String?
    public var networkMode: NetworkMode
    public var dataplane: Dataplane
    /// The cluster-wide kube-proxy mode (the configmap's, else the nodes' agreed one); `none` with Cilium.
    public var kubeProxyMode: KubeProxyMode
    public var policyEngine: PolicyEngine
    public var ipFamilies: IPFamilies
    public var ipMasqAgent: IPMasqAgentFacts?
    public var dns: DNSFacts
    /// Known or inferred service CIDR(s) (`serviceCIDRSource` says which).
    public var serviceCIDRs: [String]
    /// `kube-proxy clusterCIDR`, `inferred from service ClusterIPs`, or nil when unknown.
    public var serviceCIDRSource: String?
    /// The cluster pod CIDR(s) (kube-proxy `clusterCIDR`, else the union of node podCIDRs' /16).
    public var podCIDRs: [String]
    public var nodeCount: Int
    public var linuxNodeCount: Int
    public var windowsNodeCount: Int
    /// Lines that decided mode, kube-proxy mode and policy engine, keyed by fact
    /// (`networkMode`, `kubeProxyMode`, `policyEngine`, `dataplane`, `localDNS`).
    public var evidence: [String: [EvidenceLine]]

    public init(kubernetesVersion: String? = nil, networkMode: NetworkMode = .unknown, dataplane: Dataplane = .kubeProxy,
                kubeProxyMode: KubeProxyMode = .unknown, policyEngine: PolicyEngine = .unknown, ipFamilies: IPFamilies = .ipv4,
                ipMasqAgent: IPMasqAgentFacts? = nil, dns: DNSFacts = DNSFacts(), serviceCIDRs: [String] = [],
                serviceCIDRSource: String? = nil, podCIDRs: [String] = [], nodeCount: Int = 0, linuxNodeCount: Int = 0,
                windowsNodeCount: Int = 0, evidence: [String: [EvidenceLine]] = [:]) {
        self.kubernetesVersion = kubernetesVersion
        self.networkMode = networkMode
        self.dataplane = dataplane
        self.kubeProxyMode = kubeProxyMode
        self.policyEngine = policyEngine
        self.ipFamilies = ipFamilies
        self.ipMasqAgent = ipMasqAgent
        self.dns = dns
        self.serviceCIDRs = serviceCIDRs
        self.serviceCIDRSource = serviceCIDRSource
        self.podCIDRs = podCIDRs
        self.nodeCount = nodeCount
        self.linuxNodeCount = linuxNodeCount
        self.windowsNodeCount = windowsNodeCount
        self.evidence = evidence
    }
}

/// AKS's ip-masq-agent configuration (configmaps `azure-ip-masq-agent-config*` in kube-system).
public struct IPMasqAgentFacts: Sendable, Equatable {
    /// The configmaps it was read from.
    public var configMaps: [String]
    public var nonMasqueradeCIDRs: [String]
    public var masqLinkLocal: Bool?

    public init(configMaps: [String], nonMasqueradeCIDRs: [String], masqLinkLocal: Bool?) {
        self.configMaps = configMaps
        self.nonMasqueradeCIDRs = nonMasqueradeCIDRs
        self.masqLinkLocal = masqLinkLocal
    }
}

public struct DNSFacts: Sendable, Equatable {
    /// `kube-dns` service in kube-system (CoreDNS), usually 10.0.0.10.
    public var kubeDNSClusterIPs: [String]
    /// LocalDNS (169.254.10.10/11) seen on a node (address, corefile or resolv.conf).
    public var localDNS: Bool
    public var localDNSAddresses: [String]

    public init(kubeDNSClusterIPs: [String] = [], localDNS: Bool = false, localDNSAddresses: [String] = []) {
        self.kubeDNSClusterIPs = kubeDNSClusterIPs
        self.localDNS = localDNS
        self.localDNSAddresses = localDNSAddresses
    }

    public static let localDNSIPs = ["169.254.10.10", "169.254.10.11"]
}
