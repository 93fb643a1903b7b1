import TestSupport
import KubeWire
import Testing

/// 100,000 random and mutated byte streams: the decoder returns messages or
/// a protocol error, never traps, and never holds more than a frame's worth.
struct DecoderFuzzTests {
    @Test func hundredThousandInputsNoCrashBoundedMemory() {
        var rng = SplitMix(state: 6455)
        let limit = 64 * 1024
        var errors = 0
        var messages = 0
        for round in 0..<100_000 {
            var decoder = WebSocketDecoder(maxFrameSize: limit, maxMessageSize: 4 * limit, expectMasked: round % 2 == 1)
            var stream: [UInt8] = []
            // Valid frames, then mutations, sometimes pure noise.
            for _ in 0..<Int.random(in: 1...4, using: &rng) {
                let opcode: WebSocketOpcode = [.text, .binary, .ping, .continuation, .close][Int.random(in: 0..<5, using: &rng)]
                let size = opcode.isControl ? Int.random(in: 0...125, using: &rng) : Int.random(in: 0...300, using: &rng)
                let payload = (0..<size).map { _ in UInt8.random(in: 0...127, using: &rng) }
                let key: [UInt8]? = round % 2 == 1 ? (0..<4).map { _ in UInt8.random(in: 0...255, using: &rng) } : nil
                stream += WebSocketFrame(fin: Bool.random(using: &rng), opcode: opcode, payload: payload).encoded(maskKey: key)
            }
            for _ in 0..<Int.random(in: 0...3, using: &rng) where !stream.isEmpty {
                stream[Int.random(in: 0..<stream.count, using: &rng)] = UInt8.random(in: 0...255, using: &rng)
            }
            if round % 10 == 0 { stream = (0..<Int.random(in: 0...64, using: &rng)).map { _ in UInt8.random(in: 0...255, using: &rng) } }
            var position = 0
            do {
                while position < stream.count {
                    let chunk = Int.random(in: 1...64, using: &rng)
                    messages += try decoder.push(Array(stream[position..<min(stream.count, position + chunk)])).count
                    position += chunk
                    #expect(decoder.bufferedBytes <= 4 * limit + limit + 14)
                }
            } catch {
                errors += 1
            }
        }
        #expect(errors > 1000 && messages > 1000, "\(errors) errors, \(messages) messages")
    }
}
