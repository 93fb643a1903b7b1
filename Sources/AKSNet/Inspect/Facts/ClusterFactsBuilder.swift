import KubeModel

/// Cluster facts from the API objects and the nodes' runs. Every decision keeps the lines it
/// was made from (`ClusterFacts.evidence`).
enum ClusterFactsBuilder {
    static func build(api: APIObjects, nodes: [NodeFacts], states: [NodeState]) -> ClusterFacts {
        var facts = ClusterFacts()
        facts.kubernetesVersion = api.api[APIEvidenceKeys.version]?["gitVersion"]?.stringValue
        facts.nodeCount = nodes.count
        facts.windowsNodeCount = nodes.filter { $0.os == "windows" }.count
        facts.linuxNodeCount = nodes.count - facts.windowsNodeCount
        let mode = NetworkModeDetector.detect(api: api, states: states)
        facts.networkMode = mode.mode
        facts.dataplane = mode.dataplane
        facts.evidence["networkMode"] = mode.evidence
        let proxy = KubeProxyModeDetector.detect(api: api, nodes: nodes, states: states, dataplane: mode.dataplane)
        facts.kubeProxyMode = proxy.mode
        facts.evidence["kubeProxyMode"] = proxy.evidence
        let policy = PolicyEngineDetector.detect(api: api, states: states, dataplane: mode.dataplane)
        facts.policyEngine = policy.engine
        facts.evidence["policyEngine"] = policy.evidence
        facts.ipMasqAgent = ipMasqAgent(api)
        facts.dns = dns(api: api, states: states, evidence: &facts.evidence)
        let services = serviceCIDRs(api)
        facts.serviceCIDRs = services.cidrs
        facts.serviceCIDRSource = services.source
        facts.podCIDRs = podCIDRs(api: api, nodes: nodes)
        facts.ipFamilies = ipFamilies(nodes: nodes, api: api)
        return facts
    }

    static func ipMasqAgent(_ api: APIObjects) -> IPMasqAgentFacts? {
        let maps = api.configMaps.filter { APIObjects.name($0).hasPrefix("azure-ip-masq-agent-config") || APIObjects.name($0) == "ip-masq-agent" }
        guard !maps.isEmpty else { return nil }
        var cidrs: [String] = []
        var linkLocal: Bool?
        for map in maps {
            for (_, value) in map["data"]?.objectValue ?? JSONObject() {
                guard let text = value.stringValue else { continue }
                for cidr in ConfigText.list("nonMasqueradeCIDRs", in: text) where !cidrs.contains(cidr) { cidrs.append(cidr) }
                if let masq = ConfigText.topLevelValue("masqLinkLocal", in: text) { linkLocal = masq.value == "true" }
            }
        }
        return IPMasqAgentFacts(configMaps: maps.map(APIObjects.name), nonMasqueradeCIDRs: cidrs, masqLinkLocal: linkLocal)
    }

    static func dns(api: APIObjects, states: [NodeState], evidence: inout [String: [EvidenceLine]]) -> DNSFacts {
        var facts = DNSFacts()
        if let kubeDNS = api.services.first(where: { APIObjects.name($0) == "kube-dns" && APIObjects.namespace($0) == "kube-system" }) {
            facts.kubeDNSClusterIPs = APIObjects.strings(kubeDNS["spec"]?["clusterIPs"])
            if facts.kubeDNSClusterIPs.isEmpty, let ip = kubeDNS["spec"]?["clusterIP"]?.stringValue { facts.kubeDNSClusterIPs = [ip] }
        }
        var lines: [EvidenceLine] = []
        for state in states {
            for interface in state.interfaces ?? [] {
                for address in interface.addresses where DNSFacts.localDNSIPs.contains(address.local) {
                    if !facts.localDNSAddresses.contains(address.local) { facts.localDNSAddresses.append(address.local) }
                    lines.append(state.line(CollectorCommands.ipAddr, nil, "\(interface.name) \(address.cidr)"))
                }
            }
            if let corefile = state.localDNSCorefile, !TextScan.trimmed(corefile).isEmpty, lines.isEmpty {
                lines.append(state.line(CollectorCommands.localDNSCorefile, 1, String(TextScan.lines(corefile).first ?? "")))
            }
        }
        facts.localDNSAddresses.sort()
        facts.localDNS = !lines.isEmpty
        if !lines.isEmpty { evidence["localDNS"] = Array(lines.prefix(4)) }
        return facts
    }

