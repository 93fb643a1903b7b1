import KubeModel
import KubeWire
import Testing

/// Byte tables captured from `kubectl-aksnet-lab` (raw bytes after the 101, read with a
/// TLS socket; Tests/Fixtures/capture_frames.py does it): our decoder and channel codecs
/// must read exactly what the lab server sends.
struct LabCapturedFramesTests {
    static func bytes(_ hex: String) -> [UInt8] {
        var out: [UInt8] = []
        var index = hex.startIndex
        while index < hex.endIndex {
            let next = hex.index(index, offsetBy: 2)
            out.append(UInt8(hex[index..<next], radix: 16) ?? 0)
            index = next
        }
        return out
    }

    /// `sh -c 'echo hi; echo err >&2; exit 3'`, v5.channel.k8s.io.
    static let execExitThree = bytes(
        "820101" + "82040168690a" + "8205026572720a" + "827e00d5" +
        "037b226d65746164617461223a7b7d2c22737461747573223a224661696c757265222c226d657373616765223a22636f6d6d616e64207465726d696e617465642077697468206e6f6e2d7a65726f206578697420636f64653a20636f6d6d616e64207465726d696e617465642077697468206578697420636f64652033222c22726561736f6e223a224e6f6e5a65726f45786974436f6465222c2264657461696c73223a7b22636175736573223a5b7b22726561736f6e223a2245786974436f6465222c226d657373616765223a2233227d5d7d7d" +
        "880203e8")

    /// `cat /nonexistent`, v4.channel.k8s.io: stderr, then exit code 1 on channel 3.
    static let execMissingFile = bytes(
        "820101" + "822e02636174" + "3a202f6e6f6e6578697374656e743a204e6f20737563682066696c65206f72206469726563746f72790a" +
        "827e00d5037b226d65746164617461223a7b7d2c22737461747573223a224661696c757265222c226d657373616765223a22636f6d6d616e64207465726d696e617465642077697468206e6f6e2d7a65726f206578697420636f64653a20636f6d6d616e64207465726d696e617465642077697468206578697420636f64652031222c22726561736f6e223a224e6f6e5a65726f45786974436f6465222c2264657461696c73223a7b22636175736573223a5b7b22726561736f6e223a2245786974436f6465222c226d657373616765223a2231227d5d7d7d" +
        "880203e8")

    /// port-forward to 8000 where nothing listens: both preambles, then the error channel's text.
    static let portForwardRefused = bytes(
        "820300401f" + "820301401f" + "827e0100" +
        "016572726f7220666f7277617264696e6720706f7274203830303020746f20706f6420742c20756964203a206661696c656420746f20636f6e6e65637420746f206c6f63616c686f73743a3830303020696e73696465206e616d65737061636520222f7661722f72756e2f6e65746e732f616b736c2d64386b7466632d706f642d742e64656661756c74222c20495076343a206469616c2074637034203132372e302e302e313a383030303a20636f6e6e6563743a20636f6e6e656374696f6e20726566757365642049507636206469616c20746370363a2061646472657373206c6f63616c686f73743a206e6f207375697461626c65206164647265737320" +
        "880203e8")

    /// Decodes `bytes` fed in chunks of `chunk` bytes (1 = byte by byte).
    static func messages(_ bytes: [UInt8], chunk: Int) throws -> [WebSocketMessage] {
        var decoder = WebSocketDecoder()
        var out: [WebSocketMessage] = []
        var offset = 0
        while offset < bytes.count {
            let end = min(offset + chunk, bytes.count)
            out += try decoder.push(Array(bytes[offset..<end]))
            offset = end
        }
        #expect(decoder.bufferedBytes == 0)
        return out
    }

    static func execEvents(_ messages: [WebSocketMessage]) -> (stdout: [UInt8], stderr: [UInt8], status: [UInt8], close: UInt16?) {
        var result: (stdout: [UInt8], stderr: [UInt8], status: [UInt8], close: UInt16?) = ([], [], [], nil)
        for message in messages {
            switch message {
            case .binary(let payload) where payload.first == 3: result.status += payload.dropFirst()
            case .binary(let payload):
                switch ExecChannelCodec.decode(payload) {
                case .stdout(let data): result.stdout += data
                case .stderr(let data): result.stderr += data
                default: break
                }
            case .close(let code, _): result.close = code
            default: break
            }
        }
        return result
    }

    @Test(arguments: [1, 3, 7, 4096])
    func execExitThreeInAnyChunking(_ chunk: Int) throws {
        let decoded = try Self.messages(Self.execExitThree, chunk: chunk)
        #expect(decoded.count == 5)
        #expect(decoded.first == .binary([1]), "the server's first, empty stdout frame")
        let events = Self.execEvents(decoded)
        #expect(String(decoding: events.stdout, as: UTF8.self) == "hi\n")
        #expect(String(decoding: events.stderr, as: UTF8.self) == "err\n")
        #expect(ExecOutcome.parse(events.status) == .exited(3))
        #expect(events.close == 1000)
    }

    @Test func execOfAMissingFile() throws {
        let events = Self.execEvents(try Self.messages(Self.execMissingFile, chunk: 5))
        #expect(events.stdout.isEmpty)
        #expect(String(decoding: events.stderr, as: UTF8.self) == "cat: /nonexistent: No such file or directory\n")
        #expect(ExecOutcome.parse(events.status) == .exited(1))
    }

    @Test func portForwardPreamblesThenTheErrorChannel() throws {
        var demux = PortForwardDemux(ports: [8000])
        var events: [PortForwardEvent] = []
        for message in try Self.messages(Self.portForwardRefused, chunk: 2) {
            if case .binary(let payload) = message { events += try demux.receive(payload) }
        }
        #expect(events.first == .ready(portIndex: 0))
        guard case .error(0, let text)? = events.last else {
            Issue.record("no error event: \(events)")
            return
        }
        #expect(text.hasPrefix("error forwarding port 8000 to pod t"))
        #expect(text.contains("connect: connection refused"))
    }
}
