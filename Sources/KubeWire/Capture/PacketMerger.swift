/// A packet and the capture source (target) it came from.
public struct MergedPacket: Sendable, Equatable {
    public var source: Int
    public var packet: CapturedPacket

    public init(source: Int, packet: CapturedPacket) {
        self.source = source
        self.packet = packet
    }
}

/// Merges several live capture streams into one in timestamp order.
///
/// Sources deliver with different delays (one pod's stream is slower than
/// another's), so a packet is held until it is older than `now - window`: by
/// then every source has had `window` to deliver anything earlier. When every
/// source that has been seen is finished, or on `drain(upTo: nil)`, all held
/// packets are released. At most `maxHeld` packets are held: past that the
/// oldest is handed back by `add` at once, so memory stays bounded even if the
/// clock never advances.
public struct PacketMerger: Sendable {
    public let windowNanos: UInt64
    public let maxHeld: Int

    private var held = PacketHeap()
    private var arrivals: UInt64 = 0
    private var sources: [Int: Bool] = [:]  // source → finished

    /// - Parameters:
    ///   - windowNanos: how long a packet waits for earlier ones from other sources (250 ms default).
    ///   - maxHeld: the most packets held at once (at least 1).
    public init(windowNanos: UInt64 = 250_000_000, maxHeld: Int = 65_536) {
        self.windowNanos = windowNanos
        self.maxHeld = max(1, maxHeld)
    }

    /// Packets held now.
    public var heldCount: Int { held.count }

    /// Holds a packet. Returns the oldest held packet when holding this one
    /// would exceed `maxHeld`: write it now, it will not be returned again.
    public mutating func add(source: Int, packet: CapturedPacket) -> MergedPacket? {
        if sources[source] == nil { sources[source] = false }
        held.push(PacketHeap.Entry(merged: MergedPacket(source: source, packet: packet), arrival: arrivals))
        arrivals &+= 1
        return held.count > maxHeld ? held.pop()?.merged : nil
    }

    /// The source sends no more packets (its capture ended).
    public mutating func finish(source: Int) {
        sources[source] = true
    }

    /// Whether every source seen so far has finished.
    public var allFinished: Bool { sources.values.allSatisfy { $0 } }

    /// Releases, in timestamp order (arrival order among equal timestamps),
    /// the packets older than `nowNanos - window`, or all of them when
    /// `nowNanos` is nil or every source has finished.
    public mutating func drain(upTo nowNanos: UInt64?) -> [MergedPacket] {
        var released: [MergedPacket] = []
        guard let nowNanos, !allFinished else {
            released.reserveCapacity(held.count)
            while let entry = held.pop() { released.append(entry.merged) }
            return released
        }
        guard nowNanos >= windowNanos else { return [] }
        let cutoff = nowNanos - windowNanos
        while let oldest = held.peek, oldest.merged.packet.timestampNanos < cutoff, let entry = held.pop() {
            released.append(entry.merged)
        }
        return released
    }
}

/// A binary min-heap on (timestamp, arrival): the order the merger releases in.
struct PacketHeap: Sendable {
    struct Entry: Sendable {
        var merged: MergedPacket
        var arrival: UInt64

        func precedes(_ other: Entry) -> Bool {
            let (a, b) = (merged.packet.timestampNanos, other.merged.packet.timestampNanos)
            return a != b ? a < b : arrival < other.arrival
        }
    }

    private var entries: [Entry] = []

    var count: Int { entries.count }
    var peek: Entry? { entries.first }

    mutating func push(_ entry: Entry) {
        entries.append(entry)
        var child = entries.count - 1
        while child > 0 {
            let parent = (child - 1) / 2
            guard entries[child].precedes(entries[parent]) else { break }
            entries.swapAt(child, parent)
            child = parent
        }
    }

    mutating func pop() -> Entry? {
        guard !entries.isEmpty else { return nil }
        entries.swapAt(0, entries.count - 1)
        let top = entries.removeLast()
        var parent = 0
        while true {
            let left = 2 * parent + 1, right = left + 1
            var first = parent
            if left < entries.count && entries[left].precedes(entries[first]) { first = left }
            if right < entries.count && entries[right].precedes(entries[first]) { first = right }
            guard first != parent else { return top }
            entries.swapAt(parent, first)
            parent = first
        }
    }
}
