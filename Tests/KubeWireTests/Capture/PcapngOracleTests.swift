import Foundation
import KubeWire
import Testing

/// pcapng and pcap output read back by Wireshark's tshark and capinfos.
@Suite(.enabled(if: WiresharkOracle.available, "tshark is not installed"))
struct PcapngOracleTests {
    struct Capture {
        var bytes: [UInt8] = []
        /// Byte offsets where a block ends: the only places sniff's output can stop.
        var blockEnds: [Int] = []
        /// (interface name, ICMP sequence) of each packet, in file order.
        var packets: [(name: String, sequence: UInt16)] = []

        mutating func append(_ block: [UInt8]) {
            bytes += block
            blockEnds.append(bytes.count)
        }
    }

    static let base: UInt64 = 1_700_000_000_000_000_000

    /// Three targets; node/n1 starts after the pods' packets are already written.
    static func threeTargets() throws -> Capture {
        var writer = PcapngWriter()
        var capture = Capture()
        capture.append(writer.start())
        let names = ["pod/default/a", "pod/default/b", "node/n1"]
        var interfaces: [PcapngInterface] = []
        var sequence: [UInt16] = [0, 0, 0]
        func describe(_ index: Int) {
            let added = writer.addInterface(name: names[index], description: index == 2 ? "eth0 on aks-nodepool1-0" : nil,
                                            linkType: PcapLinkType.ethernet, snaplen: 262_144, filter: "icmp")
            #expect(added.interface.id == UInt32(index))
            interfaces.append(added.interface)
            capture.append(added.bytes)
        }
        func send(_ index: Int, at offset: UInt64) throws {
            sequence[index] += 1
            let frame = PacketBytes.icmpEcho(from: [10, 244, UInt8(index), 5], to: [10, 244, 9, 9], id: 0x77, sequence: sequence[index])
            let packet = CapturedPacket(timestampNanos: base + offset, data: frame)
            capture.append(try writer.packet(packet, interface: interfaces[index]))
            capture.packets.append((names[index], sequence[index]))
        }
        describe(0)
        describe(1)
        try send(0, at: 1)
        try send(1, at: 2)
        try send(0, at: 1_000)
        try send(1, at: 2_000)
        try send(0, at: 3_000)
        describe(2)
        for offset in [4_000, 5_000, 6_000, 1_000_000_007] as [UInt64] { try send(2, at: offset) }
        for index in 0..<3 {
            let count = UInt64(capture.packets.filter { $0.name == names[index] }.count)
            capture.append(try writer.statistics(interface: interfaces[index], timestampNanos: base + 2_000_000_000,
                                                 received: count + 1, dropped: UInt64(index),
                                                 comment: "tcpdump: \(count) packets captured"))
        }
        return capture
    }

