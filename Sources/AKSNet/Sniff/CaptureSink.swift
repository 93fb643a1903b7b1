/// Per-target counters the status line and the summary show.
public struct TargetCounters: Equatable, Sendable {
    public var packets = 0
    public var bytes: Int64 = 0
    public init() {}
}

/// Where the workers' pcap byte streams go. Called from several worker threads at once.
public protocol CaptureSink: AnyObject, Sendable {
    /// Bytes of target `index`'s tcpdump stream; false means stop (reader gone, a limit reached, a bad stream).
    func deliver(_ bytes: [UInt8], from index: Int) -> Bool
    /// Writes what has waited long enough for the merge (called a few times a second).
    func tick()
    /// The target's stream ended; its tcpdump counts go into the file's statistics.
    func finish(_ index: Int, report: TcpdumpReport)
    /// Everything held is written (whole blocks only), then each target's statistics.
    func close()
    var counters: [TargetCounters] { get }
    var totalPackets: Int { get }
    /// Why the sink refused bytes: a limit, a closed reader, or an unreadable stream.
    var stopReason: SinkStop? { get }
}

public enum SinkStop: Equatable, Sendable {
    case count(Int)
    case maxSize(Int64)
    case readerClosed
    case badStream(target: Int, message: String)
    /// The loop guard saw the capture capturing the stream that carries it.
    case ownStream(target: Int, message: String)
}
