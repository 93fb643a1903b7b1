import KubeWire

/// Stops a capture that is capturing its own transport: when, second after second, the
/// captured traffic is fast and mostly the flows that carry it (OwnStream), each packet is
/// making more, and the file would only fill with copies of itself.
public struct LoopGuard: Sendable {
    public let own: OwnStream
    /// Own-stream bytes a second (on the wire) above which a second counts as hot.
    public let bytesPerSecond: Int64
    /// The share of a second's bytes that must be the own stream.
    public let share: Double
    /// Consecutive hot seconds that trip it.
    public let seconds: Int

    private var windowStart: UInt64?
    private var total: Int64 = 0
    private var ownBytes: Int64 = 0
    private var hot = 0

    public init(own: OwnStream, bytesPerSecond: Int64 = 2 << 20, share: Double = 0.5, seconds: Int = 2) {
        self.own = own
        self.bytesPerSecond = bytesPerSecond
        self.share = share
        self.seconds = seconds
    }

    /// Counts one packet; returns why to stop once the loop is plain.
    public mutating func add(linkType: UInt32, _ packet: CapturedPacket) -> String? {
        let second: UInt64 = 1_000_000_000
        let start = windowStart ?? packet.timestampNanos
        if windowStart == nil { windowStart = start }
        if packet.timestampNanos >= start + second {
            let tripped = closeWindow()
            // A gap of more than one second was a quiet second: the loop would have kept it busy.
            if packet.timestampNanos >= start + 2 * second { hot = 0 }
            windowStart = packet.timestampNanos
            if let tripped { return tripped }
        }
        let bytes = Int64(packet.originalLength)
        total += bytes
        if let flow = PacketFlow.parse(linkType: linkType, packet.data), flow.protocolNumber == 6,
           own.matches(source: flow.source, sourcePort: flow.sourcePort, destination: flow.destination,
                       destinationPort: flow.destinationPort) {
            ownBytes += bytes
        }
        return nil
    }

    private mutating func closeWindow() -> String? {
        defer { total = 0; ownBytes = 0 }
        let isHot = ownBytes >= bytesPerSecond && Double(ownBytes) >= share * Double(max(total, 1))
        hot = isHot ? hot + 1 : 0
        guard hot >= seconds else { return nil }
        let percent = Int((Double(ownBytes) * 100 / Double(max(total, 1))).rounded())
        return "the capture is capturing its own stream (\(ownBytes >> 20) MiB in the last second, \(percent) % of it "
            + "\(own.summary.isEmpty ? "the flows that carry the capture" : own.summary)): stopped before it floods the output; "
            + "leave out --capture-own-stream, or narrow the capture with -f or -i"
    }
}
