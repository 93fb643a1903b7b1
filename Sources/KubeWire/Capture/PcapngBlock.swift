/// pcapng block and option framing (draft-ietf-opsawg-pcapng), little-endian.
/// Every block is written whole, so a stream cut between two blocks is a valid file.
enum PcapngBlock {
    static let sectionHeader: UInt32 = 0x0A0D_0D0A
    static let interfaceDescription: UInt32 = 0x0000_0001
    static let interfaceStatistics: UInt32 = 0x0000_0005
    static let enhancedPacket: UInt32 = 0x0000_0006
    static let byteOrderMagic: UInt32 = 0x1A2B_3C4D

    /// type, total length, body (padded), options, total length again.
    static func encode(type: UInt32, body: [UInt8], options: [UInt8]) -> [UInt8] {
        var block: [UInt8] = []
        let total = 12 + body.count + options.count
        block.reserveCapacity(total)
        block.appendLittleEndian(type)
        block.appendLittleEndian(UInt32(total))
        block += body
        block += options
        block.appendLittleEndian(UInt32(total))
        return block
    }
}

/// Options of one block: each is code, length, value padded to four bytes;
/// the list ends with opt_endofopt. No options at all is written as nothing.
struct PcapngOptions {
    static let comment: UInt16 = 1
    private(set) var bytes: [UInt8] = []

    mutating func add(_ code: UInt16, _ value: [UInt8]) {
        // An option's length field is 16 bits; values sniff writes never come close.
        let value = value.count > 0xFFFF ? Array(value.prefix(0xFFFF)) : value
        bytes.appendLittleEndian(code)
        bytes.appendLittleEndian(UInt16(value.count))
        bytes += value
        bytes.padToFour()
    }

    mutating func add(_ code: UInt16, _ text: String?) {
        guard let text, !text.isEmpty else { return }
        add(code, Self.utf8Prefix(text, maxBytes: 0xFFFF))
    }

    mutating func add(_ code: UInt16, _ value: UInt64?) {
        guard let value else { return }
        var encoded: [UInt8] = []
        encoded.appendLittleEndian(value)
        add(code, encoded)
    }

    /// The options with their terminator, or nothing when there are none.
    var encoded: [UInt8] { bytes.isEmpty ? [] : bytes + [0, 0, 0, 0] }

    /// The longest prefix of `text` that fits, cut on a character boundary so it stays valid UTF-8.
    static func utf8Prefix(_ text: String, maxBytes: Int) -> [UInt8] {
        if text.utf8.count <= maxBytes { return Array(text.utf8) }
        var result: [UInt8] = []
        for character in text {
            let encoded = Array(String(character).utf8)
            guard result.count + encoded.count <= maxBytes else { break }
            result += encoded
        }
        return result
    }
}
