/// An interface described in a pcapng section: its index, which Enhanced
/// Packet and Interface Statistics Blocks refer to.
public struct PcapngInterface: Sendable, Hashable {
    public let id: UInt32
}

/// Writes a live pcapng stream: one section, an Interface Description Block per
/// capture target (added whenever a target starts, even after packets of other
/// targets), Enhanced Packet Blocks and Interface Statistics Blocks.
///
/// Each call returns the bytes to write, whole blocks only; the first call also
/// returns the Section Header Block. So the output is a valid file at every
/// call boundary: an interrupted sniff leaves a readable capture.
/// Timestamps are nanoseconds (`if_tsresol` = 9) since the Unix epoch.
public struct PcapngWriter: Sendable {
    private struct Described: Sendable {
        var snaplen: UInt32
    }

    private let application: String?
    private var started = false
    private var interfaces: [Described] = []

    /// - Parameter application: written as `shb_userappl`, shown by `capinfos`.
    public init(application: String? = "kubectl-aksnet") {
        self.application = application
    }

    /// The Section Header Block if nothing was written yet, else nothing: an
    /// empty capture (no target ever started) is still a valid file.
    public mutating func start() -> [UInt8] {
        guard !started else { return [] }
        started = true
        var body: [UInt8] = []
        body.appendLittleEndian(PcapngBlock.byteOrderMagic)
        body.appendLittleEndian(UInt16(1))
        body.appendLittleEndian(UInt16(0))
        // Section length -1: not known up front, the stream is written live.
        body.appendLittleEndian(UInt64.max)
        var options = PcapngOptions()
        options.add(4, application)  // shb_userappl
        return PcapngBlock.encode(type: PcapngBlock.sectionHeader, body: body, options: options.encoded)
    }

    /// Describes a capture target. pcapng only needs an interface described
    /// before its first packet, so targets may join a running stream.
    /// - Parameters:
    ///   - name: `if_name`, e.g. `pod/default/web` or `node/aks-nodepool1-0`.
    ///   - linkType: LINKTYPE_* of the target's packets (`PcapLinkType`); 16 bits in pcapng.
    ///   - snaplen: the most bytes kept per packet; 0 for no limit.
    ///   - filter: the capture filter, as `if_filter` (a libpcap expression).
    public mutating func addInterface(name: String, description: String? = nil, linkType: UInt32,
                                      snaplen: UInt32, filter: String? = nil) -> (interface: PcapngInterface, bytes: [UInt8]) {
        var bytes = start()
        var body: [UInt8] = []
        body.appendLittleEndian(UInt16(truncatingIfNeeded: linkType))
        body.appendLittleEndian(UInt16(0))
        body.appendLittleEndian(snaplen)
        var options = PcapngOptions()
        options.add(2, name)  // if_name
        options.add(3, description)  // if_description
        options.add(9, [9])  // if_tsresol: 10^-9 s
        if let filter, !filter.isEmpty {
            options.add(11, [0] + PcapngOptions.utf8Prefix(filter, maxBytes: 0xFFFE))  // if_filter, libpcap string
        }
        bytes += PcapngBlock.encode(type: PcapngBlock.interfaceDescription, body: body, options: options.encoded)
        let interface = PcapngInterface(id: UInt32(interfaces.count))
        interfaces.append(Described(snaplen: snaplen))
        return (interface, bytes)
    }

    /// An Enhanced Packet Block. Data longer than the interface's snaplen is cut
    /// to it (the original length stays), as a reader would reject it otherwise.
    public mutating func packet(_ packet: CapturedPacket, interface: PcapngInterface) throws(PcapError) -> [UInt8] {
        guard let described = described(interface) else { throw PcapError(.unknownInterface(interface.id)) }
        var bytes = start()
        // Block lengths are 32 bits: nothing captured comes near, but never write a wrapped length.
        let limit = described.snaplen == 0 ? 0x7FFF_0000 : Int(described.snaplen)
        let captured = min(packet.data.count, limit)
        var body: [UInt8] = []
        body.reserveCapacity(20 + captured + 3)
        body.appendLittleEndian(interface.id)
        Self.appendTimestamp(packet.timestampNanos, to: &body)
        body.appendLittleEndian(UInt32(captured))
        body.appendLittleEndian(max(packet.originalLength, UInt32(captured)))
        body += packet.data.prefix(captured)
        body.padToFour()
        bytes += PcapngBlock.encode(type: PcapngBlock.enhancedPacket, body: body, options: [])
        return bytes
    }

    /// An Interface Statistics Block: what the capture tool counted for one
    /// target (tcpdump's "packets received by filter" and "dropped by kernel").
    public mutating func statistics(interface: PcapngInterface, timestampNanos: UInt64, received: UInt64?,
                                    dropped: UInt64?, comment: String? = nil) throws(PcapError) -> [UInt8] {
        guard described(interface) != nil else { throw PcapError(.unknownInterface(interface.id)) }
        var bytes = start()
        var body: [UInt8] = []
        body.appendLittleEndian(interface.id)
        Self.appendTimestamp(timestampNanos, to: &body)
        var options = PcapngOptions()
        options.add(PcapngOptions.comment, comment)
        options.add(4, received)  // isb_ifrecv
        options.add(5, dropped)  // isb_ifdrop
        bytes += PcapngBlock.encode(type: PcapngBlock.interfaceStatistics, body: body, options: options.encoded)
        return bytes
    }

    private func described(_ interface: PcapngInterface) -> Described? {
        Int(interface.id) < interfaces.count ? interfaces[Int(interface.id)] : nil
    }

    /// The 64-bit timestamp as two 32-bit words, high first (the spec's order).
    private static func appendTimestamp(_ nanos: UInt64, to body: inout [UInt8]) {
        body.appendLittleEndian(UInt32(truncatingIfNeeded: nanos >> 32))
        body.appendLittleEndian(UInt32(truncatingIfNeeded: nanos))
    }
}
