/// IPv4 addresses and CIDRs, enough for containment checks (which podCIDR an address is in,
/// whether a nonMasqueradeCIDR covers the pod range).
public struct IPv4Range: Sendable, Equatable, Hashable, CustomStringConvertible {
    public var network: UInt32
    public var prefix: Int

    public init?(_ text: String) {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count <= 2, let address = IPv4Range.address(String(parts[0])) else { return nil }
        let prefix = parts.count == 2 ? Int(parts[1]) : 32
        guard let prefix, (0...32).contains(prefix) else { return nil }
        self.prefix = prefix
        network = address & IPv4Range.mask(prefix)
    }

    public init(address: UInt32, prefix: Int) {
        self.prefix = max(0, min(32, prefix))
        network = address & IPv4Range.mask(self.prefix)
    }

    static func mask(_ prefix: Int) -> UInt32 { prefix == 0 ? 0 : UInt32.max << UInt32(32 - prefix) }

    public static func address(_ text: String) -> UInt32? {
        let octets = text.split(separator: ".", omittingEmptySubsequences: false)
        guard octets.count == 4 else { return nil }
        var value: UInt32 = 0
        for octet in octets {
            guard octet.count <= 3, let byte = UInt8(octet) else { return nil }
            value = value << 8 | UInt32(byte)
        }
        return value
    }

    public static func format(_ value: UInt32) -> String {
        "\(value >> 24).\(value >> 16 & 255).\(value >> 8 & 255).\(value & 255)"
    }

    public func contains(_ address: UInt32) -> Bool { address & IPv4Range.mask(prefix) == network }
    public func contains(_ address: String) -> Bool {
        let bare = address.split(separator: "/").first.map(String.init) ?? address
        return IPv4Range.address(bare).map(contains) ?? false
    }
    public func covers(_ other: IPv4Range) -> Bool { prefix <= other.prefix && contains(other.network) }

    public var description: String { "\(IPv4Range.format(network))/\(prefix)" }
}

enum IPText {
    static func isIPv6(_ text: String) -> Bool { text.contains(":") }
}
