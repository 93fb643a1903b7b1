/// The TCP/UDP flow of a captured packet (addresses as text, ports), read from its link-layer
/// header down: Ethernet (with VLAN tags), Linux cooked v1/v2, raw IP. Nil for anything else,
/// and for a packet cut short before its ports.
public struct PacketFlow: Equatable, Sendable {
    public var source: String
    public var sourcePort: Int
    public var destination: String
    public var destinationPort: Int
    /// 6 TCP, 17 UDP.
    public var protocolNumber: UInt8

    public init(source: String, sourcePort: Int, destination: String, destinationPort: Int, protocolNumber: UInt8) {
        self.source = source
        self.sourcePort = sourcePort
        self.destination = destination
        self.destinationPort = destinationPort
        self.protocolNumber = protocolNumber
    }

    public static func parse(linkType: UInt32, _ data: [UInt8]) -> PacketFlow? {
        switch linkType & 0x0FFF_FFFF {
        case PcapLinkType.ethernet:
            var offset = 12
            guard var type = u16(data, offset) else { return nil }
            // 802.1Q / 802.1ad tags.
            while type == 0x8100 || type == 0x88A8 {
                offset += 4
                guard let inner = u16(data, offset) else { return nil }
                type = inner
            }
            return ip(data, from: offset + 2, etherType: type)
        case PcapLinkType.linuxCooked:
            guard let type = u16(data, 14) else { return nil }
            return ip(data, from: 16, etherType: type)
        case PcapLinkType.linuxCookedV2:
            guard let type = u16(data, 0) else { return nil }
            return ip(data, from: 20, etherType: type)
        case PcapLinkType.raw, 228, 229:
            guard let first = data.first else { return nil }
            return ip(data, from: 0, etherType: first >> 4 == 6 ? 0x86DD : 0x0800)
        default:
            return nil
        }
    }

    static func ip(_ data: [UInt8], from start: Int, etherType: UInt16) -> PacketFlow? {
        switch etherType {
        case 0x0800:
            guard data.count >= start + 20, data[start] >> 4 == 4 else { return nil }
            let headerLength = Int(data[start] & 0x0F) * 4
            // A fragment after the first carries no ports.
            guard headerLength >= 20, (u16(data, start + 6) ?? 0) & 0x1FFF == 0 else { return nil }
            let proto = data[start + 9]
            return ports(data, from: start + headerLength, proto: proto,
                         source: ipv4(data, start + 12), destination: ipv4(data, start + 16))
        case 0x86DD:
            guard data.count >= start + 40, data[start] >> 4 == 6 else { return nil }
            return ports(data, from: start + 40, proto: data[start + 6],
                         source: ipv6(data, start + 8), destination: ipv6(data, start + 24))
        default:
            return nil
        }
    }

    static func ports(_ data: [UInt8], from start: Int, proto: UInt8, source: String, destination: String) -> PacketFlow? {
        guard proto == 6 || proto == 17, let sport = u16(data, start), let dport = u16(data, start + 2) else { return nil }
        return PacketFlow(source: source, sourcePort: Int(sport), destination: destination, destinationPort: Int(dport),
                          protocolNumber: proto)
    }

    static func u16(_ data: [UInt8], _ at: Int) -> UInt16? {
        guard at >= 0, at + 1 < data.count else { return nil }
        return UInt16(data[at]) << 8 | UInt16(data[at + 1])
    }

    static func ipv4(_ data: [UInt8], _ at: Int) -> String {
        data[at..<at + 4].map { String($0) }.joined(separator: ".")
    }

    /// RFC 5952 text: lower-case hex, the longest run of two or more zero groups as `::`.
    static func ipv6(_ data: [UInt8], _ at: Int) -> String {
        let groups = (0..<8).map { Int(data[at + 2 * $0]) << 8 | Int(data[at + 2 * $0 + 1]) }
        var best = (start: -1, length: 0)
        var index = 0
        while index < 8 {
            guard groups[index] == 0 else { index += 1; continue }
            let start = index
            while index < 8 && groups[index] == 0 { index += 1 }
            if index - start > best.length { best = (start, index - start) }
        }
        let hex = groups.map { String($0, radix: 16) }
        guard best.length >= 2 else { return hex.joined(separator: ":") }
        let head = hex[0..<best.start].joined(separator: ":")
        let tail = hex[(best.start + best.length)...].joined(separator: ":")
        return head + "::" + tail
    }
}
