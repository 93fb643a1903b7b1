/// One IPv6 ClusterIP service port (dual-stack): addresses as text, as ip6tables takes them.
public struct ServiceSpec6: Sendable, Equatable {
    public var namespace: String
    public var name: String
    public var clusterIP: String
    public var port: Int
    public var `protocol`: ServiceProtocol
    public var endpoints: [(ip: String, port: Int)]

    public init(namespace: String, name: String, clusterIP: String, port: Int, protocol: ServiceProtocol,
                endpoints: [(ip: String, port: Int)]) {
        self.namespace = namespace
        self.name = name
        self.clusterIP = clusterIP
        self.port = port
        self.protocol = `protocol`
        self.endpoints = endpoints
    }

    public var key: String { "\(namespace)/\(name):\(port)" }

    public static func == (a: ServiceSpec6, b: ServiceSpec6) -> Bool {
        a.key == b.key && a.clusterIP == b.clusterIP && a.protocol == b.protocol
            && a.endpoints.map(\.ip) == b.endpoints.map(\.ip) && a.endpoints.map(\.port) == b.endpoints.map(\.port)
    }
}

/// kube-proxy's IPv6 side in dual-stack (ip6tables-restore text): the same chains as IPv4,
/// named with the family in the hash as kube-proxy does, `/128` matches and `[ip]:port` DNAT.
extension KubeProxyRules {
    public static let baseNAT6 = [
        "*nat",
        ":KUBE-SERVICES - [0:0]",
        ":KUBE-POSTROUTING - [0:0]",
        ":KUBE-MARK-MASQ - [0:0]",
        "-A PREROUTING -m comment --comment \"kubernetes service portals\" -j KUBE-SERVICES",
        "-A OUTPUT -m comment --comment \"kubernetes service portals\" -j KUBE-SERVICES",
        "-A POSTROUTING -m comment --comment \"kubernetes postrouting rules\" -j KUBE-POSTROUTING",
        "-A KUBE-MARK-MASQ -j MARK --set-xmark \(masqueradeMark)",
        "-A KUBE-POSTROUTING -m mark ! --mark \(masqueradeMark) -j RETURN",
        "-A KUBE-POSTROUTING -j MARK --set-xmark 0x4000/0x0",
        "-A KUBE-POSTROUTING -m comment --comment \"kubernetes service traffic requiring SNAT\" -j MASQUERADE --random-fully",
        "COMMIT",
    ].joined(separator: "\n") + "\n"

    /// The whole IPv6 KUBE-SERVICES tree for `services`, deleting the chains of `removed`.
    public static func services6(_ services: [ServiceSpec6], removed: [ServiceSpec6] = []) -> String {
        var declarations = ["*nat", ":KUBE-SERVICES - [0:0]"]
        var rules: [String] = []
        for service in services {
            let svc = serviceChain6(service)
            declarations.append(":\(svc) - [0:0]")
            let proto = service.protocol.rawValue
            rules.append("-A KUBE-SERVICES -d \(service.clusterIP)/128 -p \(proto) -m comment --comment \"\(service.key) cluster IP\" -m \(proto) --dport \(service.port) -j \(svc)")
            let count = service.endpoints.count
            for (i, endpoint) in service.endpoints.enumerated() {
                let sep = endpointChain6(service, endpoint)
                declarations.append(":\(sep) - [0:0]")
                let target = "[\(endpoint.ip)]:\(endpoint.port)"
                if i < count - 1 {
                    let probability = probabilityText(1.0 / Double(count - i))
                    rules.append("-A \(svc) -m comment --comment \"\(service.key) -> \(target)\" -m statistic --mode random --probability \(probability) -j \(sep)")
                } else {
                    rules.append("-A \(svc) -m comment --comment \"\(service.key) -> \(target)\" -j \(sep)")
                }
                rules.append("-A \(sep) -s \(endpoint.ip)/128 -m comment --comment \"\(service.key)\" -j KUBE-MARK-MASQ")
                rules.append("-A \(sep) -p \(proto) -m comment --comment \"\(service.key)\" -m \(proto) -j DNAT --to-destination \(target)")
            }
        }
        let kept = Set(services.flatMap(chains6(of:)))
        var deletions: [String] = []
        for service in removed {
            for chain in chains6(of: service) where !kept.contains(chain) {
                declarations.append(":\(chain) - [0:0]")
                deletions.append("-X \(chain)")
            }
        }
        return (declarations + rules + deletions + ["COMMIT"]).joined(separator: "\n") + "\n"
    }

    static func chains6(of service: ServiceSpec6) -> [String] {
        [serviceChain6(service)] + service.endpoints.map { endpointChain6(service, $0) }
    }

    static func serviceChain6(_ service: ServiceSpec6) -> String {
        "KUBE-SVC-" + hashName("IPv6" + service.key + service.protocol.rawValue)
    }

    static func endpointChain6(_ service: ServiceSpec6, _ endpoint: (ip: String, port: Int)) -> String {
        "KUBE-SEP-" + hashName("IPv6" + service.key + service.protocol.rawValue + "[\(endpoint.ip)]:\(endpoint.port)")
    }

    /// `%.11f` without Foundation's String(format:).
    static func probabilityText(_ value: Double) -> String {
        let scaled = Int((value * 100_000_000_000).rounded())
        let whole = scaled / 100_000_000_000
        let fraction = String(scaled % 100_000_000_000)
        return "\(whole)." + String(repeating: "0", count: 11 - fraction.count) + fraction
    }
}
