import KubeWire
import Testing

/// Classic pcap as tcpdump writes it with `-w -`: byte tables in both byte
/// orders and both timestamp resolutions, any chunking, cut streams, bad input.
struct PcapStreamReaderTests {
    /// Little-endian, microseconds, snaplen 262144, Ethernet; two records.
    static let littleMicro: [UInt8] = [
        0xD4, 0xC3, 0xB2, 0xA1, 0x02, 0x00, 0x04, 0x00, 0, 0, 0, 0, 0, 0, 0, 0,
        0x00, 0x00, 0x04, 0x00, 0x01, 0x00, 0x00, 0x00,
        0x00, 0x10, 0x5E, 0x5F, 0x40, 0xE2, 0x01, 0x00, 0x04, 0, 0, 0, 0x3C, 0, 0, 0, 0xDE, 0xAD, 0xBE, 0xEF,
        0x01, 0x10, 0x5E, 0x5F, 0x3F, 0x42, 0x0F, 0x00, 0x01, 0, 0, 0, 0x01, 0, 0, 0, 0x42,
    ]
    /// Big-endian, nanoseconds, snaplen 65535, Linux cooked; two records.
    static let bigNano: [UInt8] = [
        0xA1, 0xB2, 0x3C, 0x4D, 0x00, 0x02, 0x00, 0x04, 0, 0, 0, 0, 0, 0, 0, 0,
        0x00, 0x00, 0xFF, 0xFF, 0x00, 0x00, 0x00, 0x71,
        0x5F, 0x5E, 0x10, 0x00, 0x07, 0x5B, 0xCD, 0x15, 0, 0, 0, 0x04, 0, 0, 0, 0x3C, 0xDE, 0xAD, 0xBE, 0xEF,
        0x5F, 0x5E, 0x10, 0x01, 0x3B, 0x9A, 0xC9, 0xFF, 0, 0, 0, 0x01, 0, 0, 0, 0x01, 0x42,
    ]

    /// The same two records in any byte order and resolution, laid out field by field.
    static func stream(bigEndian: Bool, nanosecond: Bool, snaplen: UInt32 = 262_144, linkType: UInt32 = 1) -> [UInt8] {
        func u32(_ v: UInt32) -> [UInt8] {
            let le = [UInt8(v & 0xFF), UInt8(v >> 8 & 0xFF), UInt8(v >> 16 & 0xFF), UInt8(v >> 24)]
            return bigEndian ? le.reversed() : le
        }
        func u16(_ v: UInt16) -> [UInt8] { bigEndian ? [UInt8(v >> 8), UInt8(v & 0xFF)] : [UInt8(v & 0xFF), UInt8(v >> 8)] }
        var bytes = u32(nanosecond ? 0xA1B2_3C4D : 0xA1B2_C3D4) + u16(2) + u16(4) + u32(0) + u32(0) + u32(snaplen) + u32(linkType)
        bytes += u32(1_600_000_000) + u32(nanosecond ? 123_456_789 : 123_456) + u32(4) + u32(60) + [0xDE, 0xAD, 0xBE, 0xEF]
        bytes += u32(1_600_000_001) + u32(nanosecond ? 999_999_999 : 999_999) + u32(1) + u32(1) + [0x42]
        return bytes
    }

    static func expected(nanosecond: Bool) -> [CapturedPacket] {
        [
            CapturedPacket(timestampNanos: nanosecond ? 1_600_000_000_123_456_789 : 1_600_000_000_123_456_000,
                           originalLength: 60, data: [0xDE, 0xAD, 0xBE, 0xEF]),
            CapturedPacket(timestampNanos: nanosecond ? 1_600_000_001_999_999_999 : 1_600_000_001_999_999_000,
                           originalLength: 1, data: [0x42]),
        ]
    }

    /// Feeds `bytes` in the given chunk sizes, taking packets after each chunk.
    static func read(_ bytes: [UInt8], chunks: [Int]? = nil, reader: inout PcapStreamReader) throws -> [CapturedPacket] {
        var packets: [CapturedPacket] = []
        var position = 0
        var sizes = (chunks ?? [bytes.count]).makeIterator()
        while position < bytes.count {
            let size = max(1, sizes.next() ?? bytes.count)
            let end = min(bytes.count, position + size)
            try reader.feed(bytes[position..<end])
            position = end
            while let packet = try reader.next() { packets.append(packet) }
        }
        return packets
    }

    @Test func handBuiltTablesMatchTheFieldLayout() {
        #expect(Self.stream(bigEndian: false, nanosecond: false) == Self.littleMicro)
        #expect(Self.stream(bigEndian: true, nanosecond: true, snaplen: 65535, linkType: 113) == Self.bigNano)
    }

    @Test func littleEndianMicroseconds() throws {
        var reader = PcapStreamReader()
        #expect(try Self.read(Self.littleMicro, reader: &reader) == Self.expected(nanosecond: false))
        #expect(reader.header == PcapFileHeader(linkType: 1, snaplen: 262_144, nanosecond: false, bigEndian: false))
        #expect(reader.bufferedBytes == 0)
    }

