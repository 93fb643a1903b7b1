import KubeModel

/// Node facts: the API's Node object joined with what the node's collector saw.
enum NodeFactsBuilder {
    static let poolLabel = "kubernetes.azure.com/agentpool"

    static func build(apiNodes: [JSONValue], states: [NodeState], evidence: [NodeEvidence]) -> [NodeFacts] {
        var facts: [NodeFacts] = []
        var seen = Set<String>()
        for object in apiNodes {
            let name = APIObjects.name(object)
            guard !name.isEmpty, seen.insert(name).inserted else { continue }
            facts.append(node(name: name, object: object, state: states.first { $0.node == name }))
        }
        // Nodes the collector reached that the API list did not hold (a node list the user could not read).
        for item in evidence where !seen.contains(item.node) {
            seen.insert(item.node)
            facts.append(node(name: item.node, object: nil, state: states.first { $0.node == item.node }))
        }
        return facts
    }

    static func node(name: String, object: JSONValue?, state: NodeState?) -> NodeFacts {
        var facts = NodeFacts(name: name)
        if let object {
            facts.pool = APIObjects.label(object, poolLabel) ?? APIObjects.label(object, "agentpool")
            let info = object["status"]?["nodeInfo"]
            facts.os = APIObjects.label(object, "kubernetes.io/os") ?? info?["operatingSystem"]?.stringValue
            facts.kernel = info?["kernelVersion"]?.stringValue
            facts.containerRuntime = info?["containerRuntimeVersion"]?.stringValue
            facts.osImage = info?["osImage"]?.stringValue
            facts.kubeletVersion = info?["kubeletVersion"]?.stringValue
            facts.internalIPs = (object["status"]?["addresses"]?.arrayValue ?? []).compactMap {
                $0["type"]?.stringValue == "InternalIP" ? $0["address"]?.stringValue : nil
            }
            facts.podCIDRs = APIObjects.strings(object["spec"]?["podCIDRs"])
            if facts.podCIDRs.isEmpty, let cidr = object["spec"]?["podCIDR"]?.stringValue { facts.podCIDRs = [cidr] }
            for condition in object["status"]?["conditions"]?.arrayValue ?? [] {
                guard let type = condition["type"]?.stringValue, let status = condition["status"]?.stringValue else { continue }
                if type == "Ready" {
                    facts.ready = status == "True" ? true : status == "False" ? false : nil
                    if status != "True" { facts.badConditions.append("Ready=\(status) (\(condition["reason"]?.stringValue ?? ""))") }
                } else if status == "True" {
                    facts.badConditions.append("\(type)=True (\(condition["reason"]?.stringValue ?? ""))")
                }
            }
        }
        guard let state else { return facts }
        facts.collected = state.evidence.collected
        facts.kubeProxyMode = state.kubeProxyMode ?? inferredKubeProxyMode(state)
        facts.cniConfigFiles = state.cniFiles.map(\.path)
        facts.interfaces = (state.interfaces ?? []).map { interface(of: $0, internalIPs: facts.internalIPs) }
        // The node IP on a bridge (azure0): the NIC is the port of that bridge that is not a pod's veth.
        if !facts.interfaces.contains(where: { $0.role == .nic }),
           let bridge = facts.interfaces.first(where: { $0.role == .bridge && $0.addresses.contains { facts.internalIPs.contains(String($0.prefix { $0 != "/" })) } }),
           let index = facts.interfaces.firstIndex(where: { $0.master == bridge.name && $0.role == .other }) {
            facts.interfaces[index].role = .nic
        }
        facts.routes = ((state.routes ?? []) + (state.routes6 ?? [])).filter { $0.table == "main" && $0.type != "local" }.map {
            RouteFacts(destination: $0.destination, gateway: $0.gateway, device: $0.device, table: $0.table)
        }
        facts.nameservers = state.resolvConf?.nameserverAddresses ?? []
        facts.iptablesRuleCount = state.iptables?.ruleCount
        facts.conntrackCount = state.conntrackCount
        facts.conntrackMax = state.conntrackMax
        return facts
    }

    /// Without `/proxyMode`: kube-ipvs0 or IPVS services mean ipvs; KUBE-SERVICES in nat means iptables.
    static func inferredKubeProxyMode(_ state: NodeState) -> KubeProxyMode? {
        if state.interfaces?.contains(where: { $0.name == "kube-ipvs0" }) == true || state.ipvs?.isEmpty == false { return .ipvs }
        if state.iptables?.table("nat")?.chain("KUBE-SERVICES") != nil { return .iptables }
        // kube-proxy's nftables mode keeps its rules in `table ip kube-proxy` (nft -j: "name": "kube-proxy").
        if let nft = state.evidence.run(CollectorCommands.nftRuleset)?.output,
           nft.contains("\"name\": \"kube-proxy\"") || nft.contains("\"name\":\"kube-proxy\"") || nft.contains("table ip kube-proxy") {
            return .nftables
        }
        return nil
    }

    static func interface(of entry: IPInterface, internalIPs: [String]) -> InterfaceFacts {
        let addresses = entry.addresses.filter { $0.scope != "link" || $0.family == "inet" }.map(\.cidr)
        let role: InterfaceFacts.Role
        let name = entry.name
        if name == "lo" || entry.linkType == "loopback" {
            role = .loopback
        } else if entry.kind == "bridge" || name == "cbr0" || name == "azure0" || name == "cni0" {
            // Azure CNI's legacy bridge mode moves the node IP onto azure0: still the pod bridge.
            role = .bridge
        } else if entry.addresses.contains(where: { internalIPs.contains($0.local) }) {
            role = .nic
        } else if name.hasPrefix("veth") || name.hasPrefix("azv") || name.hasPrefix("lxc") || name.hasPrefix("cali") {
            role = .podVeth
        } else if name == "kube-ipvs0" || name.hasPrefix("cilium_") || name == "kube-bridge" || name.hasPrefix("vxlan") {
            role = .dataplane
        } else if internalIPs.isEmpty && name == "eth0" {
            role = .nic
        } else {
            role = .other
        }
        return InterfaceFacts(name: name, role: role, kind: entry.kind, mtu: entry.mtu, master: entry.master, up: entry.isUp,
                              addresses: addresses)
    }
}