    @Test func tsharkReadsInterfaceNamesAndCounts() throws {
        let capture = try Self.threeTargets()
        let directory = try WiresharkOracle.directory()
        defer { WiresharkOracle.remove(directory) }
        let path = try WiresharkOracle.file(capture.bytes, name: "three.pcapng", in: directory)

        let fields = try WiresharkOracle.run(WiresharkOracle.tshark, [
            "-r", path, "-T", "fields", "-E", "separator=|",
            "-e", "frame.interface_id", "-e", "frame.interface_name", "-e", "icmp.seq", "-e", "frame.time_epoch", "-e", "ip.src",
        ])
        #expect(fields.status == 0 && !fields.timedOut, "\(fields)")
        #expect(fields.stderr.isEmpty, "\(fields.stderr)")
        let rows = WiresharkOracle.lines(fields.stdout).map { $0.split(separator: "|", omittingEmptySubsequences: false).map(String.init) }
        #expect(rows.count == 9)
        #expect(rows.map { $0[1] } == capture.packets.map(\.name))
        #expect(rows.map { $0[2] } == capture.packets.map { String($0.sequence) })
        #expect(rows.map { $0[0] } == ["0", "1", "0", "1", "0", "2", "2", "2", "2"])
        #expect(rows.first?[3] == "1700000000.000000001", "nanosecond timestamps (if_tsresol 9)")
        #expect(rows.last?[3] == "1700000001.000000007", "the high word of the timestamp is used")
        #expect(rows.map { $0[4] }.last == "10.244.2.5")
        for (name, count) in [("pod/default/a", 3), ("pod/default/b", 2), ("node/n1", 4)] {
            #expect(rows.filter { $0[1] == name }.count == count, "\(name)")
        }

        // Every frame dissects as a valid ICMP echo: no expert-info errors or malformed packets.
        let errors = try WiresharkOracle.run(WiresharkOracle.tshark, ["-r", path, "-Y", "_ws.malformed || _ws.expert.severity >= 6 || icmp.checksum.status != 1"])
        #expect(errors.status == 0 && errors.stderr.isEmpty, "\(errors)")
        #expect(errors.stdout.isEmpty, "\(errors.stdout)")

        let info = try WiresharkOracle.run(WiresharkOracle.capinfos, ["-t", "-c", "-I", "-l", path])
        #expect(info.status == 0 && info.stderr.isEmpty, "\(info)")
        #expect(info.stdout.contains("pcapng"))
        #expect(info.stdout.contains("Number of packets:   9") || info.stdout.contains("Number of packets:    9"), "\(info.stdout)")
        #expect(info.stdout.contains("Number of interfaces in file: 3"), "\(info.stdout)")
        // capinfos -I: one section per IDB, with the packets counted against it and its ISB.
        let sections = info.stdout.components(separatedBy: "Interface #").dropFirst()
        #expect(sections.count == 3)
        for (section, (name, count)) in zip(sections, [("pod/default/a", 3), ("pod/default/b", 2), ("node/n1", 4)]) {
            let lines = Set(section.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) })
            for line in ["Name = \(name)", "Number of packets = \(count)", "Number of stat entries = 1",
                         "Time precision = nanoseconds (9)", "Encapsulation = Ethernet (1 - ether)", "Filter string = icmp"] {
                #expect(lines.contains(line), "\(line) in \(section)")
            }
        }
        #expect(sections.last?.contains("Description = eth0 on aks-nodepool1-0") == true)
    }

    @Test func aStreamCutAtAnyBlockBoundaryIsAValidFile() throws {
        let capture = try Self.threeTargets()
        let directory = try WiresharkOracle.directory()
        defer { WiresharkOracle.remove(directory) }
        // Blocks: SHB, IDB a, IDB b, 5 pod packets, IDB n1, 4 node packets, 3 ISBs. Cut after the
        // SHB (an empty capture), after an IDB, just before and after node/n1 joins, before the ISBs.
        #expect(capture.blockEnds.count == 16)
        let cuts: [(end: Int, packets: Int)] = [
            (capture.blockEnds[0], 0), (capture.blockEnds[1], 0), (capture.blockEnds[7], 5),
            (capture.blockEnds[8], 5), (capture.blockEnds[9], 6), (capture.blockEnds[12], 9), (capture.bytes.count, 9),
        ]
        for cut in cuts {
            let path = try WiresharkOracle.file(Array(capture.bytes.prefix(cut.end)), name: "cut-\(cut.end).pcapng", in: directory)
            let result = try WiresharkOracle.run(WiresharkOracle.tshark, ["-r", path, "-T", "fields", "-e", "frame.number"])
            #expect(result.status == 0 && result.stderr.isEmpty, "cut at \(cut.end): \(result)")
            #expect(WiresharkOracle.lines(result.stdout).count == cut.packets, "cut at \(cut.end)")
        }
        // The contrast: a cut inside a block is what tshark does complain about.
        let torn = try WiresharkOracle.file(Array(capture.bytes.prefix(capture.blockEnds[9] + 10)), name: "torn.pcapng", in: directory)
        let result = try WiresharkOracle.run(WiresharkOracle.tshark, ["-r", torn, "-T", "fields", "-e", "frame.number"])
        #expect(result.status != 0 || !result.stderr.isEmpty, "\(result)")
    }

    @Test func classicPcapReadByTsharkAndByOurReader() throws {
        var writer = PcapWriter(linkType: PcapLinkType.ethernet, snaplen: 64)
        var bytes = writer.start()
        #expect(writer.start().isEmpty, "the header is written once")
        let long = PacketBytes.icmpEcho(from: [10, 0, 0, 1], to: [10, 0, 0, 2], id: 1, sequence: 3,
                                        payload: Array(repeating: 0x61, count: 100))
        let packets = [
            CapturedPacket(timestampNanos: Self.base + 123_456_789,
                           data: PacketBytes.icmpEcho(from: [10, 0, 0, 1], to: [10, 0, 0, 2], id: 1, sequence: 1)),
            CapturedPacket(timestampNanos: Self.base + 1_000_000_001,
                           data: PacketBytes.icmpEcho(from: [10, 0, 0, 2], to: [10, 0, 0, 1], id: 1, sequence: 1, reply: true)),
            CapturedPacket(timestampNanos: Self.base + 2_000_000_000, data: long),
        ]
        for packet in packets { bytes += writer.packet(packet) }

        let directory = try WiresharkOracle.directory()
        defer { WiresharkOracle.remove(directory) }
        let path = try WiresharkOracle.file(bytes, name: "single.pcap", in: directory)
        let fields = try WiresharkOracle.run(WiresharkOracle.tshark, [
            "-r", path, "-T", "fields", "-E", "separator=|",
            "-e", "frame.time_epoch", "-e", "frame.len", "-e", "frame.cap_len", "-e", "icmp.type",
        ])
        #expect(fields.status == 0 && fields.stderr.isEmpty, "\(fields)")
        #expect(WiresharkOracle.lines(fields.stdout) == [
            "1700000000.123456789|61|61|8",
            "1700000001.000000001|61|61|0",
            "1700000002.000000000|142|64|8",
        ])
        let info = try WiresharkOracle.run(WiresharkOracle.capinfos, ["-t", "-l", "-E", path])
        #expect(info.status == 0 && info.stderr.isEmpty, "\(info)")
        #expect(info.stdout.contains("nanosecond"), "\(info.stdout)")
        #expect(info.stdout.contains("64 bytes"), "\(info.stdout)")

        // Our reader sees what we wrote: nanoseconds kept, the long frame cut to the snaplen.
        var reader = PcapStreamReader()
        try reader.feed(bytes)
        var read: [CapturedPacket] = []
        while let packet = try reader.next() { read.append(packet) }
        #expect(read.count == 3)
        #expect(read.prefix(2) == packets.prefix(2))
        #expect(read.last == CapturedPacket(timestampNanos: Self.base + 2_000_000_000, originalLength: 142, data: Array(long.prefix(64))))
        #expect(reader.header == PcapFileHeader(linkType: 1, snaplen: 64, nanosecond: true, bigEndian: false))
    }
}