    @Test func bigEndianNanoseconds() throws {
        var reader = PcapStreamReader()
        #expect(try Self.read(Self.bigNano, reader: &reader) == Self.expected(nanosecond: true))
        #expect(reader.header == PcapFileHeader(linkType: 113, snaplen: 65535, nanosecond: true, bigEndian: true,
                                                 versionMajor: 2, versionMinor: 4))
    }

    @Test(arguments: [(false, false), (false, true), (true, false), (true, true)])
    func everyOrderAndResolutionAnyChunking(bigEndian: Bool, nanosecond: Bool) throws {
        let bytes = Self.stream(bigEndian: bigEndian, nanosecond: nanosecond)
        let expected = Self.expected(nanosecond: nanosecond)
        var whole = PcapStreamReader()
        #expect(try Self.read(bytes, reader: &whole) == expected)
        #expect(whole.header?.bigEndian == bigEndian && whole.header?.nanosecond == nanosecond)

        var byteByByte = PcapStreamReader()
        #expect(try Self.read(bytes, chunks: Array(repeating: 1, count: bytes.count), reader: &byteByByte) == expected)

        var rng = SplitMix(state: bigEndian ? 11 : 22)
        for _ in 0..<200 {
            var reader = PcapStreamReader()
            let chunks = (0..<bytes.count).map { _ in Int.random(in: 1...17, using: &rng) }
            #expect(try Self.read(bytes, chunks: chunks, reader: &reader) == expected)
            #expect(reader.bufferedBytes == 0)
        }
    }

    @Test func headerArrivesBeforeAnyPacket() throws {
        var reader = PcapStreamReader()
        try reader.feed(Self.littleMicro.prefix(23))
        #expect(try reader.next() == nil)
        #expect(reader.header == nil)
        try reader.feed(Self.littleMicro[23..<24])
        #expect(try reader.next() == nil)
        #expect(reader.header?.snaplen == 262_144)
        #expect(reader.bufferedBytes == 0)
    }

    @Test func streamCutMidRecordHoldsThePartialRecord() throws {
        // Cut inside the first record's body, then inside the second record's header.
        for cut in [24 + 16 + 2, 24 + 20 + 5] {
            var reader = PcapStreamReader()
            let packets = try Self.read(Array(Self.littleMicro.prefix(cut)), reader: &reader)
            #expect(packets.count == (cut > 44 ? 1 : 0))
            #expect(reader.bufferedBytes == (cut > 44 ? cut - 44 : cut - 24))
            #expect(reader.bufferedBytes > 0)
            // The rest of the stream completes it.
            try reader.feed(Self.littleMicro[cut...])
            var rest: [CapturedPacket] = []
            while let packet = try reader.next() { rest.append(packet) }
            #expect(packets + rest == Self.expected(nanosecond: false))
        }
    }

    @Test func pcapngAndGarbageAreNotPcap() throws {
        var reader = PcapStreamReader()
        try reader.feed([0x0A, 0x0D, 0x0D, 0x0A] + Array(repeating: 0, count: 20))
        #expect(throws: PcapError.self) { try reader.next() }
        do {
            _ = try reader.next()
            Issue.record("a failed reader must stay failed")
        } catch {
            #expect(error.isBadMagic)
            #expect(error.description == "pcap: the stream is pcapng, not classic pcap")
        }
        #expect(throws: PcapError.self) { try reader.feed([1, 2, 3]) }

        // tcpdump's own error text instead of a capture fails on its first four bytes.
        var garbage = PcapStreamReader()
        try garbage.feed(Array("tcpd".utf8))
        let error = #expect(throws: PcapError.self) { try garbage.next() }
        #expect(error?.description == "pcap: not a pcap stream (first bytes 0x74637064)")
        var short = PcapStreamReader()
        try short.feed([0xD4, 0xC3, 0xB2])
        #expect(try short.next() == nil, "three bytes of a valid magic: wait")
    }

    @Test func recordClaimingFourGigabytesFailsWithoutWaitingOrAllocating() throws {
        var reader = PcapStreamReader()
        var bytes = Array(Self.littleMicro.prefix(24))
        bytes += [0, 0, 0, 0, 0, 0, 0, 0, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF]
        try reader.feed(bytes)
        do {
            _ = try reader.next()
            Issue.record("a 4 GB record was accepted")
        } catch {
            #expect(error.isRecordTooLarge)
            #expect(reader.bufferedBytes == 16)
        }
    }

    @Test func recordLargerThanSnaplenOrMaxPacket() throws {
        // snaplen 65535 in the header: a 65536-byte record is impossible from tcpdump.
        var header = Self.stream(bigEndian: true, nanosecond: true, snaplen: 65535).prefix(24)
        header += [0, 0, 0, 0, 0, 0, 0, 0, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00]
        var bySnaplen = PcapStreamReader()
        try bySnaplen.feed(header)
        #expect(throws: PcapError.self) { try bySnaplen.next() }

        // maxPacket binds below the header's snaplen.
        var byLimit = PcapStreamReader(maxPacket: 3)
        try byLimit.feed(Self.littleMicro)
        #expect(throws: PcapError.self) { try byLimit.next() }
    }

    @Test func feedingWithoutReadingIsBounded() throws {
        var reader = PcapStreamReader(maxPacket: 100, maxBuffered: 1000)
        try reader.feed(Array(repeating: 0, count: 1000))
        do {
            try reader.feed([0])
            Issue.record("the backlog grew past its limit")
        } catch {
            #expect(error.isBacklogFull)
        }
        #expect(reader.bufferedBytes == 1000)
    }

    @Test func unsupportedVersion() throws {
        var bytes = Self.littleMicro
        bytes[4] = 1
        var reader = PcapStreamReader()
        try reader.feed(bytes)
        #expect(throws: PcapError.self) { try reader.next() }
    }
}
