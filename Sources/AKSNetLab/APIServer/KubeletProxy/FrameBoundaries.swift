import NIOCore

/// Where the WebSocket frames of a byte stream end, read from their headers as the bytes pass
/// (no copy of payloads): lets the relay cut a stream only between frames, as the lab's
/// `stream-drop` fault promises ("after the server sent N bytes": the frame that crosses N is
/// sent whole).
struct FrameBoundaries {
    /// The stream may be cut from this many bytes on.
    let limit: Int
    /// The first frame end at or after `limit`, once its header was read: where to cut.
    private(set) var cutPoint: Int?
    /// Stream offset of the next frame's first header byte.
    private(set) var nextFrame = 0
    /// Bytes of the stream seen so far.
    private(set) var seen = 0
    /// A header split across reads.
    private var partialHeader: [UInt8] = []

    /// Reads the headers that start in `bytes` (the stream's next bytes).
    mutating func feed(_ bytes: ByteBufferView) {
        let start = seen
        seen += bytes.count
        while nextFrame < seen {
            // Header bytes from where this frame starts: what was kept, then this chunk's.
            let from = max(nextFrame, start) - start
            let available = partialHeader + bytes[(bytes.startIndex + from)...].prefix(14 - partialHeader.count)
            guard let header = Self.headerLength(available), available.count >= header.size else {
                partialHeader = Array(available)
                return
            }
            partialHeader = []
            nextFrame += header.size + header.payload
            if cutPoint == nil, nextFrame >= limit { cutPoint = nextFrame }
        }
    }

    init(limit: Int) { self.limit = limit }

    /// (header size, payload size) of a frame starting with `bytes`; nil while too few bytes are known.
    static func headerLength(_ bytes: [UInt8]) -> (size: Int, payload: Int)? {
        guard bytes.count >= 2 else { return nil }
        let masked = bytes[1] & 0x80 != 0
        let length7 = Int(bytes[1] & 0x7f)
        var size = 2
        var payload = length7
        if length7 == 126 {
            size = 4
            guard bytes.count >= 4 else { return nil }
            payload = Int(bytes[2]) << 8 | Int(bytes[3])
        } else if length7 == 127 {
            size = 10
            guard bytes.count >= 10 else { return nil }
            payload = bytes[2..<10].reduce(0) { $0 << 8 | Int($1) }
        }
        if masked { size += 4 }
        return (size, payload)
    }
}
