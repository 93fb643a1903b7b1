import KubeWire
import Testing

/// Byte tables from RFC 6455 §5.7 and §1.3, then the decoder's limits.
struct WebSocketTests {
    static let hello = Array("Hello".utf8)
    static let maskKey: [UInt8] = [0x37, 0xFA, 0x21, 0x3D]

    @Test func rfcSingleFrameUnmaskedText() throws {
        let bytes: [UInt8] = [0x81, 0x05, 0x48, 0x65, 0x6C, 0x6C, 0x6F]
        #expect(WebSocketFrame(opcode: .text, payload: Self.hello).encoded(maskKey: nil) == bytes)
        var decoder = WebSocketDecoder()
        #expect(try decoder.push(bytes) == [.text("Hello")])
    }

    @Test func rfcSingleFrameMaskedText() throws {
        let bytes: [UInt8] = [0x81, 0x85, 0x37, 0xFA, 0x21, 0x3D, 0x7F, 0x9F, 0x4D, 0x51, 0x58]
        #expect(WebSocketFrame(opcode: .text, payload: Self.hello).encoded(maskKey: Self.maskKey) == bytes)
        var server = WebSocketDecoder(expectMasked: true)
        #expect(try server.push(bytes) == [.text("Hello")])
    }

    @Test func rfcFragmentedTextWithPingBetweenFragmentsAndByteByByteInput() throws {
        let bytes: [UInt8] = [0x01, 0x03, 0x48, 0x65, 0x6C, 0x89, 0x05, 0x48, 0x65, 0x6C, 0x6C, 0x6F, 0x80, 0x02, 0x6C, 0x6F]
        var decoder = WebSocketDecoder()
        var messages: [WebSocketMessage] = []
        for byte in bytes { messages += try decoder.push([byte]) }
        #expect(messages == [.ping(Self.hello), .text("Hello")])
    }

    @Test func rfcMaskedPong() throws {
        let bytes: [UInt8] = [0x8A, 0x85, 0x37, 0xFA, 0x21, 0x3D, 0x7F, 0x9F, 0x4D, 0x51, 0x58]
        #expect(WebSocketFrame(opcode: .pong, payload: Self.hello).encoded(maskKey: Self.maskKey) == bytes)
    }

    @Test func rfcExtendedLengths() throws {
        let medium = [UInt8](repeating: 7, count: 256)
        let mediumFrame = WebSocketFrame(opcode: .binary, payload: medium).encoded(maskKey: nil)
        #expect(Array(mediumFrame.prefix(4)) == [0x82, 0x7E, 0x01, 0x00])
        let large = [UInt8](repeating: 9, count: 65536)
        let largeFrame = WebSocketFrame(opcode: .binary, payload: large).encoded(maskKey: nil)
        #expect(Array(largeFrame.prefix(10)) == [0x82, 0x7F, 0, 0, 0, 0, 0, 0x01, 0x00, 0x00])
        var decoder = WebSocketDecoder()
        #expect(try decoder.push(mediumFrame + largeFrame) == [.binary(medium), .binary(large)])
    }

