/// SPDY/3.1 framing (draft 3.1, section 2.2), enough for the port-forward protocol:
/// control frames (SYN_STREAM, SYN_REPLY, RST_STREAM, SETTINGS, PING, GOAWAY, HEADERS,
/// WINDOW_UPDATE) and data frames. Pure: bytes in, frames out.
enum SPDYFrame: Equatable {
    case synStream(streamID: UInt32, flags: UInt8, headerBlock: [UInt8])
    case synReply(streamID: UInt32, flags: UInt8, headerBlock: [UInt8])
    case rstStream(streamID: UInt32, status: UInt32)
    case ping(id: UInt32)
    case goAway
    case data(streamID: UInt32, flags: UInt8, payload: [UInt8])
    /// SETTINGS, HEADERS, WINDOW_UPDATE and the rest: read and set aside.
    case other(type: UInt16)

    static let version: UInt16 = 3
    static let finFlag: UInt8 = 0x01

    /// Frame bytes to send.
    var encoded: [UInt8] {
        switch self {
        case .synReply(let id, let flags, let block):
            return Self.control(type: 2, flags: flags, body: Self.be32(id & 0x7FFF_FFFF) + block)
        case .synStream(let id, let flags, let block):
            return Self.control(type: 1, flags: flags, body: Self.be32(id & 0x7FFF_FFFF) + Self.be32(0) + [0, 0] + block)
        case .rstStream(let id, let status):
            return Self.control(type: 3, flags: 0, body: Self.be32(id & 0x7FFF_FFFF) + Self.be32(status))
        case .ping(let id):
            return Self.control(type: 6, flags: 0, body: Self.be32(id))
        case .goAway:
            return Self.control(type: 7, flags: 0, body: Self.be32(0) + Self.be32(0))
        case .data(let id, let flags, let payload):
            return Self.be32(id & 0x7FFF_FFFF) + [flags] + Self.be24(payload.count) + payload
        case .other:
            return []
        }
    }

    static func control(type: UInt16, flags: UInt8, body: [UInt8]) -> [UInt8] {
        [UInt8(0x80 | (version >> 8)), UInt8(version & 0xFF), UInt8(type >> 8), UInt8(type & 0xFF), flags] + be24(body.count) + body
    }

    static func be32(_ value: UInt32) -> [UInt8] {
        [UInt8(value >> 24), UInt8((value >> 16) & 0xFF), UInt8((value >> 8) & 0xFF), UInt8(value & 0xFF)]
    }

    static func be24(_ value: Int) -> [UInt8] {
        [UInt8((value >> 16) & 0xFF), UInt8((value >> 8) & 0xFF), UInt8(value & 0xFF)]
    }
}

struct SPDYError: Error, CustomStringConvertible {
    let description: String
}

/// Cuts a byte stream into SPDY frames (bounded: a frame's length is at most 16 MiB by the
/// 24-bit field; anything larger than `maxFrame` is refused).
struct SPDYFrameReader {
    private var buffer: [UInt8] = []
    private var offset = 0
    let maxFrame: Int

    init(maxFrame: Int = 1 << 20) { self.maxFrame = maxFrame }

    mutating func push(_ bytes: [UInt8]) throws -> [SPDYFrame] {
        buffer += bytes
        var frames: [SPDYFrame] = []
        while buffer.count - offset >= 8 {
            let b = offset
            let length = Int(buffer[b + 5]) << 16 | Int(buffer[b + 6]) << 8 | Int(buffer[b + 7])
            guard length <= maxFrame else { throw SPDYError(description: "SPDY frame of \(length) bytes") }
            guard buffer.count - offset >= 8 + length else { break }
            let body = Array(buffer[(b + 8)..<(b + 8 + length)])
            let flags = buffer[b + 4]
            if buffer[b] & 0x80 != 0 {
                let version = UInt16(buffer[b] & 0x7F) << 8 | UInt16(buffer[b + 1])
                guard version == SPDYFrame.version else { throw SPDYError(description: "SPDY version \(version)") }
                let type = UInt16(buffer[b + 2]) << 8 | UInt16(buffer[b + 3])
                frames.append(try Self.control(type: type, flags: flags, body: body))
            } else {
                let id = Self.u32(body: Array(buffer[b..<(b + 4)]), at: 0) & 0x7FFF_FFFF
                frames.append(.data(streamID: id, flags: flags, payload: body))
            }
            offset += 8 + length
        }
        if offset > 65536 || offset == buffer.count {
            buffer.removeFirst(offset)
            offset = 0
        }
        return frames
    }

    static func control(type: UInt16, flags: UInt8, body: [UInt8]) throws -> SPDYFrame {
        func need(_ n: Int) throws { if body.count < n { throw SPDYError(description: "short SPDY control frame \(type)") } }
        switch type {
        case 1:
            try need(10)
            return .synStream(streamID: u32(body: body, at: 0) & 0x7FFF_FFFF, flags: flags, headerBlock: Array(body[10...]))
        case 2:
            try need(4)
            return .synReply(streamID: u32(body: body, at: 0) & 0x7FFF_FFFF, flags: flags, headerBlock: Array(body[4...]))
        case 3:
            try need(8)
            return .rstStream(streamID: u32(body: body, at: 0) & 0x7FFF_FFFF, status: u32(body: body, at: 4))
        case 6:
            try need(4)
            return .ping(id: u32(body: body, at: 0))
        case 7:
            return .goAway
        default:
            return .other(type: type)
        }
    }

    static func u32(body: [UInt8], at i: Int) -> UInt32 {
        UInt32(body[i]) << 24 | UInt32(body[i + 1]) << 16 | UInt32(body[i + 2]) << 8 | UInt32(body[i + 3])
    }
}
