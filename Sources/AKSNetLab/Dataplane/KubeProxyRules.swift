import Foundation

/// iptables-restore text for kube-proxy's iptables mode and AKS's ip-masq-agent,
/// as pure functions (tested as text, applied with `iptables-restore --noflush`).
public enum KubeProxyRules {
    public static let masqueradeMark = "0x4000/0x4000"
    static let masqueradeComment = "ip-masq-agent: outbound traffic is subject to MASQUERADE (must be last in chain)"

    /// The chains every node gets once, at setup: the service portal jumps,
    /// KUBE-MARK-MASQ / KUBE-POSTROUTING, and ip-masq-agent's chain.
    public static func baseNAT(nonMasqueradeCIDRs: [IPv4CIDR]) -> String {
        var lines = [
            "*nat",
            ":KUBE-SERVICES - [0:0]",
            ":KUBE-POSTROUTING - [0:0]",
            ":KUBE-MARK-MASQ - [0:0]",
            ":IP-MASQ-AGENT - [0:0]",
            "-A PREROUTING -m comment --comment \"kubernetes service portals\" -j KUBE-SERVICES",
            "-A OUTPUT -m comment --comment \"kubernetes service portals\" -j KUBE-SERVICES",
            "-A POSTROUTING -m comment --comment \"kubernetes postrouting rules\" -j KUBE-POSTROUTING",
            "-A POSTROUTING -m comment --comment \"ip-masq-agent: ensure nat POSTROUTING directs all non-LOCAL destination traffic to our custom IP-MASQ-AGENT chain\" -m addrtype ! --dst-type LOCAL -j IP-MASQ-AGENT",
            "-A KUBE-MARK-MASQ -j MARK --set-xmark \(masqueradeMark)",
            "-A KUBE-POSTROUTING -m mark ! --mark \(masqueradeMark) -j RETURN",
            "-A KUBE-POSTROUTING -j MARK --set-xmark 0x4000/0x0",
            "-A KUBE-POSTROUTING -m comment --comment \"kubernetes service traffic requiring SNAT\" -j MASQUERADE --random-fully",
        ]
        for cidr in nonMasqueradeCIDRs {
            lines.append("-A IP-MASQ-AGENT -d \(cidr) -m comment --comment \"ip-masq-agent: local traffic is not subject to MASQUERADE\" -j RETURN")
        }
        lines.append("-A IP-MASQ-AGENT -m comment --comment \"\(masqueradeComment)\" -j MASQUERADE")
        lines.append("COMMIT")
        return lines.joined(separator: "\n") + "\n"
    }

    /// The MASQUERADE rule of IP-MASQ-AGENT as iptables argv (after `-A/-D IP-MASQ-AGENT`).
    public static let masqueradeRuleSpec = ["-m", "comment", "--comment", masqueradeComment, "-j", "MASQUERADE"]

    /// The whole KUBE-SERVICES tree for `services`, deleting the chains of `removed`.
    public static func services(_ services: [ServiceSpec], removed: [ServiceSpec] = []) -> String {
        render(services.map(portRules), removed: removed.map(portRules))
    }

    static func portRules(_ service: ServiceSpec) -> PortRules {
        PortRules(key: service.key, proto: service.protocol.rawValue, destination: "\(service.clusterIP)/32", port: service.port,
                  chain: serviceChain(service),
                  endpoints: service.endpoints.map { ("\($0.ip)/32", "\($0.ip):\($0.port)", endpointChain(service, $0)) })
    }

    /// One service port as rules, whatever the address family: its match, its chains, its DNAT targets.
    struct PortRules {
        var key: String
        var proto: String
        var destination: String
        var port: Int
        var chain: String
        var endpoints: [(source: String, target: String, chain: String)]
        var chains: [String] { [chain] + endpoints.map(\.chain) }
    }

    /// kube-proxy's KUBE-SERVICES → KUBE-SVC-… → KUBE-SEP-… tree (iptables-restore text, either family).
    static func render(_ ports: [PortRules], removed: [PortRules]) -> String {
        var declarations = ["*nat", ":KUBE-SERVICES - [0:0]"]
        var rules: [String] = []
        for service in ports {
            let svc = service.chain
            declarations.append(":\(svc) - [0:0]")
            let proto = service.proto
            rules.append("-A KUBE-SERVICES -d \(service.destination) -p \(proto) -m comment --comment \"\(service.key) cluster IP\" -m \(proto) --dport \(service.port) -j \(svc)")
            let count = service.endpoints.count
            for (i, endpoint) in service.endpoints.enumerated() {
                let sep = endpoint.chain
                declarations.append(":\(sep) - [0:0]")
                let target = endpoint.target
                if i < count - 1 {
                    let probability = probabilityText(1.0 / Double(count - i))
                    rules.append("-A \(svc) -m comment --comment \"\(service.key) -> \(target)\" -m statistic --mode random --probability \(probability) -j \(sep)")
                } else {
                    rules.append("-A \(svc) -m comment --comment \"\(service.key) -> \(target)\" -j \(sep)")
                }
                rules.append("-A \(sep) -s \(endpoint.source) -m comment --comment \"\(service.key)\" -j KUBE-MARK-MASQ")
                rules.append("-A \(sep) -p \(proto) -m comment --comment \"\(service.key)\" -m \(proto) -j DNAT --to-destination \(target)")
            }
        }
        var deletions: [String] = []
        let kept = Set(ports.flatMap(\.chains))
        for service in removed {
            for chain in service.chains where !kept.contains(chain) {
                declarations.append(":\(chain) - [0:0]")
                deletions.append("-X \(chain)")
            }
        }
        return (declarations + rules + deletions + ["COMMIT"]).joined(separator: "\n") + "\n"
    }

    /// kube-proxy's `%.11f`.
    static func probabilityText(_ value: Double) -> String { String(format: "%.11f", value) }

    /// `KUBE-SVC-` + 16 base32 characters of a hash of the service port name and protocol.
    public static func serviceChain(_ service: ServiceSpec) -> String {
        "KUBE-SVC-" + hashName(service.key + service.protocol.rawValue)
    }

    public static func endpointChain(_ service: ServiceSpec, _ endpoint: ServiceEndpoint) -> String {
        "KUBE-SEP-" + hashName(service.key + service.protocol.rawValue + "\(endpoint.ip):\(endpoint.port)")
    }

    static func hashName(_ text: String) -> String {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567")
        var bits = [LabNames.fnv1a(text), LabNames.fnv1a("aksnet/" + text)]
        var out = ""
        for i in 0..<16 {
            let word = i / 8
            out.append(alphabet[Int(bits[word] & 31)])
            bits[word] >>= 5
        }
        return out
    }

    /// The VNet router's stand-in for Azure's outbound SNAT: the "internet" address answers node IPs only.
    public static func vnetEdgeFilter(nodeIPs: [IPv4Address]) -> String {
        var lines = ["*filter", ":AZURE-EDGE - [0:0]",
                     "-A INPUT -d \(LabAddressPlan.internetIPv4)/32 -j AZURE-EDGE"]
        for ip in nodeIPs {
            lines.append("-A AZURE-EDGE -s \(ip)/32 -j ACCEPT")
        }
        lines.append("-A AZURE-EDGE -m comment --comment \"outbound SNAT serves NIC primary IPs only\" -j DROP")
        lines.append("COMMIT")
        return lines.joined(separator: "\n") + "\n"
    }
}
