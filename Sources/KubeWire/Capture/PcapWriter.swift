/// Writes a classic pcap stream (little-endian, nanosecond magic 0xa1b23c4d)
/// for one target, when the user asks for pcap rather than pcapng.
/// The first call returns the file header too; every call returns whole records.
public struct PcapWriter: Sendable {
    public let linkType: UInt32
    public let snaplen: UInt32
    private var started = false

    public init(linkType: UInt32, snaplen: UInt32 = 262_144) {
        self.linkType = linkType
        self.snaplen = snaplen
    }

    /// The file header if nothing was written yet, else nothing.
    public mutating func start() -> [UInt8] {
        guard !started else { return [] }
        started = true
        var header: [UInt8] = []
        header.appendLittleEndian(PcapFileHeader.nanosecondMagic)
        header.appendLittleEndian(UInt16(2))
        header.appendLittleEndian(UInt16(4))
        header.appendLittleEndian(UInt32(0))  // thiszone: timestamps are UTC
        header.appendLittleEndian(UInt32(0))  // sigfigs
        header.appendLittleEndian(snaplen)
        header.appendLittleEndian(linkType)
        return header
    }

    /// One record; data beyond the snaplen is cut (the original length stays).
    public mutating func packet(_ packet: CapturedPacket) -> [UInt8] {
        var bytes = start()
        let limit = snaplen == 0 ? 0x7FFF_0000 : Int(snaplen)
        let captured = min(packet.data.count, limit)
        bytes.reserveCapacity(bytes.count + 16 + captured)
        // Seconds past 2106 do not fit the format's 32 bits; they wrap like libpcap's.
        bytes.appendLittleEndian(UInt32(truncatingIfNeeded: packet.timestampNanos / 1_000_000_000))
        bytes.appendLittleEndian(UInt32(packet.timestampNanos % 1_000_000_000))
        bytes.appendLittleEndian(UInt32(captured))
        bytes.appendLittleEndian(max(packet.originalLength, UInt32(captured)))
        bytes += packet.data.prefix(captured)
        return bytes
    }
}
