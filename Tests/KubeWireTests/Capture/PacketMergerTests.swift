import KubeWire
import Testing

/// Several live sources merged into one time-ordered stream with a bounded delay.
struct PacketMergerTests {
    static func packet(_ nanos: UInt64, _ tag: UInt8 = 0) -> CapturedPacket {
        CapturedPacket(timestampNanos: nanos, data: [tag])
    }

    static func isOrdered(_ packets: [MergedPacket]) -> Bool {
        zip(packets, packets.dropFirst()).allSatisfy { $0.packet.timestampNanos <= $1.packet.timestampNanos }
    }

    @Test func interleavedSourcesComeOutInTimestampOrder() {
        // Three sources, each in order, arriving in bursts with their own delays.
        var rng = SplitMix(state: 42)
        var queues: [[UInt64]] = (0..<3).map { source in
            var t: UInt64 = 1_000_000_000 + UInt64(source) * 7
            return (0..<300).map { _ in
                t += UInt64.random(in: 1...3_000_000, using: &rng)
                return t
            }
        }
        var merger = PacketMerger(windowNanos: 250_000_000)
        var out: [MergedPacket] = []
        var now: UInt64 = 1_000_000_000
        while queues.contains(where: { !$0.isEmpty }) {
            let source = Int.random(in: 0..<3, using: &rng)
            // A burst: whatever the source captured up to `now` (its stream lags by under the window).
            while let first = queues[source].first, first <= now {
                #expect(merger.add(source: source, packet: Self.packet(first, UInt8(source))) == nil)
                queues[source].removeFirst()
            }
            now += 20_000_000
            let released = merger.drain(upTo: now)
            #expect(released.allSatisfy { $0.packet.timestampNanos < now - 250_000_000 })
            out += released
        }
        for source in 0..<3 { merger.finish(source: source) }
        out += merger.drain(upTo: now)
        #expect(out.count == 900)
        #expect(Self.isOrdered(out))
        #expect(merger.heldCount == 0)
        #expect(Set(out.map(\.source)) == [0, 1, 2])
    }

    @Test func aFinishedSourceDoesNotBlockTheOthers() {
        var merger = PacketMerger(windowNanos: 100)
        #expect(merger.add(source: 0, packet: Self.packet(10)) == nil)
        merger.finish(source: 0)
        #expect(merger.add(source: 1, packet: Self.packet(20, 1)) == nil)
        #expect(merger.add(source: 1, packet: Self.packet(500, 1)) == nil)
        #expect(!merger.allFinished)
        // Source 1 keeps streaming: the window releases by time, the finished source holds nothing back.
        #expect(merger.drain(upTo: 300).map(\.packet.timestampNanos) == [10, 20])
        #expect(merger.add(source: 1, packet: Self.packet(600, 1)) == nil)
        #expect(merger.drain(upTo: 650).map(\.packet.timestampNanos) == [500])
        // When the last one finishes, everything held comes out at once, whatever the clock says.
        merger.finish(source: 1)
        #expect(merger.allFinished)
        #expect(merger.drain(upTo: 0).map(\.packet.timestampNanos) == [600])
    }

    @Test func drainWithoutAClockReleasesEverythingInOrder() {
        var merger = PacketMerger()
        _ = merger.add(source: 2, packet: Self.packet(30, 1))
        _ = merger.add(source: 1, packet: Self.packet(10, 2))
        _ = merger.add(source: 2, packet: Self.packet(30, 3))
        _ = merger.add(source: 1, packet: Self.packet(20, 4))
        #expect(merger.drain(upTo: 100).isEmpty, "all within the window")
        let all = merger.drain(upTo: nil)
        #expect(all.map(\.packet.data) == [[2], [4], [1], [3]], "equal timestamps keep their arrival order")
        #expect(all.map(\.source) == [1, 1, 2, 2])
        #expect(merger.heldCount == 0)
    }

    @Test func capReleasesTheOldestAndBoundsMemory() {
        var merger = PacketMerger(windowNanos: 1_000_000_000, maxHeld: 10)
        var model: [UInt64] = []  // what should be held, by a plain sort
        var rng = SplitMix(state: 7)
        var evicted = 0
        for i in 0..<1000 {
            let t = UInt64.random(in: 0...1_000_000, using: &rng)
            model.append(t)
            model.sort()
            let oldest = merger.add(source: i % 4, packet: Self.packet(t))
            if model.count > 10 {
                #expect(oldest?.packet.timestampNanos == model.removeFirst())
                evicted += 1
            } else {
                #expect(oldest == nil)
            }
            #expect(merger.heldCount <= 10)
        }
        #expect(evicted == 990)
        #expect(merger.drain(upTo: nil).map(\.packet.timestampNanos) == model)
    }
}
