/// Incremental frame decoder and message reassembler. Feed it bytes as they
/// arrive; it returns complete messages. Sizes are checked before anything is
/// buffered, so hostile input cannot make it allocate without bound.
public struct WebSocketDecoder: Sendable {
    public let maxFrameSize: Int
    public let maxMessageSize: Int
    /// Servers expect masked frames from clients; clients expect unmasked ones.
    public let expectMasked: Bool

    private var buffer: [UInt8] = []
    private var offset = 0
    private var fragments: [UInt8] = []
    private var fragmentOpcode: WebSocketOpcode?
    private var failed: WebSocketError?

    public init(maxFrameSize: Int = 16 << 20, maxMessageSize: Int = 64 << 20, expectMasked: Bool = false) {
        self.maxFrameSize = maxFrameSize
        self.maxMessageSize = maxMessageSize
        self.expectMasked = expectMasked
    }

    /// Bytes held but not yet decoded (for tests of bounded memory).
    public var bufferedBytes: Int { buffer.count - offset + fragments.count }

    public mutating func push(_ bytes: [UInt8]) throws(WebSocketError) -> [WebSocketMessage] {
        if let failed { throw failed }
        buffer += bytes
        var messages: [WebSocketMessage] = []
        do {
            while let frame = try nextFrame() {
                if let message = try assemble(frame) { messages.append(message) }
            }
        } catch {
            failed = error
            throw error
        }
        if offset > 0 && (offset > 65536 || offset == buffer.count) {
            buffer.removeFirst(offset)
            offset = 0
        }
        return messages
    }

    private func fail(_ code: UInt16, _ reason: String) -> WebSocketError { WebSocketError(closeCode: code, reason: reason) }

    private mutating func nextFrame() throws(WebSocketError) -> WebSocketFrame? {
        let available = buffer.count - offset
        guard available >= 2 else { return nil }
        let b0 = buffer[offset]
        let b1 = buffer[offset + 1]
        guard b0 & 0x70 == 0 else { throw fail(1002, "reserved bits set without a negotiated extension") }
        guard let opcode = WebSocketOpcode(rawValue: b0 & 0x0F) else { throw fail(1002, "unknown opcode \(b0 & 0x0F)") }
        let fin = b0 & 0x80 != 0
        let masked = b1 & 0x80 != 0
        guard masked == expectMasked else {
            throw fail(1002, masked ? "the server sent a masked frame" : "the client sent an unmasked frame")
        }
        var header = 2
        var length = UInt64(b1 & 0x7F)
        if length == 126 {
            guard available >= 4 else { return nil }
            length = UInt64(buffer[offset + 2]) << 8 | UInt64(buffer[offset + 3])
            header = 4
        } else if length == 127 {
            guard available >= 10 else { return nil }
            length = 0
            for i in 0..<8 { length = length << 8 | UInt64(buffer[offset + 2 + i]) }
            guard length >> 63 == 0 else { throw fail(1002, "64-bit length with the high bit set") }
            header = 10
        }
        if opcode.isControl {
            guard fin else { throw fail(1002, "fragmented control frame") }
            guard length <= 125 else { throw fail(1002, "control frame longer than 125 bytes") }
        }
        guard length <= UInt64(maxFrameSize) else { throw fail(1009, "frame of \(length) bytes exceeds the limit of \(maxFrameSize)") }
        let maskLength = masked ? 4 : 0
        let total = header + maskLength + Int(length)
        guard available >= total else { return nil }
        var payload = Array(buffer[(offset + header + maskLength)..<(offset + total)])
        if masked {
            let k = offset + header
            Self.unmask(&payload, key: (buffer[k], buffer[k + 1], buffer[k + 2], buffer[k + 3]))
        }
        offset += total
        return WebSocketFrame(fin: fin, opcode: opcode, payload: payload)
    }

    static func unmask(_ payload: inout [UInt8], key: (UInt8, UInt8, UInt8, UInt8)) {
        payload.withUnsafeMutableBytes { WebSocketMask.apply($0, key: key) }
    }

    private mutating func assemble(_ frame: WebSocketFrame) throws(WebSocketError) -> WebSocketMessage? {
        switch frame.opcode {
        case .ping: return .ping(frame.payload)
        case .pong: return .pong(frame.payload)
        case .close:
            if frame.payload.isEmpty { return .close(code: nil, reason: "") }
            guard frame.payload.count >= 2 else { throw fail(1002, "close frame with a 1-byte payload") }
            let code = UInt16(frame.payload[0]) << 8 | UInt16(frame.payload[1])
            guard let reason = String(validating: frame.payload[2...], as: UTF8.self) else {
                throw fail(1007, "close reason is not UTF-8")
            }
            return .close(code: code, reason: reason)
        case .text, .binary:
            guard fragmentOpcode == nil else { throw fail(1002, "new data frame while a fragmented message is open") }
            if frame.fin { return try message(frame.opcode, frame.payload) }
            fragmentOpcode = frame.opcode
            fragments = frame.payload
            return nil
        case .continuation:
            guard let opcode = fragmentOpcode else { throw fail(1002, "continuation frame without a started message") }
            guard fragments.count + frame.payload.count <= maxMessageSize else {
                throw fail(1009, "message exceeds the limit of \(maxMessageSize) bytes")
            }
            fragments += frame.payload
            guard frame.fin else { return nil }
            let whole = fragments
            fragments = []
            fragmentOpcode = nil
            return try message(opcode, whole)
        }
    }

    private func message(_ opcode: WebSocketOpcode, _ payload: [UInt8]) throws(WebSocketError) -> WebSocketMessage {
        if opcode == .text {
            guard let text = String(validating: payload, as: UTF8.self) else { throw fail(1007, "text message is not UTF-8") }
            return .text(text)
        }
        return .binary(payload)
    }
}
