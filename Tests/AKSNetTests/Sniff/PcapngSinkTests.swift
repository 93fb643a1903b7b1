import AKSNet
import Foundation
import KubeWire
import TestSupport
import Testing

/// The merge path on real files, read back by capinfos and tshark: chunks of any size, two
/// sources interleaved, limits that never leave half a block.
@Suite struct PcapngSinkTests {
    static func stream(_ times: [UInt64], marker: UInt8) -> [UInt8] {
        var writer = PcapWriter(linkType: PcapLinkType.ethernet)
        var bytes = writer.start()
        for time in times { bytes += writer.packet(CapturedPacket(timestampNanos: time, data: [UInt8](repeating: marker, count: 60))) }
        return bytes
    }

    static func temporaryFile(_ name: String) -> String {
        NSTemporaryDirectory() + "aksnet-sink-\(getpid())-\(UInt32.random(in: 0...UInt32.max))-\(name)"
    }

    /// Feeds both streams in 7-byte chunks, alternating, then finishes and closes.
    static func run(_ sink: PcapngSink, _ streams: [[UInt8]]) {
        sink.start()
        var offsets = Array(repeating: 0, count: streams.count)
        while offsets.enumerated().contains(where: { $0.element < streams[$0.offset].count }) {
            for index in streams.indices where offsets[index] < streams[index].count {
                let end = min(offsets[index] + 7, streams[index].count)
                if !sink.deliver(Array(streams[index][offsets[index]..<end]), from: index) { offsets[index] = streams[index].count; continue }
                offsets[index] = end
            }
        }
        var report = TcpdumpReport()
        report.feed(Array("5 packets captured\n5 packets received by filter\n0 packets dropped by kernel\n".utf8))
        for index in streams.indices { sink.finish(index, report: report) }
        sink.close()
    }

    @Test func twoSourcesMergeInTimeOrderWithNamedInterfaces() throws {
        let path = Self.temporaryFile("two.pcapng")
        defer { unlink(path) }
        let base: UInt64 = 1_700_000_000_000_000_000
        let output = try CaptureOutput.open(.file(path))
        let sink = PcapngSink(output: output, names: ["pod/shop/web", "node/n1"], maxBytes: nil, maxPackets: nil)
        sink.setFilter(["icmp"], for: 0)
        Self.run(sink, [Self.stream([1, 3, 5, 7, 9].map { base + $0 * 1000 }, marker: 0xAA),
                        Self.stream([2, 4, 6, 8, 10].map { base + $0 * 1000 }, marker: 0xBB)])
        output.close()
        var info = stat()
        #expect(stat(path, &info) == 0 && info.st_mode & 0o777 == 0o600)
        let caps = try Shell.run("/usr/bin/capinfos", [path], timeout: 20)
        #expect(caps.status == 0 && caps.stdout.contains("Number of interfaces in file: 2"), "\(caps)")
        let fields = try Shell.run("/usr/bin/tshark", ["-r", path, "-T", "fields", "-e", "frame.interface_name", "-e", "frame.time_epoch"], timeout: 20)
        #expect(fields.status == 0, "\(fields)")
        let rows = fields.stdout.split(separator: "\n").map { $0.split(separator: "\t").map(String.init) }
        #expect(rows.map { $0.first ?? "" } == Array(repeating: ["pod/shop/web", "node/n1"], count: 5).flatMap { $0 })
        #expect(sink.totalPackets == 10 && sink.counters.map(\.packets) == [5, 5])
    }

    @Test func limitsCutOnWholeBlocks() throws {
        let times = (1...50).map { UInt64($0) * 1_000_000 + 1_700_000_000_000_000_000 }
        for (name, maxBytes, maxPackets) in [("size", Int64(1500), nil), ("count", nil, 7)] as [(String, Int64?, Int?)] {
            let path = Self.temporaryFile("\(name).pcapng")
            defer { unlink(path) }
            let output = try CaptureOutput.open(.file(path))
            let sink = PcapngSink(output: output, names: ["pod/a/b"], maxBytes: maxBytes, maxPackets: maxPackets)
            Self.run(sink, [Self.stream(times, marker: 1)])
            output.close()
            let read = try Shell.run("/usr/bin/tshark", ["-r", path], timeout: 20)
            #expect(read.status == 0, "\(name): \(read)")
            var info = stat()
            _ = stat(path, &info)
            if let maxBytes { #expect(Int64(info.st_size) <= maxBytes && sink.stopReason == .maxSize(maxBytes)) }
            if let maxPackets { #expect(sink.totalPackets == maxPackets && sink.stopReason == .count(maxPackets)) }
        }
    }

    @Test func anEmptyCaptureIsStillAFile() throws {
        let path = Self.temporaryFile("empty.pcapng")
        defer { unlink(path) }
        let output = try CaptureOutput.open(.file(path))
        let sink = PcapngSink(output: output, names: ["node/n1"], maxBytes: nil, maxPackets: nil)
        sink.start()
        sink.close()
        output.close()
        let read = try Shell.run("/usr/bin/capinfos", [path], timeout: 20)
        #expect(read.status == 0, "\(read)")
    }
}
