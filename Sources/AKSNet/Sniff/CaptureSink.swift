import Synchronization

/// Per-target counters the status line and the summary show.
public struct TargetCounters: Equatable, Sendable {
    public var packets: Int?
    public var bytes: Int64 = 0
    public init() {}
}

/// Where the workers' pcap byte streams go. Called from several worker threads at once.
public protocol CaptureSink: AnyObject, Sendable {
    /// Bytes of target `index`'s tcpdump stream; false means stop (reader gone, size reached).
    func deliver(_ bytes: [UInt8], from index: Int) -> Bool
    /// The target's stream ended; its tcpdump counts (for an ISB) when it said them.
    func finish(_ index: Int, report: TcpdumpReport)
    /// Everything delivered is written; no partial packet stays.
    func close()
    var counters: [TargetCounters] { get }
    /// Packets (or bytes, when packets are not counted) written in total.
    var totalPackets: Int { get }
    var firstPacketWritten: Bool { get }
}

/// One target, before the pcapng merger exists: tcpdump's classic pcap goes through unchanged.
/// tcpdump `-U` writes whole packets and SIGINT flushes them, so a stopped capture ends on a
/// packet boundary; only a cut stream could end mid-packet.
public final class PassthroughSink: CaptureSink {
    private let output: CaptureOutput
    private let maxBytes: Int64?
    private let state = Mutex<(counters: TargetCounters, first: Bool)>((TargetCounters(), false))

    public init(output: CaptureOutput, maxBytes: Int64?) {
        self.output = output
        self.maxBytes = maxBytes
    }

    public func deliver(_ bytes: [UInt8], from index: Int) -> Bool {
        state.withLock { state in
            guard output.write(bytes) else { return false }
            state.counters.bytes += Int64(bytes.count)
            if state.counters.bytes > 24 { state.first = true }
            if let maxBytes, state.counters.bytes >= maxBytes { return false }
            return true
        }
    }

    public func finish(_ index: Int, report: TcpdumpReport) {
        state.withLock { $0.counters.packets = report.captured }
    }

    public func close() {}

    public var counters: [TargetCounters] { [state.withLock { $0.counters }] }
    public var totalPackets: Int { state.withLock { $0.counters.packets ?? 0 } }
    public var firstPacketWritten: Bool { state.withLock { $0.first } }
}
