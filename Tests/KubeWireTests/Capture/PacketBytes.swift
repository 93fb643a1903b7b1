import KubeWire

/// Real Ethernet/IPv4/ICMP echo frames, with correct checksums, for the oracle tests.
enum PacketBytes {
    static func icmpEcho(from source: [UInt8], to destination: [UInt8], id: UInt16, sequence: UInt16,
                         reply: Bool = false, payload: [UInt8] = Array("aksnet-capture-test".utf8)) -> [UInt8] {
        var icmp: [UInt8] = [reply ? 0 : 8, 0, 0, 0, UInt8(id >> 8), UInt8(id & 0xFF), UInt8(sequence >> 8), UInt8(sequence & 0xFF)]
        icmp += payload
        let icmpSum = checksum(icmp)
        icmp[2] = UInt8(icmpSum >> 8)
        icmp[3] = UInt8(icmpSum & 0xFF)

        let totalLength = 20 + icmp.count
        var ip: [UInt8] = [0x45, 0, UInt8(totalLength >> 8), UInt8(totalLength & 0xFF),
                           UInt8(sequence >> 8), UInt8(sequence & 0xFF), 0x40, 0,  // id, don't fragment
                           64, 1, 0, 0]  // TTL, protocol ICMP, checksum
        ip += source + destination
        let ipSum = checksum(ip)
        ip[10] = UInt8(ipSum >> 8)
        ip[11] = UInt8(ipSum & 0xFF)

        let ethernet: [UInt8] = [0x02, 0, 0, 0, 0, destination[3], 0x02, 0, 0, 0, 0, source[3], 0x08, 0x00]
        return ethernet + ip + icmp
    }

    /// The Internet checksum (RFC 1071).
    static func checksum(_ bytes: [UInt8]) -> UInt16 {
        var sum: UInt32 = 0
        var index = 0
        while index + 1 < bytes.count {
            sum += UInt32(bytes[index]) << 8 | UInt32(bytes[index + 1])
            index += 2
        }
        if index < bytes.count { sum += UInt32(bytes[index]) << 8 }
        while sum > 0xFFFF { sum = (sum & 0xFFFF) + (sum >> 16) }
        return ~UInt16(sum)
    }
}

/// Deterministic randomness, so a failing fuzz or chunking case can be replayed.
struct SplitMix: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
