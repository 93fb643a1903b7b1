import KubeWire
import Testing

/// 100,000 random and mutated pcap streams in random chunks: the reader returns
/// packets or an error, never traps, and never holds more than one record.
struct PcapReaderFuzzTests {
    static let maxPacket = 2048

    /// `count` random bytes, eight per draw (the fuzz loop runs in a debug build).
    static func noise(_ count: Int, _ rng: inout SplitMix) -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(count + 8)
        while bytes.count < count {
            let word = rng.next()
            for shift in stride(from: 0, to: 64, by: 8) { bytes.append(UInt8(truncatingIfNeeded: word >> UInt64(shift))) }
        }
        bytes.removeLast(bytes.count - count)
        return bytes
    }

    static func randomStream(_ rng: inout SplitMix, round: Int) -> [UInt8] {
        let bigEndian = Bool.random(using: &rng)
        let nanosecond = Bool.random(using: &rng)
        func u32(_ v: UInt32) -> [UInt8] {
            let le = [UInt8(v & 0xFF), UInt8(v >> 8 & 0xFF), UInt8(v >> 16 & 0xFF), UInt8(v >> 24)]
            return bigEndian ? le.reversed() : le
        }
        let snaplen: UInt32 = [0, 64, 1500, 65535, 262_144, UInt32.max].randomElement(using: &rng) ?? 0
        var stream = u32(nanosecond ? 0xA1B2_3C4D : 0xA1B2_C3D4) + (bigEndian ? [0, 2, 0, 4] : [2, 0, 4, 0])
        stream += u32(0) + u32(0) + u32(snaplen) + u32(UInt32.random(in: 0...300, using: &rng))
        for _ in 0..<Int.random(in: 0...5, using: &rng) {
            let size = Int.random(in: 0...80, using: &rng)
            // Sometimes a length field from anywhere in 32 bits, the way corruption looks, or one
            // near the limit, so that the reader waits for a body that never comes.
            let claimed: UInt32
            switch Int.random(in: 0..<16, using: &rng) {
            case 0, 1: claimed = UInt32.random(in: 0...UInt32.max, using: &rng)
            case 2: claimed = UInt32.random(in: 0...UInt32(2 * maxPacket), using: &rng)
            default: claimed = UInt32(size)
            }
            stream += u32(UInt32.random(in: 0...UInt32.max, using: &rng)) + u32(UInt32.random(in: 0...UInt32.max, using: &rng))
            stream += u32(claimed) + u32(UInt32.random(in: 0...UInt32.max, using: &rng))
            stream += noise(size, &rng)
        }
        for _ in 0..<Int.random(in: 0...3, using: &rng) where !stream.isEmpty {
            stream[Int.random(in: 0..<stream.count, using: &rng)] = UInt8.random(in: 0...255, using: &rng)
        }
        if Int.random(in: 0..<4, using: &rng) == 0 { stream = Array(stream.prefix(Int.random(in: 0...stream.count, using: &rng))) }
        if round % 10 == 0 { stream = noise(Int.random(in: 0...96, using: &rng), &rng) }
        return stream
    }

    @Test func hundredThousandInputsNoCrashBoundedMemory() {
        var rng = SplitMix(state: 0xA1B2_C3D4)
        var errors = 0
        var packets = 0
        var largestHeld = 0
        var largestPacket = 0
        let clock = ContinuousClock()
        let start = clock.now
        for round in 0..<100_000 {
            let stream = Self.randomStream(&rng, round: round)
            var reader = PcapStreamReader(maxPacket: Self.maxPacket, maxBuffered: 4 * Self.maxPacket)
            var position = 0
            do {
                while position < stream.count {
                    let end = min(stream.count, position + Int.random(in: 1...64, using: &rng))
                    try reader.feed(stream[position..<end])
                    position = end
                    while let packet = try reader.next() {
                        packets += 1
                        largestPacket = max(largestPacket, packet.data.count)
                    }
                    largestHeld = max(largestHeld, reader.bufferedBytes)
                }
            } catch {
                errors += 1
            }
        }
        let elapsed = clock.now - start
        print("pcap fuzz: 100000 inputs, \(packets) packets, \(errors) errors, largest held \(largestHeld) B, \(elapsed)")
        // Drained after every chunk: at most a file header, or one record header and body, is held.
        #expect(largestHeld <= 16 + Self.maxPacket)
        #expect(largestPacket <= Self.maxPacket)
        #expect(errors > 10_000 && packets > 50_000, "\(errors) errors, \(packets) packets")
    }
}
