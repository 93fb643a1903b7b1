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
        render(services.map(portRules6), removed: removed.map(portRules6))
    }

    static func portRules6(_ service: ServiceSpec6) -> PortRules {
        PortRules(key: service.key, proto: service.protocol.rawValue, destination: "\(service.clusterIP)/128", port: service.port,
                  chain: "KUBE-SVC-" + hashName("IPv6" + service.key + service.protocol.rawValue),
                  endpoints: service.endpoints.map { endpoint in
                      ("\(endpoint.ip)/128", "[\(endpoint.ip)]:\(endpoint.port)",
                       "KUBE-SEP-" + hashName("IPv6" + service.key + service.protocol.rawValue + "[\(endpoint.ip)]:\(endpoint.port)"))
                  })
    }
}
