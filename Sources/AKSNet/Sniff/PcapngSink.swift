import KubeWire
import Synchronization

/// tcpdump's classic pcap streams, one per target, parsed incrementally and merged in time order
/// into one live pcapng stream: an interface per target (named `pod/NS/NAME` or `node/NAME`),
/// whole blocks only, written as they are released (a pipe sees each packet at once), and at
/// the end an Interface Statistics Block per target with tcpdump's received/dropped counts.
public final class PcapngSink: CaptureSink {
    struct Source {
        var name: String
        var filter: String?
        var reader = PcapStreamReader()
        var interface: PcapngInterface?
        var counters = TargetCounters()
        var report: TcpdumpReport?
        var loopGuard: LoopGuard?
    }

    struct State {
        var sources: [Source]
        var writer = PcapngWriter()
        var merger: PacketMerger
        var total = 0
        var newest: UInt64 = 0
        var stop: SinkStop?
        var closed = false
    }

    private let output: CaptureOutput
    private let maxBytes: Int64?
    private let maxPackets: Int?
    private let state: Mutex<State>

    /// One target needs no merge window; several wait `window` for each other's late packets.
    public init(output: CaptureOutput, names: [String], maxBytes: Int64?, maxPackets: Int?,
                windowNanos: UInt64 = 250_000_000) {
        self.output = output
        self.maxBytes = maxBytes
        self.maxPackets = maxPackets
        let sources = names.map { Source(name: $0) }
        state = Mutex(State(sources: sources, merger: PacketMerger(windowNanos: names.count > 1 ? windowNanos : 0)))
    }

    /// Writes the section header now, so the output is a valid (empty) capture from the start,
    /// whatever stops the command before the first packet.
    public func start() {
        state.withLock { state in _ = emit(state.writer.start(), &state) }
    }

    /// The filter the target's tcpdump runs with (the interface's `if_filter`); before `deliver`.
    public func setFilter(_ filter: [String], for index: Int) {
        state.withLock { state in
            guard index < state.sources.count else { return }
            state.sources[index].filter = filter.isEmpty ? nil : filter.joined(separator: " ")
        }
    }

    /// Watches target `index` for a capture of its own transport (LoopGuard); before `deliver`.
    public func setLoopGuard(_ loopGuard: LoopGuard, for index: Int) {
        state.withLock { state in
            guard index < state.sources.count else { return }
            state.sources[index].loopGuard = loopGuard
        }
    }

    public func deliver(_ bytes: [UInt8], from index: Int) -> Bool {
        state.withLock { state in
            guard state.stop == nil, index < state.sources.count else { return false }
            do {
                try state.sources[index].reader.feed(bytes)
                while let packet = try state.sources[index].reader.next() {
                    if state.sources[index].interface == nil, !describe(index, &state) { return false }
                    state.newest = max(state.newest, packet.timestampNanos)
                    if let linkType = state.sources[index].reader.header?.linkType,
                       let message = state.sources[index].loopGuard?.add(linkType: linkType, packet) {
                        state.stop = .ownStream(target: index, message: message)
                        return false
                    }
                    if let early = state.merger.add(source: index, packet: packet) { guard write(early, &state) else { return false } }
                }
                // The header alone (no packet yet) already names the interface.
                if state.sources[index].interface == nil, state.sources[index].reader.header != nil {
                    guard describe(index, &state) else { return false }
                }
            } catch {
                state.stop = .badStream(target: index, message: "\(error)")
                return false
            }
            return release(upTo: cutoff(state), &state)
        }
    }

    public func tick() {
        state.withLock { state in
            guard state.stop == nil else { return }
            _ = release(upTo: cutoff(state), &state)
        }
    }

    public func finish(_ index: Int, report: TcpdumpReport) {
        state.withLock { state in
            guard index < state.sources.count else { return }
            state.sources[index].report = report
            state.merger.finish(source: index)
        }
    }

    public func close() {
        state.withLock { state in
            guard !state.closed else { return }
            state.closed = true
            if state.stop == nil || state.stop == .count(maxPackets ?? -1) {
                _ = release(upTo: nil, &state)
            }
            guard state.stop != .readerClosed else { return }
            let now = UInt64(WallClock.now * 1e9)
            for index in state.sources.indices {
                guard let interface = state.sources[index].interface, let report = state.sources[index].report,
                      report.received != nil || report.dropped != nil else { continue }
                let comment = "tcpdump: \(report.captured ?? 0) captured, \(report.received ?? 0) received by filter, \(report.dropped ?? 0) dropped by kernel"
                guard let block = try? state.writer.statistics(interface: interface, timestampNanos: now,
                                                               received: report.received.map(UInt64.init),
                                                               dropped: report.dropped.map(UInt64.init), comment: comment),
                      fits(block) else { continue }
                output.write(block)
            }
        }
    }

    public var counters: [TargetCounters] { state.withLock { $0.sources.map(\.counters) } }
    public var totalPackets: Int { state.withLock { $0.total } }
    public var stopReason: SinkStop? { state.withLock { $0.stop } }

    // MARK: writing (under the lock)

    /// A merge cutoff in packet time: the later of our clock and the newest packet seen (so a
    /// node clock ahead of ours does not hold packets back).
    private func cutoff(_ state: State) -> UInt64? {
        if state.merger.allFinished { return nil }
        return max(UInt64(WallClock.now * 1e9), state.newest)
    }

    private func describe(_ index: Int, _ state: inout State) -> Bool {
        guard let header = state.sources[index].reader.header else { return true }
        let made = state.writer.addInterface(name: state.sources[index].name, description: "kubectl aksnet sniff",
                                             linkType: header.linkType, snaplen: header.snaplen, filter: state.sources[index].filter)
        state.sources[index].interface = made.interface
        return emit(made.bytes, &state)
    }

    private func release(upTo cutoff: UInt64?, _ state: inout State) -> Bool {
        for merged in state.merger.drain(upTo: cutoff) {
            guard write(merged, &state) else { return false }
        }
        return true
    }

    private func write(_ merged: MergedPacket, _ state: inout State) -> Bool {
        if let maxPackets, state.total >= maxPackets {
            state.stop = .count(maxPackets)
            return false
        }
        guard let interface = state.sources[merged.source].interface,
              let block = try? state.writer.packet(merged.packet, interface: interface) else { return true }
        guard emit(block, &state) else { return false }
        state.total += 1
        state.sources[merged.source].counters.packets += 1
        state.sources[merged.source].counters.bytes += Int64(merged.packet.data.count)
        if let maxPackets, state.total >= maxPackets { state.stop = .count(maxPackets) }
        return state.stop == nil
    }

    private func fits(_ block: [UInt8]) -> Bool {
        guard let maxBytes else { return true }
        return output.bytesWritten + Int64(block.count) <= maxBytes
    }

    /// Whole blocks or nothing: a block that would pass --max-size is not written.
    private func emit(_ block: [UInt8], _ state: inout State) -> Bool {
        guard fits(block) else {
            state.stop = .maxSize(maxBytes ?? 0)
            return false
        }
        guard output.write(block) else {
            state.stop = .readerClosed
            return false
        }
        return true
    }
}
