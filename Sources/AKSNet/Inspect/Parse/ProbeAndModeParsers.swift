/// One line of `pod-network-probe`: `PEER ADDRESS ok|fail` (extra fields ignored).
public struct ProbeResult: Sendable, Equatable {
    public var peer: String
    public var address: String
    public var ok: Bool
    public var line: Int
    public var text: String
}

public enum ProbeParser {
    public static func parse(_ text: String) -> [ProbeResult] {
        TextScan.lines(text).enumerated().compactMap { i, line in
            let fields = TextScan.fields(line)
            guard fields.count >= 3 else { return nil }
            let status = fields[2].lowercased()
            guard status == "ok" || status == "fail" else { return nil }
            return ProbeResult(peer: String(fields[0]), address: String(fields[1]), ok: status == "ok", line: i + 1, text: String(line))
        }
    }
}

/// kube-proxy's `/proxyMode` answer (`iptables`, `ipvs`, `nftables`); nil for anything else
/// (connection refused text, an empty answer).
public enum KubeProxyModeParser {
    public static func parse(_ text: String) -> KubeProxyMode? {
        let value = TextScan.trimmed(text).lowercased()
        switch value {
        case "iptables": return .iptables
        case "ipvs": return .ipvs
        case "nftables": return .nftables
        default: return nil
        }
    }
}

/// `ipvsadm -Ln [--stats]`: virtual services and their real servers.
public struct IPVSService: Sendable, Equatable {
    public var proto: String
    public var address: String
    public var realServers: [String]
    public var line: Int
}

public enum IPVSParser {
    public static func parse(_ text: String) -> [IPVSService] {
        var services: [IPVSService] = []
        for (i, line) in TextScan.lines(text).enumerated() {
            let fields = TextScan.fields(line)
            guard let first = fields.first else { continue }
            if ["TCP", "UDP", "SCTP", "FWM"].contains(first), fields.count >= 2 {
                services.append(IPVSService(proto: String(first), address: String(fields[1]), realServers: [], line: i + 1))
            } else if first == "->", fields.count >= 2, !services.isEmpty, fields[1] != "RemoteAddress:Port" {
                services[services.count - 1].realServers.append(String(fields[1]))
            }
        }
        return services
    }
}

/// `/proc/net/snmp`: `Udp:` header and value lines (RcvbufErrors, SndbufErrors, InErrors).
public enum NetSNMPParser {
    /// Protocol → counter → value, with the value line's number.
    public static func parse(_ text: String) -> [String: (counters: [String: UInt64], line: NumberedLine)] {
        var result: [String: (counters: [String: UInt64], line: NumberedLine)] = [:]
        var headers: [String: [Substring]] = [:]
        for (i, line) in TextScan.lines(text).enumerated() {
            let fields = TextScan.fields(line)
            guard let head = fields.first, head.hasSuffix(":") else { continue }
            let proto = String(head.dropLast())
            let rest = Array(fields.dropFirst())
            if let names = headers[proto], rest.allSatisfy({ Int64($0) != nil }) {
                var counters: [String: UInt64] = [:]
                for (name, value) in zip(names, rest) { counters[String(name)] = UInt64(value) ?? 0 }
                result[proto] = (counters, NumberedLine(line: i + 1, text: String(line)))
                headers[proto] = nil
            } else {
                headers[proto] = rest
            }
        }
        return result
    }
}

/// Lines of the kernel log that say conntrack dropped a packet for a full table.
public enum KernelConntrackLogParser {
    public static func parse(_ text: String) -> [NumberedLine] {
        TextScan.lines(text).enumerated().compactMap { i, line in
            line.contains("nf_conntrack: table full") ? NumberedLine(line: i + 1, text: String(line)) : nil
        }
    }
}
