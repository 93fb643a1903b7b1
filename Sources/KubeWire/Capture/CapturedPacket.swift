/// One packet as a capture tool recorded it: when, how long it was on the wire,
/// and the bytes kept (at most the snapshot length, so `data.count` may be
/// smaller than `originalLength`).
public struct CapturedPacket: Sendable, Equatable {
    /// Nanoseconds since the Unix epoch, whatever resolution the source had.
    public var timestampNanos: UInt64
    public var originalLength: UInt32
    public var data: [UInt8]

    public init(timestampNanos: UInt64, originalLength: UInt32, data: [UInt8]) {
        self.timestampNanos = timestampNanos
        self.originalLength = originalLength
        self.data = data
    }

    /// A packet kept whole (original length = captured length).
    public init(timestampNanos: UInt64, data: [UInt8]) {
        self.init(timestampNanos: timestampNanos, originalLength: UInt32(clamping: data.count), data: data)
    }
}

/// The link-layer header types (LINKTYPE_*) sniff meets: tcpdump on one
/// interface writes Ethernet, `-i any` writes Linux cooked captures.
public enum PcapLinkType {
    public static let ethernet: UInt32 = 1
    public static let raw: UInt32 = 101
    public static let linuxCooked: UInt32 = 113
    public static let linuxCookedV2: UInt32 = 276
}
