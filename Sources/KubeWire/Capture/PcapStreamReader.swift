/// Incremental reader of the classic pcap stream `tcpdump -w -` writes, as it
/// arrives in arbitrary chunks. Feed bytes, then take packets with `next()`
/// until it returns nil.
///
/// Memory is bounded twice: a record header is checked against the snapshot
/// length and `maxPacket` before its body is waited for (a record claiming
/// 4 GB fails at once), and `feed` refuses to hold more than `maxBuffered`
/// bytes not yet taken out. After `next()` has returned nil, at most one
/// partial record (`16 + maxPacket` bytes) is held.
public struct PcapStreamReader: Sendable {
    public let maxPacket: Int
    public let maxBuffered: Int

    private var buffer: [UInt8] = []
    private var offset = 0
    private var fileHeader: PcapFileHeader?
    private var failed: PcapError?

    static let recordHeaderSize = 16

    /// - Parameters:
    ///   - maxPacket: the largest record body accepted (tcpdump's default snaplen is 262144).
    ///   - maxBuffered: the most bytes held between `next()` calls; raised to fit one whole record.
    public init(maxPacket: Int = 262_144, maxBuffered: Int = 4 << 20) {
        self.maxPacket = max(0, maxPacket)
        self.maxBuffered = max(maxBuffered, self.maxPacket + Self.recordHeaderSize + PcapFileHeader.size)
    }

    /// The file header, once its 24 bytes have arrived.
    public var header: PcapFileHeader? { fileHeader }

    /// Bytes held but not yet returned as packets: after a cut stream, the partial record.
    public var bufferedBytes: Int { buffer.count - offset }

    public mutating func feed(_ bytes: some Collection<UInt8>) throws(PcapError) {
        if let failed { throw failed }
        guard bytes.count <= maxBuffered - bufferedBytes else {
            let error = PcapError(.backlogFull(limit: maxBuffered))
            failed = error
            throw error
        }
        compact()
        buffer.append(contentsOf: bytes)
    }

    /// The next whole packet, or nil until enough bytes have been fed. After an
    /// error the reader stays failed: a pcap stream has no resynchronisation point.
    public mutating func next() throws(PcapError) -> CapturedPacket? {
        if let failed { throw failed }
        do {
            return try decodeNext()
        } catch {
            failed = error
            throw error
        }
    }

    private mutating func decodeNext() throws(PcapError) -> CapturedPacket? {
        guard let header = try decodedHeader() else { return nil }
        guard bufferedBytes >= Self.recordHeaderSize else { return nil }
        let big = header.bigEndian
        let seconds = ByteReader.uint32(buffer, at: offset, bigEndian: big)
        let fraction = ByteReader.uint32(buffer, at: offset + 4, bigEndian: big)
        let captured = ByteReader.uint32(buffer, at: offset + 8, bigEndian: big)
        let original = ByteReader.uint32(buffer, at: offset + 12, bigEndian: big)
        // A snaplen of 0 means "not recorded" in some writers; only maxPacket binds then.
        let limit = header.snaplen == 0 ? maxPacket : min(maxPacket, Int(header.snaplen))
        guard Int(captured) <= limit else { throw PcapError(.recordTooLarge(length: captured, limit: limit)) }
        let body = offset + Self.recordHeaderSize
        guard buffer.count - body >= Int(captured) else { return nil }
        // Cannot overflow: (2^32 - 1) * 10^9 + (2^32 - 1) * 1000 < 2^64.
        let nanos = UInt64(seconds) * 1_000_000_000 + UInt64(fraction) * (header.nanosecond ? 1 : 1000)
        let data = Array(buffer[body..<body + Int(captured)])
        offset = body + Int(captured)
        return CapturedPacket(timestampNanos: nanos, originalLength: original, data: data)
    }

    private mutating func decodedHeader() throws(PcapError) -> PcapFileHeader? {
        if let fileHeader { return fileHeader }
        guard bufferedBytes >= 4 else { return nil }
        _ = try PcapFileHeader.decodeMagic(buffer, at: offset)
        guard bufferedBytes >= PcapFileHeader.size else { return nil }
        let decoded = try PcapFileHeader.decode(buffer, at: offset)
        offset += PcapFileHeader.size
        fileHeader = decoded
        return decoded
    }

    /// Drops consumed bytes before appending, so the array never grows past what is held.
    private mutating func compact() {
        guard offset > 0 else { return }
        buffer.removeFirst(offset)
        offset = 0
    }
}
