/// The 24-byte header at the start of a classic pcap stream.
public struct PcapFileHeader: Sendable, Equatable {
    /// LINKTYPE_* value (`PcapLinkType`), as written (upper bits may carry FCS flags).
    public var linkType: UInt32
    public var snaplen: UInt32
    /// Timestamps' second fraction is in nanoseconds (magic 0xa1b23c4d), else microseconds.
    public var nanosecond: Bool
    /// The writer's byte order was big-endian (magic read swapped).
    public var bigEndian: Bool
    public var versionMajor: UInt16
    public var versionMinor: UInt16

    public init(linkType: UInt32, snaplen: UInt32, nanosecond: Bool, bigEndian: Bool,
                versionMajor: UInt16 = 2, versionMinor: UInt16 = 4) {
        self.linkType = linkType
        self.snaplen = snaplen
        self.nanosecond = nanosecond
        self.bigEndian = bigEndian
        self.versionMajor = versionMajor
        self.versionMinor = versionMinor
    }

    static let size = 24
    static let microsecondMagic: UInt32 = 0xA1B2_C3D4
    static let nanosecondMagic: UInt32 = 0xA1B2_3C4D

    /// Byte order and resolution from the 4 magic bytes at `start`, so that a
    /// stream which is not pcap (an error message, pcapng) fails at once.
    static func decodeMagic(_ bytes: [UInt8], at start: Int) throws(PcapError) -> (bigEndian: Bool, nanosecond: Bool) {
        let little = ByteReader.uint32(bytes, at: start, bigEndian: false)
        let big = ByteReader.uint32(bytes, at: start, bigEndian: true)
        switch (little, big) {
        case (microsecondMagic, _): return (false, false)
        case (nanosecondMagic, _): return (false, true)
        case (_, microsecondMagic): return (true, false)
        case (_, nanosecondMagic): return (true, true)
        default: throw PcapError(.badMagic(big))
        }
    }

    /// Decodes the header from exactly `size` bytes at `start`.
    static func decode(_ bytes: [UInt8], at start: Int) throws(PcapError) -> PcapFileHeader {
        let (bigEndian, nanosecond) = try decodeMagic(bytes, at: start)
        let major = ByteReader.uint16(bytes, at: start + 4, bigEndian: bigEndian)
        let minor = ByteReader.uint16(bytes, at: start + 6, bigEndian: bigEndian)
        // 2.x is the only format libpcap has written since 1998; 1.x is "archaic" to libpcap too.
        guard major == 2 else { throw PcapError(.unsupportedVersion(major: major, minor: minor)) }
        // Bytes 8..<16 are thiszone and sigfigs, always zero in practice and unused.
        return PcapFileHeader(
            linkType: ByteReader.uint32(bytes, at: start + 20, bigEndian: bigEndian),
            snaplen: ByteReader.uint32(bytes, at: start + 16, bigEndian: bigEndian),
            nanosecond: nanosecond, bigEndian: bigEndian, versionMajor: major, versionMinor: minor)
    }
}
