import TestSupport
import Testing
@testable import AKSNetLab

/// The lab's SPDY/3.1 pieces: frames cut from any chunking, header blocks through two zlib
/// streams with the SPDY dictionary (as between kubectl and a kubelet), garbage refused.
struct SPDYTests {
    @Test func framesAndHeadersRoundTrip() throws {
        let client = SPDYHeaderCodec(), server = SPDYHeaderCodec()
        var bytes: [UInt8] = []
        for (id, type) in [(UInt32(1), "error"), (3, "data")] {
            let block = try client.encode([("streamType", type), ("port", "8080"), ("requestID", "0")])
            bytes += SPDYFrame.synStream(streamID: id, flags: 0, headerBlock: block).encoded
        }
        bytes += SPDYFrame.data(streamID: 3, flags: SPDYFrame.finFlag, payload: Array("GET /".utf8)).encoded
        bytes += SPDYFrame.ping(id: 7).encoded
        var reader = SPDYFrameReader()
        var frames: [SPDYFrame] = []
        for byte in bytes { frames += try reader.push([byte]) }
        #expect(frames.count == 4)
        guard case .synStream(3, _, let block)? = frames.dropFirst().first else {
            Issue.record("no second SYN_STREAM: \(frames)")
            return
        }
        guard case .synStream(1, _, let first)? = frames.first else {
            Issue.record("no first SYN_STREAM: \(frames)")
            return
        }
        _ = try server.decode(first)  // the zlib stream spans blocks: decode in order
        let headers = try server.decode(block)
        #expect(headers["streamtype"] == ["data"] && headers["port"] == ["8080"] && headers["requestid"] == ["0"])
        #expect(frames[2] == .data(streamID: 3, flags: SPDYFrame.finFlag, payload: Array("GET /".utf8)))
        #expect(frames[3] == .ping(id: 7))
        #expect(SPDYDictionary.bytes.count == 1423)
    }

    @Test func garbageIsRefusedNotTrapped() {
        var rng = SplitMix(state: 0x5bd1)
        var (framesRefused, headersRefused, framesRead) = (0, 0, 0)
        for _ in 0..<5_000 {
            var reader = SPDYFrameReader(maxFrame: 4096)
            let noise = (0..<Int.random(in: 0..<200, using: &rng)).map { _ in UInt8.random(in: 0...255, using: &rng) }
            // Refused means an SPDYError (or zlib's word for a bad header block), never another kind of failure.
            do { framesRead += try reader.push(noise).count } catch is SPDYError { framesRefused += 1 } catch {
                Issue.record("frame reader threw \(type(of: error)): \(error)")
            }
            do { _ = try SPDYHeaderCodec().decode(noise) } catch { headersRefused += 1 }
        }
        #expect(framesRefused > 0, "noise must be refused at times (read \(framesRead) frames)")
        #expect(headersRefused > 4_900, "noise is not a zlib header block: \(headersRefused) of 5000 refused")
        var wrongVersion = SPDYFrameReader()
        #expect(throws: SPDYError.self) { try wrongVersion.push([0x80, 0x02, 0x00, 0x01, 0, 0, 0, 0]) }
    }
}
