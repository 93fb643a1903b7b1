/// Minimal IPv4/IPv6 value types: just what the lab's address plan needs.
public struct IPv4Address: Hashable, Codable, Sendable, Comparable, CustomStringConvertible {
    public var value: UInt32
    public init(_ value: UInt32) { self.value = value }
    public init?(_ text: String) {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4 else { return nil }
        var v: UInt32 = 0
        for part in parts {
            guard let octet = UInt8(part) else { return nil }
            v = v << 8 | UInt32(octet)
        }
        value = v
    }
    public var octets: [UInt8] { [24, 16, 8, 0].map { UInt8(truncatingIfNeeded: value >> $0) } }
    public var description: String { octets.map(String.init).joined(separator: ".") }
    public func advanced(by n: UInt32) -> IPv4Address { IPv4Address(value &+ n) }
    public static func < (a: IPv4Address, b: IPv4Address) -> Bool { a.value < b.value }

    public init(from decoder: Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let parsed = IPv4Address(text) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "bad IPv4 \(text)"))
        }
        self = parsed
    }
    public func encode(to encoder: Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(description)
    }
}

public struct IPv4CIDR: Hashable, Codable, Sendable, CustomStringConvertible {
    public var network: IPv4Address
    public var prefix: Int
    public init(_ network: IPv4Address, prefix: Int) {
        self.prefix = prefix
        self.network = IPv4Address(network.value & IPv4CIDR.mask(prefix))
    }
    public init?(_ text: String) {
        let parts = text.split(separator: "/")
        guard parts.count == 2, let address = IPv4Address(String(parts[0])), let p = Int(parts[1]), (0...32).contains(p) else { return nil }
        self.init(address, prefix: p)
    }
    static func mask(_ prefix: Int) -> UInt32 { prefix == 0 ? 0 : UInt32.max << UInt32(32 - prefix) }
    public var size: UInt32 { prefix == 0 ? UInt32.max : UInt32(1) << UInt32(32 - prefix) }
    public func contains(_ address: IPv4Address) -> Bool { address.value & IPv4CIDR.mask(prefix) == network.value }
    /// The n-th address of the range (0 is the network address).
    public func host(_ n: UInt32) -> IPv4Address { network.advanced(by: n) }
    /// The index-th subnet of the given prefix inside this range.
    public func subnet(prefix newPrefix: Int, index: UInt32) -> IPv4CIDR? {
        guard newPrefix >= prefix, newPrefix <= 32 else { return nil }
        let count = UInt64(1) << UInt64(newPrefix - prefix)
        guard UInt64(index) < count else { return nil }
        let step = UInt64(1) << UInt64(32 - newPrefix)
        return IPv4CIDR(IPv4Address(network.value &+ UInt32(truncatingIfNeeded: UInt64(index) * step)), prefix: newPrefix)
    }
    public var description: String { "\(network)/\(prefix)" }

    public init(from decoder: Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let parsed = IPv4CIDR(text) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "bad CIDR \(text)"))
        }
        self = parsed
    }
    public func encode(to encoder: Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(description)
    }
}

/// An IPv6 address as eight hextets; printed in RFC 5952 form as `ip` prints it.
public struct IPv6Address: Hashable, Sendable, CustomStringConvertible {
    public var hextets: [UInt16]
    /// Eight hextets; a shorter list is padded with zeros, a longer one cut.
    public init(_ hextets: [UInt16]) {
        self.hextets = Array((hextets + [UInt16](repeating: 0, count: 8)).prefix(8))
    }
    /// `prefix` hextets followed by zeros, with `suffix` as the last hextets.
    public init(prefix: [UInt16], suffix: [UInt16]) {
        var h = [UInt16](repeating: 0, count: 8)
        for (i, v) in prefix.prefix(8).enumerated() { h[i] = v }
        for (i, v) in suffix.suffix(8).reversed().enumerated() { h[7 - i] |= v }
        hextets = h
    }
    public var description: String {
        // Longest run of two or more zero hextets becomes "::".
        var best = (start: -1, length: 0), current = (start: -1, length: 0)
        for (i, h) in hextets.enumerated() {
            if h == 0 {
                current = current.start < 0 ? (i, 1) : (current.start, current.length + 1)
                if current.length > best.length { best = current }
            } else {
                current = (-1, 0)
            }
        }
        let hex = hextets.map { String($0, radix: 16) }
        guard best.length >= 2 else { return hex.joined(separator: ":") }
        let head = hex[..<best.start].joined(separator: ":")
        let tail = hex[(best.start + best.length)...].joined(separator: ":")
        return head + "::" + tail
    }
}
