/// Applies and reverts `LabFault`s inside the lab's namespaces.
struct FaultInjector {
    let plan: LabAddressPlan
    let pods: [PodNetwork]
    /// Faults active besides the one being applied/reverted.
    let otherFaults: [LabFault]

    static let policyChain = "AKSNET-POLICY-DROP"
    static let conntrackChain = "AKSNET-CONNTRACK-FULL"

    func apply(_ fault: LabFault, node: NodeNetwork?) throws {
        try change(fault, node: node, apply: true)
    }

    func revert(_ fault: LabFault, node: NodeNetwork?) throws {
        try change(fault, node: node, apply: false)
    }

    private func change(_ fault: LabFault, node: NodeNetwork?, apply: Bool) throws {
        guard let node else { throw LabNetworkError.invalidFault("\(fault): no such node or pod") }
        let dual = plan.spec.ipFamily == .dual
        switch fault {
        case .missingRoute:
            let verb = apply ? "del" : "add"
            var routes: [[String]]
            if plan.spec.plugin == .azure {
                let builder = PodBuilder(plan: plan)
                routes = pods.filter { $0.node == node.name }.flatMap { builder.vnetRoutes(for: $0, on: node, verb: verb) }
            } else {
                routes = TopologyBuilder(plan: plan).routeTableEntries(node)
                routes = routes.map { $0.map { $0 == "add" ? verb : $0 } }
            }
            try Netns.ipBatch(plan.vnetNetns, routes)
        case .ipForwardOff:
            let value = apply ? "0" : "1"
            var settings = ["net.ipv4.ip_forward=\(value)"]
            if dual { settings.append("net.ipv6.conf.all.forwarding=\(value)") }
            try Netns.sysctl(node.netns, settings)
        case .noMasquerade:
            try Netns.iptables(node.netns, ["-t", "nat", apply ? "-D" : "-A", "IP-MASQ-AGENT"] + KubeProxyRules.masqueradeRuleSpec)
        case .mtuMismatch(_, let mtu):
            let value = "\(apply ? mtu : plan.spec.mtu)"
            try Netns.ip(node.netns, ["link", "set", "eth0", "mtu", value])
            try Netns.ip(plan.vnetNetns, ["link", "set", node.vnetLink, "mtu", value])
            if !apply { try forgetPathMTUs(dual: dual) }
        case .policyDrop(let podName):
            guard let pod = pods.first(where: { $0.name == podName }) else { throw LabNetworkError.unknownPod(podName) }
            try policyDrop(pod, on: node, apply: apply)
        case .conntrackFull:
            try conntrackFull(node, apply: apply)
        }
    }

    /// Senders cache the smaller path MTU for 10 minutes; a revert means the path is whole
    /// again now, so every lab namespace forgets what it learned.
    private func forgetPathMTUs(dual: Bool) throws {
        let namespaces = [plan.vnetNetns] + plan.nodes.map(\.netns) + pods.filter { !$0.hostNetwork }.map(\.netnsName)
        for netns in namespaces {
            try Netns.ip(netns, ["route", "flush", "cache"])
            if dual { try Netns.ip(netns, ["-6", "route", "flush", "cache"]) }
        }
    }

    private func policyDrop(_ pod: PodNetwork, on node: NodeNetwork, apply: Bool) throws {
        let chain = FaultInjector.policyChain
        let rule = ["-d", "\(pod.ipv4)/32", "-m", "comment", "--comment", "aksnet-lab fault: policy drop to \(pod.name)", "-j", "DROP"]
        let chainInUse = otherFaults.contains { other in
            if case .policyDrop(let otherPod) = other {
                return pods.first(where: { $0.name == otherPod })?.node == node.name
            }
            return false
        }
        if apply {
            if !chainInUse {
                try Netns.iptables(node.netns, ["-N", chain])
                try Netns.iptables(node.netns, ["-I", "FORWARD", "1", "-j", chain])
            }
            try Netns.iptables(node.netns, ["-A", chain] + rule)
        } else {
            try Netns.iptables(node.netns, ["-D", chain] + rule)
            if !chainInUse {
                try Netns.iptables(node.netns, ["-D", "FORWARD", "-j", chain])
                try Netns.iptables(node.netns, ["-X", chain])
            }
        }
    }

    /// nf_conntrack_max cannot be lowered per namespace here (read-only outside init_net), and
    /// lowering it globally would break the host. A full table drops every packet that would
    /// create a new entry; this chain does exactly that in the node's mangle table, before NAT.
    private func conntrackFull(_ node: NodeNetwork, apply: Bool) throws {
        let chain = FaultInjector.conntrackChain
        if apply {
            let rules = [
                "*mangle", ":\(chain) - [0:0]",
                "-A PREROUTING -j \(chain)", "-A OUTPUT -j \(chain)",
                // The kubelet's streams stay: on AKS they ride the konnectivity agent's tunnel, a
                // connection established long before the table filled (and a real full table drops
                // some new connections, not every one): exec into the node still works, as there.
                "-A \(chain) -p tcp --dport \(LabAddressPlan.kubeletPort) -j RETURN",
                "-A \(chain) -m conntrack --ctstate NEW -m comment --comment \"aksnet-lab fault: nf_conntrack: table full, dropping packet\" -j DROP",
                "COMMIT",
            ].joined(separator: "\n") + "\n"
            try Netns.iptablesRestore(node.netns, rules)
        } else {
            try Netns.iptables(node.netns, ["-t", "mangle", "-D", "PREROUTING", "-j", chain])
            try Netns.iptables(node.netns, ["-t", "mangle", "-D", "OUTPUT", "-j", chain])
            try Netns.iptables(node.netns, ["-t", "mangle", "-F", chain])
            try Netns.iptables(node.netns, ["-t", "mangle", "-X", chain])
        }
    }
}