    /// Masking eight bytes at a time gives what the RFC's byte-by-byte rule gives, for every
    /// tail length and header size (the payload starts at offsets 6, 8 and 14: never aligned),
    /// and a server's decoder takes the frames back.
    @Test(arguments: [0, 1, 3, 7, 8, 9, 15, 16, 17, 125, 126, 127, 1001, 65535, 65536, 65539])
    func maskingIsTheRFCsXOR(length: Int) throws {
        let payload = (0..<length).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) }
        let frame = WebSocketFrame(opcode: .binary, payload: payload).encoded(maskKey: Self.maskKey)
        let header = length < 126 ? 2 : length <= 0xFFFF ? 4 : 10
        #expect(Array(frame[header..<header + 4]) == Self.maskKey)
        let body = Array(frame[(header + 4)...])
        #expect(body == payload.enumerated().map { $0.element ^ Self.maskKey[$0.offset % 4] })
        var decoder = WebSocketDecoder(maxFrameSize: 1 << 20, maxMessageSize: 1 << 20, expectMasked: true)
        #expect(try decoder.push(frame) == [.binary(payload)])
    }

    @Test func rfcAcceptValue() {
        #expect(WebSocketHandshake.acceptValue(forKey: "dGhlIHNhbXBsZSBub25jZQ==") == "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=")
    }

    @Test func sha1KnownAnswers() {
        func hex(_ b: [UInt8]) -> String { b.map { String($0, radix: 16).count == 1 ? "0" + String($0, radix: 16) : String($0, radix: 16) }.joined() }
        #expect(hex(SHA1.hash(Array("abc".utf8))) == "a9993e364706816aba3e25717850c26c9cd0d89d")
        #expect(hex(SHA1.hash([])) == "da39a3ee5e6b4b0d3255bfef95601890afd80709")
        #expect(hex(SHA1.hash(Array("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8))) == "84983e441c3bd26ebaae4aa1f95129e5e54670f1")
    }

    @Test func closeFrames() throws {
        var decoder = WebSocketDecoder()
        #expect(try decoder.push(WebSocketFrame.close(code: 1000, reason: "bye").encoded(maskKey: nil)) == [.close(code: 1000, reason: "bye")])
        var empty = WebSocketDecoder()
        #expect(try empty.push([0x88, 0x00]) == [.close(code: nil, reason: "")])
    }

    @Test(arguments: [
        ("masked frame from the server", [UInt8]([0x82, 0x81, 1, 2, 3, 4, 5]), UInt16(1002)),
        ("reserved bit", [0xC2, 0x00], 1002),
        ("unknown opcode", [0x83, 0x00], 1002),
        ("fragmented ping", [0x09, 0x00], 1002),
        ("long control frame", [0x89, 0x7E, 0x00, 0x7E], 1002),
        ("continuation first", [0x80, 0x00], 1002),
        ("64-bit length with the top bit", [0x82, 0x7F, 0x80, 0, 0, 0, 0, 0, 0, 0], 1002),
        ("frame above the limit", [0x82, 0x7F, 0, 0, 0, 0, 0x7F, 0, 0, 0], 1009),
        ("invalid UTF-8 text", [0x81, 0x02, 0xC3, 0x28], 1007),
        ("one-byte close payload", [0x88, 0x01, 0x03], 1002),
    ])
    func protocolErrors(_ name: String, _ bytes: [UInt8], _ code: UInt16) {
        var decoder = WebSocketDecoder(maxFrameSize: 1 << 20)
        do {
            _ = try decoder.push(bytes)
            Issue.record("\(name): no error")
        } catch {
            #expect(error.closeCode == code, "\(name)")
        }
    }

    @Test func handshakeRequestAndResponseCheck() throws {
        let key = "dGhlIHNhbXBsZSBub25jZQ=="
        let request = WebSocketHandshake.request(path: "/api/v1/namespaces/d/pods/p/exec?command=sh", key: key,
                                                 protocols: ["v5.channel.k8s.io", "v4.channel.k8s.io"], headers: [("Host", "h:1")])
        #expect(request.hasPrefix("GET /api/v1/namespaces/d/pods/p/exec?command=sh HTTP/1.1\r\nHost: h:1\r\n"))
        #expect(request.contains("Sec-WebSocket-Protocol: v5.channel.k8s.io, v4.channel.k8s.io\r\n"))
        #expect(request.hasSuffix("\r\n\r\n"))
        let ok = "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\nSec-WebSocket-Protocol: v5.channel.k8s.io"
        #expect(try WebSocketHandshake.check(responseHead: ok, key: key, offered: ExecProtocol.offered) == .upgraded(protocol: "v5.channel.k8s.io"))
        let forbidden = try WebSocketHandshake.check(responseHead: "HTTP/1.1 403 Forbidden\r\nContent-Type: application/json", key: key, offered: [])
        guard case .refused(let status, _) = forbidden else { Issue.record("not refused"); return }
        #expect(status == 403)
        #expect(throws: WebSocketError.self) {
            try WebSocketHandshake.check(responseHead: ok.replacingAccept(), key: key, offered: ExecProtocol.offered)
        }
    }
}

extension String {
    func replacingAccept() -> String {
        split(separator: "\r\n").map { $0.hasPrefix("Sec-WebSocket-Accept") ? "Sec-WebSocket-Accept: AAAA" : String($0) }.joined(separator: "\r\n")
    }
}
