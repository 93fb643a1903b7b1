import Foundation

/// Each node's `/` as a directory (DIR/nodes/<node>): the files an AKS node
/// has that tell its network mode — the CNI config of the plugin, Azure
/// CNI's state, resolv.conf, os-release — for inspect and hostPath `/`.
enum NodeRootFiles {
    static func write(_ node: NodeNetwork, plugin: String, directory: LabDirectory) throws {
        let root = directory.file("nodes/\(node.name)")
        func put(_ path: String, _ text: String) throws {
            let full = root + path
            try FileManager.default.createDirectory(atPath: (full as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            try text.write(toFile: full, atomically: true, encoding: .utf8)
        }
        try put("/etc/hostname", node.name + "\n")
        try put("/etc/resolv.conf", "nameserver 168.63.129.16\nsearch \(node.name).internal.cloudapp.net\n")
        try put("/etc/os-release", "PRETTY_NAME=\"Ubuntu 22.04.5 LTS\"\nNAME=\"Ubuntu\"\nVERSION_ID=\"22.04\"\nID=ubuntu\n")
        // The kernel log rsyslog keeps on an Ubuntu node (inspect greps it for `nf_conntrack: table full`).
        try put("/var/log/kern.log", "")
        try linkAlternatives(root: root)
        switch plugin {
        case "kubenet":
            let cidr = node.podCIDR?.description ?? ""
            try put("/etc/cni/net.d/10-containerd-net.conflist", """
                {
                  "cniVersion": "0.3.1",
                  "name": "kubenet",
                  "plugins": [
                    {"type": "bridge", "bridge": "cbr0", "mtu": 1500, "addIf": "eth0", "isGateway": true, "ipMasq": false,
                     "promiscMode": true, "hairpinMode": false,
                     "ipam": {"type": "host-local", "subnet": "\(cidr)", "routes": [{"dst": "0.0.0.0/0"}]}},
                    {"type": "portmap", "capabilities": {"portMappings": true}, "externalSetMarkChain": "KUBE-MARK-MASQ"}
                  ]
                }

                """)
        case "azure":
            try put("/etc/cni/net.d/10-azure.conflist", """
                {
                  "cniVersion": "0.3.0",
                  "name": "azure",
                  "plugins": [
                    {"type": "azure-vnet", "mode": "transparent", "ipsToRouteViaHost": ["169.254.20.10"],
                     "ipam": {"type": "azure-vnet-ipam"}},
                    {"type": "portmap", "capabilities": {"portMappings": true}, "snat": true}
                  ]
                }

                """)
            try put("/var/run/azure-vnet.json", "{\"Network\":{\"Version\":\"v1.6.21\",\"ExternalInterfaces\":{\"eth0\":{\"Name\":\"eth0\",\"Subnets\":[\"\(node.subnet.description)\"],\"Networks\":{\"azure\":{\"Id\":\"azure\",\"Mode\":\"transparent\",\"Endpoints\":{}}}}}}}\n")
            try put("/var/run/azure-vnet-ipam.json", "{\"IPAM\":{\"Version\":\"v1.6.21\",\"AddressSpaces\":{\"local\":{\"Id\":\"local\",\"Pools\":{\"\(node.subnet.description)\":{\"Id\":\"\(node.subnet.description)\"}}}}}}\n")
        default:
            try put("/etc/cni/net.d/15-azure-swift-overlay.conflist", """
                {
                  "cniVersion": "0.3.0",
                  "name": "azure",
                  "plugins": [
                    {"type": "azure-vnet", "mode": "transparent", "ipsToRouteViaHost": ["169.254.20.10"],
                     "executionMode": "v4swift", "ipam": {"mode": "v4overlay", "type": "azure-cns"}},
                    {"type": "portmap", "capabilities": {"portMappings": true}, "snat": true}
                  ]
                }

                """)
        }
    }

    /// Debian's iptables programs are links through /etc/alternatives (`iptables-save` →
    /// `/etc/alternatives/iptables-save` → `xtables-nft-multi`). A node's `/` has its own
    /// /etc, so without these the node's iptables-save is a dangling link under `chroot /host`
    /// (an Ubuntu node has them). Each points where this machine's does.
    static func linkAlternatives(root: String) throws {
        let alternatives = "/etc/alternatives"
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: alternatives) else { return }
        let folder = root + alternatives
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        for name in names where name.hasPrefix("iptables") || name.hasPrefix("ip6tables") || name.hasPrefix("arptables")
            || name.hasPrefix("ebtables") {
            guard let target = try? FileManager.default.destinationOfSymbolicLink(atPath: alternatives + "/" + name) else { continue }
            try? FileManager.default.removeItem(atPath: folder + "/" + name)
            try FileManager.default.createSymbolicLink(atPath: folder + "/" + name, withDestinationPath: target)
        }
    }
}
