import KubeWire
import Testing

/// pcapng blocks byte for byte (little-endian, 32-bit aligned, length at both ends).
struct PcapngWriterTests {
    static let sectionHeader: [UInt8] = [
        0x0A, 0x0D, 0x0D, 0x0A, 0x1C, 0, 0, 0, 0x4D, 0x3C, 0x2B, 0x1A, 0x01, 0x00, 0x00, 0x00,
        0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x1C, 0, 0, 0,
    ]

    @Test func sectionHeaderComesFirstAndOnce() throws {
        var writer = PcapngWriter(application: nil)
        let first = writer.addInterface(name: "pod/default/web", linkType: PcapLinkType.ethernet, snaplen: 262_144)
        #expect(Array(first.bytes.prefix(28)) == Self.sectionHeader)
        var description: [UInt8] = [0x01, 0, 0, 0, 0x34, 0, 0, 0]
        description += [0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x04, 0x00]  // Ethernet, reserved, snaplen 262144
        description += [0x02, 0x00, 0x0F, 0x00] + Array("pod/default/web".utf8) + [0]  // if_name, padded
        description += [0x09, 0x00, 0x01, 0x00, 0x09, 0, 0, 0]  // if_tsresol = 9
        description += [0, 0, 0, 0, 0x34, 0, 0, 0]  // opt_endofopt, length
        #expect(Array(first.bytes.dropFirst(28)) == description)
        #expect(writer.start().isEmpty)
        #expect(first.interface.id == 0)
    }

    @Test func applicationNameInTheSectionHeader() {
        var writer = PcapngWriter()
        let bytes = writer.start()
        #expect(bytes.count == 52)
        #expect(Array(bytes[24..<28]) == [0x04, 0x00, 0x0E, 0x00], "shb_userappl, 14 bytes")
        #expect(Array(bytes[28..<42]) == Array("kubectl-aksnet".utf8))
        #expect(Array(bytes.suffix(4)) == [52, 0, 0, 0])
    }

    @Test func enhancedPacketAndStatisticsBlocks() throws {
        var writer = PcapngWriter(application: nil)
        let web = writer.addInterface(name: "w", linkType: 1, snaplen: 0).interface
        let packet = CapturedPacket(timestampNanos: 0x0000_0001_0000_0002, originalLength: 60, data: [0xAA, 0xBB, 0xCC])
        #expect(try writer.packet(packet, interface: web) == [
            0x06, 0, 0, 0, 0x24, 0, 0, 0,
            0, 0, 0, 0,  // interface 0
            0x01, 0, 0, 0, 0x02, 0, 0, 0,  // timestamp high, low
            0x03, 0, 0, 0, 0x3C, 0, 0, 0,  // captured 3, original 60
            0xAA, 0xBB, 0xCC, 0x00,  // padded to 32 bits
            0x24, 0, 0, 0,
        ])
        #expect(try writer.statistics(interface: web, timestampNanos: 0x0000_0001_0000_0002, received: 5, dropped: nil) == [
            0x05, 0, 0, 0, 0x28, 0, 0, 0,
            0, 0, 0, 0, 0x01, 0, 0, 0, 0x02, 0, 0, 0,
            0x04, 0x00, 0x08, 0x00, 5, 0, 0, 0, 0, 0, 0, 0,  // isb_ifrecv = 5
            0, 0, 0, 0,
            0x28, 0, 0, 0,
        ])
    }

    @Test func packetsLongerThanTheSnaplenAreCut() throws {
        var writer = PcapngWriter()
        let small = writer.addInterface(name: "s", linkType: 1, snaplen: 2).interface
        let block = try writer.packet(CapturedPacket(timestampNanos: 0, data: [1, 2, 3, 4, 5]), interface: small)
        #expect(Array(block[20..<28]) == [2, 0, 0, 0, 5, 0, 0, 0], "captured 2 of 5")
        #expect(block.count == 36)
    }

    @Test func anInterfaceNeverDescribedIsAnError() {
        var one = PcapngWriter()
        var other = PcapngWriter()
        let foreign = one.addInterface(name: "a", linkType: 1, snaplen: 0).interface
        _ = one.addInterface(name: "b", linkType: 1, snaplen: 0)
        let second = one.addInterface(name: "c", linkType: 1, snaplen: 0).interface
        #expect(throws: PcapError.self) { try other.packet(CapturedPacket(timestampNanos: 0, data: []), interface: foreign) }
        _ = other.addInterface(name: "a", linkType: 1, snaplen: 0)
        #expect(throws: PcapError.self) { try other.statistics(interface: second, timestampNanos: 0, received: 1, dropped: 0) }
        #expect((try? other.packet(CapturedPacket(timestampNanos: 0, data: []), interface: foreign)) != nil)
    }

    @Test func longOptionValuesStayValidUTF8() {
        var writer = PcapngWriter(application: nil)
        let name = String(repeating: "é", count: 40_000)  // 80,000 bytes: more than an option holds
        let bytes = writer.addInterface(name: name, linkType: 1, snaplen: 0).bytes.dropFirst(28)
        let length = Int(bytes[bytes.startIndex + 18]) | Int(bytes[bytes.startIndex + 19]) << 8
        #expect(length == 65534, "cut on a character boundary below 65535")
        #expect(bytes.count % 4 == 0)
    }
}