    /// The service CIDR is not readable from the API before ServiceCIDR objects: infer it from the
    /// ClusterIPs (AKS's default is 10.0.0.0/16).
    static func serviceCIDRs(_ api: APIObjects) -> (cidrs: [String], source: String?) {
        let ips = api.services.flatMap { APIObjects.strings($0["spec"]?["clusterIPs"]) + [$0["spec"]?["clusterIP"]?.stringValue ?? ""] }
            .filter { !$0.isEmpty && $0 != "None" }
        let v4 = ips.compactMap(IPv4Range.address)
        guard !v4.isEmpty else { return ([], nil) }
        if let aksDefault = IPv4Range("10.0.0.0/16"), v4.allSatisfy(aksDefault.contains) {
            return (["10.0.0.0/16"], "inferred from \(Set(v4).count) service ClusterIPs (AKS default range)")
        }
        var prefix = 16
        while prefix > 0, let first = v4.first, !v4.allSatisfy({ IPv4Range(address: first, prefix: prefix).contains($0) }) { prefix -= 1 }
        return ([IPv4Range(address: v4[0], prefix: prefix).description], "inferred from \(Set(v4).count) service ClusterIPs (covering range)")
    }

    static func podCIDRs(api: APIObjects, nodes: [NodeFacts]) -> [String] {
        for map in api.configMaps where APIObjects.name(map).hasPrefix("kube-proxy") {
            for (_, value) in map["data"]?.objectValue ?? JSONObject() {
                if let text = value.stringValue, let cidr = ConfigText.topLevelValue("clusterCIDR", in: text), !cidr.value.isEmpty {
                    return cidr.value.split(separator: ",").map { TextScan.trimmed($0) }
                }
            }
        }
        // AKS runs kube-proxy with flags: `--cluster-cidr=10.244.0.0/16`.
        for daemonSet in api.daemonSets where APIObjects.name(daemonSet) == "kube-proxy" {
            let containers = daemonSet["spec"]?["template"]?["spec"]?["containers"]?.arrayValue ?? []
            for argument in containers.flatMap({ APIObjects.strings($0["command"]) + APIObjects.strings($0["args"]) })
            where argument.hasPrefix("--cluster-cidr=") {
                return argument.dropFirst("--cluster-cidr=".count).split(separator: ",").map { TextScan.trimmed($0) }
            }
        }
        let v4 = nodes.flatMap(\.podCIDRs).compactMap(IPv4Range.init)
        guard let first = v4.first else { return [] }
        if let aksDefault = IPv4Range("10.244.0.0/16"), v4.allSatisfy(aksDefault.covers) { return [aksDefault.description] }
        var prefix = first.prefix
        while prefix > 0, !v4.allSatisfy({ IPv4Range(address: first.network, prefix: prefix).covers($0) }) { prefix -= 1 }
        return [IPv4Range(address: first.network, prefix: prefix).description]
    }

    static func ipFamilies(nodes: [NodeFacts], api: APIObjects) -> IPFamilies {
        let addresses = nodes.flatMap { $0.podCIDRs + $0.internalIPs }
        let v6 = addresses.contains(where: IPText.isIPv6)
        let v4 = addresses.contains { !IPText.isIPv6($0) }
        let dualService = api.services.contains { ($0["spec"]?["ipFamilies"]?.arrayValue?.count ?? 0) > 1 }
        if (v4 && v6) || dualService { return .dual }
        return v6 && !v4 ? .ipv6 : .ipv4
    }
}
