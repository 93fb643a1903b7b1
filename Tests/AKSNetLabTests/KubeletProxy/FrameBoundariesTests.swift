import KubeWire
import NIOCore
import Testing
@testable import AKSNetLab

/// The relay's `stream-drop` cut point: the end of the first frame that reaches the limit, found
/// from the frame headers whatever the chunking (7-bit, 16-bit and 64-bit lengths, masked or not).
struct FrameBoundariesTests {
    static let sizes = [0, 1, 125, 126, 300, 65535, 65536, 70000]

    func stream(masked: Bool) -> (bytes: [UInt8], ends: [Int]) {
        var bytes: [UInt8] = []
        var ends: [Int] = []
        for size in Self.sizes {
            let frame = WebSocketFrame(opcode: .binary, payload: [UInt8](repeating: 7, count: size))
            bytes += frame.encoded(maskKey: masked ? [1, 2, 3, 4] : nil)
            ends.append(bytes.count)
        }
        return (bytes, ends)
    }

    @Test(arguments: [2, 3, 1000, 1 << 20])
    func cutPointWhateverTheChunking(chunk: Int) {
        for masked in [false, true] {
            let (bytes, ends) = stream(masked: masked)
            for limit in [1, 2, 130, 500, 66_000, ends[5], ends[5] + 1] {
                var frames = FrameBoundaries(limit: limit)
                var offset = 0
                while offset < bytes.count {
                    let piece = ByteBuffer(bytes: bytes[offset..<min(bytes.count, offset + chunk)])
                    frames.feed(piece.readableBytesView)
                    offset += chunk
                }
                #expect(frames.cutPoint == ends.first { $0 >= limit }, "limit \(limit), chunk \(chunk), masked \(masked)")
            }
        }
    }
}
