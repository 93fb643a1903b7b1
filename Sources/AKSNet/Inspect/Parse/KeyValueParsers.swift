/// A value with the line it came from (1-based) and the line's text.
public struct LineValue<Value: Sendable & Equatable>: Sendable, Equatable {
    public var value: Value
    public var line: Int
    public var text: String
}

/// `sysctl -a` style `key = value` lines (also `key=value`). Other lines are skipped.
public enum SysctlParser {
    public static func parse(_ text: String) -> [String: LineValue<String>] {
        var result: [String: LineValue<String>] = [:]
        for (i, line) in TextScan.lines(text).enumerated() {
            guard let equals = line.firstIndex(of: "=") else { continue }
            let key = TextScan.trimmed(line[line.startIndex..<equals])
            guard !key.isEmpty, !key.contains(" ") else { continue }
            let value = TextScan.trimmed(line[line.index(after: equals)...])
            if result[key] == nil { result[key] = LineValue(value: value, line: i + 1, text: String(line)) }
        }
        return result
    }
}

/// `conntrack -S`: one line per CPU of `key=value` counters, summed over CPUs.
public struct ConntrackStats: Sendable, Equatable {
    public var totals: [String: UInt64]
    /// Lines where a drop-type counter (`insert_failed`, `drop`, `early_drop`) is non-zero.
    public var lines: [NumberedLine]
    public var cpus: Int

    public subscript(key: String) -> UInt64 { totals[key] ?? 0 }

    public static let dropCounters = ["insert_failed", "drop", "early_drop"]
}

public enum ConntrackStatsParser {
    public static func parse(_ text: String) -> ConntrackStats {
        var stats = ConntrackStats(totals: [:], lines: [], cpus: 0)
        for (i, line) in TextScan.lines(text).enumerated() {
            var sawCounter = false
            var dropping = false
            for field in TextScan.fields(line) {
                guard let equals = field.firstIndex(of: "=") else { continue }
                let key = String(field[field.startIndex..<equals])
                guard key != "cpu", let value = UInt64(field[field.index(after: equals)...]) else { continue }
                sawCounter = true
                stats.totals[key, default: 0] &+= value
                if value > 0, ConntrackStats.dropCounters.contains(key) { dropping = true }
            }
            if sawCounter { stats.cpus += 1 }
            if dropping { stats.lines.append(NumberedLine(line: i + 1, text: String(line))) }
        }
        return stats
    }
}

/// A file holding one integer (`nf_conntrack_count`, `nf_conntrack_max`).
public enum IntegerFileParser {
    public static func parse(_ text: String) -> Int? {
        for line in TextScan.lines(text) {
            let value = TextScan.trimmed(line)
            if !value.isEmpty { return Int(value) }
        }
        return nil
    }
}
