import KubeModel

/// The live line on stderr: packets (or bytes), elapsed, per target. Redrawn in place on a
/// terminal; on a pipe or file, a plain line every few seconds.
struct StatusLine {
    let isTerminal: Bool
    var lastPrinted = 0.0
    var drew = false

    init(isTerminal: Bool) { self.isTerminal = isTerminal }

    static func render(names: [String], counters: [TargetCounters], elapsed: Double) -> String {
        var parts: [String] = []
        for (name, counter) in zip(names, counters) {
            let packets = "\(counter.packets) pkts "
            parts.append("\(name): \(packets)\(bytes(counter.bytes))")
        }
        return parts.joined(separator: " | ") + " | " + String(format1: elapsed) + "s"
    }

    static func bytes(_ n: Int64) -> String {
        if n < 10_000 { return "\(n) B" }
        if n < 10_000_000 { return "\(n / 1000) kB" }
        return "\(n / 1_000_000) MB"
    }

    mutating func update(_ text: String, now: Double) {
        if isTerminal {
            guard now - lastPrinted >= 0.25 else { return }
            StandardStreams.writeError("\r\u{1B}[K" + text)
            drew = true
        } else {
            guard now - lastPrinted >= 5 else { return }
            StandardStreams.writeError(text + "\n")
        }
        lastPrinted = now
    }

    mutating func end() {
        if drew { StandardStreams.writeError("\r\u{1B}[K") }
        drew = false
    }
}

extension String {
    /// One decimal, without Foundation's String(format:).
    init(format1 value: Double) {
        let tenths = Int((value * 10).rounded())
        self = "\(tenths / 10).\(abs(tenths % 10))"
    }
}
