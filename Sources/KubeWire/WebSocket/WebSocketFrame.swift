/// RFC 6455 frames. Pure values: no I/O.
public enum WebSocketOpcode: UInt8, Sendable {
    case continuation = 0x0, text = 0x1, binary = 0x2, close = 0x8, ping = 0x9, pong = 0xA

    public var isControl: Bool { rawValue & 0x8 != 0 }
}

public struct WebSocketFrame: Sendable, Equatable {
    public var fin: Bool
    public var opcode: WebSocketOpcode
    public var payload: [UInt8]

    public init(fin: Bool = true, opcode: WebSocketOpcode, payload: [UInt8]) {
        self.fin = fin
        self.opcode = opcode
        self.payload = payload
    }

    /// The frame's bytes. Clients mask with a fresh 4-byte key (RFC 6455 §5.3); servers pass nil.
    public func encoded(maskKey: [UInt8]?) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(payload.count + 14)
        out.append((fin ? 0x80 : 0) | opcode.rawValue)
        let maskBit: UInt8 = maskKey == nil ? 0 : 0x80
        let length = payload.count
        if length < 126 {
            out.append(maskBit | UInt8(length))
        } else if length <= 0xFFFF {
            out.append(maskBit | 126)
            out.append(UInt8(length >> 8))
            out.append(UInt8(length & 0xFF))
        } else {
            out.append(maskBit | 127)
            for shift in stride(from: 56, through: 0, by: -8) { out.append(UInt8((UInt64(length) >> UInt64(shift)) & 0xFF)) }
        }
        if let maskKey, maskKey.count == 4 {
            out += maskKey
            let start = out.count
            out.append(contentsOf: payload)
            out.withUnsafeMutableBytes { raw in
                WebSocketMask.apply(UnsafeMutableRawBufferPointer(rebasing: raw[start...]),
                                    key: (maskKey[0], maskKey[1], maskKey[2], maskKey[3]))
            }
        } else {
            out += payload
        }
        return out
    }

    /// A close frame: 2-byte code then a UTF-8 reason (at most 123 bytes).
    public static func close(code: UInt16 = 1000, reason: String = "") -> WebSocketFrame {
        WebSocketFrame(opcode: .close, payload: [UInt8(code >> 8), UInt8(code & 0xFF)] + Array(reason.utf8.prefix(123)))
    }
}

/// A whole message after reassembly of fragments.
public enum WebSocketMessage: Sendable, Equatable {
    case binary([UInt8])
    case text(String)
    case ping([UInt8])
    case pong([UInt8])
    case close(code: UInt16?, reason: String)
}

public struct WebSocketError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The close code to send back (1002 protocol error, 1007 bad data, 1009 too big).
    public let closeCode: UInt16
    public let reason: String
    public var description: String { "websocket: \(reason)" }
}
