import KubeWire
import Testing

/// The flow of a captured packet from each link type sniff meets, byte tables built field by field.
struct PacketFlowTests {
    static func ipv4(proto: UInt8, src: [UInt8], dst: [UInt8], sport: UInt16, dport: UInt16, fragment: UInt16 = 0) -> [UInt8] {
        var header: [UInt8] = [0x45, 0, 0, 40, 0, 1, UInt8(fragment >> 8), UInt8(fragment & 0xFF), 64, proto, 0, 0]
        header += src + dst
        return header + [UInt8(sport >> 8), UInt8(sport & 0xFF), UInt8(dport >> 8), UInt8(dport & 0xFF)] + [UInt8](repeating: 0, count: 16)
    }

    static func ipv6(proto: UInt8, src: [UInt8], dst: [UInt8], sport: UInt16, dport: UInt16) -> [UInt8] {
        var header: [UInt8] = [0x60, 0, 0, 0, 0, 20, proto, 64]
        header += src + dst
        return header + [UInt8(sport >> 8), UInt8(sport & 0xFF), UInt8(dport >> 8), UInt8(dport & 0xFF)] + [UInt8](repeating: 0, count: 16)
    }

    static let macs = [UInt8](repeating: 0xAA, count: 12)
    static let v6a: [UInt8] = [0xFD, 0x12, 0x34, 0x56, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x04]
    static let v6b: [UInt8] = [0x20, 0x01, 0x0D, 0xB8, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0]

    @Test func flowsFromEachLinkType() {
        let tcp4 = Self.ipv4(proto: 6, src: [10, 224, 255, 4], dst: [10, 224, 0, 4], sport: 51000, dport: 10250)
        let udp4 = Self.ipv4(proto: 17, src: [10, 244, 1, 5], dst: [10, 0, 0, 10], sport: 40000, dport: 53)
        let tcp6 = Self.ipv6(proto: 6, src: Self.v6a, dst: Self.v6b, sport: 443, dport: 60000)
        let table: [(UInt32, [UInt8], PacketFlow?)] = [
            (1, Self.macs + [0x08, 0x00] + tcp4, PacketFlow(source: "10.224.255.4", sourcePort: 51000, destination: "10.224.0.4", destinationPort: 10250, protocolNumber: 6)),
            (1, Self.macs + [0x81, 0x00, 0x00, 0x05, 0x08, 0x00] + tcp4, PacketFlow(source: "10.224.255.4", sourcePort: 51000, destination: "10.224.0.4", destinationPort: 10250, protocolNumber: 6)),
            (113, [UInt8](repeating: 0, count: 14) + [0x08, 0x00] + udp4, PacketFlow(source: "10.244.1.5", sourcePort: 40000, destination: "10.0.0.10", destinationPort: 53, protocolNumber: 17)),
            (276, [0x86, 0xDD] + [UInt8](repeating: 0, count: 18) + tcp6, PacketFlow(source: "fd12:3456::4", sourcePort: 443, destination: "2001:db8:0:1::", destinationPort: 60000, protocolNumber: 6)),
            (101, tcp4, PacketFlow(source: "10.224.255.4", sourcePort: 51000, destination: "10.224.0.4", destinationPort: 10250, protocolNumber: 6)),
            // ICMP has no ports; a later fragment neither; ARP is not IP; a cut packet stops before its ports.
            (1, Self.macs + [0x08, 0x00] + Self.ipv4(proto: 1, src: [1, 2, 3, 4], dst: [5, 6, 7, 8], sport: 0, dport: 0), nil),
            (1, Self.macs + [0x08, 0x00] + Self.ipv4(proto: 6, src: [1, 2, 3, 4], dst: [5, 6, 7, 8], sport: 1, dport: 2, fragment: 0x00B9), nil),
            (1, Self.macs + [0x08, 0x06] + [UInt8](repeating: 0, count: 28), nil),
            (1, Array((Self.macs + [0x08, 0x00] + tcp4).prefix(14 + 21)), nil),
            (1, [], nil),
            (147, tcp4, nil),
        ]
        for (row, (linkType, bytes, want)) in table.enumerated() {
            #expect(PacketFlow.parse(linkType: linkType, bytes) == want, "row \(row)")
        }
    }

    @Test func noInputTraps() {
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<20_000 {
            let length = Int.random(in: 0..<80, using: &generator)
            let bytes = (0..<length).map { _ in UInt8.random(in: 0...255, using: &generator) }
            for linkType: UInt32 in [1, 101, 113, 228, 229, 276] { _ = PacketFlow.parse(linkType: linkType, bytes) }
        }
    }
}
