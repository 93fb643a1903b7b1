/// `iptables-save -c` (or `ip6tables-save -c`) parsed: tables, chains with policy and counters,
/// rules with `[packets:bytes]`, chain, target and the match text, each with its 1-based line so a
/// finding can quote it. Malformed lines are skipped (counted in `skippedLines`), never fatal.
public struct IptablesDump: Sendable, Equatable {
    public var tables: [IptablesTable]
    public var skippedLines: Int

    public init(tables: [IptablesTable] = [], skippedLines: Int = 0) {
        self.tables = tables
        self.skippedLines = skippedLines
    }

    public func table(_ name: String) -> IptablesTable? { tables.first { $0.name == name } }

    public var ruleCount: Int { tables.reduce(0) { $0 + $1.rules.count } }
}

public struct IptablesTable: Sendable, Equatable {
    public var name: String
    public var line: Int
    public var chains: [IptablesChain]
    public var rules: [IptablesRule]

    public init(name: String, line: Int, chains: [IptablesChain] = [], rules: [IptablesRule] = []) {
        self.name = name
        self.line = line
        self.chains = chains
        self.rules = rules
    }

    public func chain(_ name: String) -> IptablesChain? { chains.first { $0.name == name } }
    public func rules(in chain: String) -> [IptablesRule] { rules.filter { $0.chain == chain } }
}

public struct IptablesChain: Sendable, Equatable {
    public var name: String
    /// `ACCEPT`/`DROP` for built-in chains; nil for user chains (`-`).
    public var policy: String?
    public var packets: UInt64
    public var bytes: UInt64
    public var line: Int
    public var text: String

    public init(name: String, policy: String?, packets: UInt64, bytes: UInt64, line: Int, text: String) {
        self.name = name
        self.policy = policy
        self.packets = packets
        self.bytes = bytes
        self.line = line
        self.text = text
    }
}

public struct IptablesRule: Sendable, Equatable {
    public var line: Int
    /// The line as dumped, counters included.
    public var text: String
    public var chain: String
    public var packets: UInt64?
    public var bytes: UInt64?
    /// `-j` (or `-g`) target: `ACCEPT`, `DROP`, `MASQUERADE`, a chain…
    public var target: String?
    /// UTF-8 offsets in `text` of the matches and of the target's options (sliced on demand:
    /// most rules of a 100,000-rule dump are never read that closely).
    var matchesRange: Range<Int>
    var optionsStart: Int

    public init(line: Int, text: String, chain: String, packets: UInt64?, bytes: UInt64?, target: String?,
                matchesRange: Range<Int>, optionsStart: Int) {
        self.line = line
        self.text = text
        self.chain = chain
        self.packets = packets
        self.bytes = bytes
        self.target = target
        self.matchesRange = matchesRange
        self.optionsStart = optionsStart
    }

    /// Everything between the chain and `-j` (the matches), as text.
    public var matches: String { slice(matchesRange) }
    /// What follows the target (`--to-destination 10.244.1.5:80`).
    public var targetOptions: String { slice(optionsStart..<text.utf8.count) }

    private func slice(_ range: Range<Int>) -> String {
        let utf8 = text.utf8
        let count = utf8.count
        let lower = Swift.min(Swift.max(range.lowerBound, 0), count), upper = Swift.min(Swift.max(range.upperBound, lower), count)
        let from = utf8.index(utf8.startIndex, offsetBy: lower), to = utf8.index(utf8.startIndex, offsetBy: upper)
        return String(decoding: utf8[from..<to], as: UTF8.self)
    }
}

public enum IptablesSaveParser {
    public static func parse(_ text: String) -> IptablesDump {
        var text = text
        text.makeContiguousUTF8()
        if let dump = text.utf8.withContiguousStorageIfAvailable(parse(bytes:)) { return dump }
        return Array(text.utf8).withUnsafeBufferPointer(parse(bytes:))
    }

    static let newline = UInt8(ascii: "\n"), space = UInt8(ascii: " "), tab = UInt8(ascii: "\t")

    static func parse(bytes: UnsafeBufferPointer<UInt8>) -> IptablesDump {
        var dump = IptablesDump()
        var current: IptablesTable?
        var lineNumber = 0
        var start = 0
        let count = bytes.count
        while start < count {
            var end = start
            while end < count && bytes[end] != newline { end += 1 }
            lineNumber += 1
            var lineEnd = end
            if lineEnd > start && bytes[lineEnd - 1] == UInt8(ascii: "\r") { lineEnd -= 1 }
            let line = UnsafeBufferPointer(rebasing: bytes[start..<lineEnd])
            start = end + 1
            guard let first = line.first else { continue }
            switch first {
            case UInt8(ascii: "#"):
                continue
            case UInt8(ascii: "*"):
                if let table = current { dump.tables.append(table) }
                current = IptablesTable(name: string(line, 1..<line.count), line: lineNumber)
            case UInt8(ascii: ":"):
                guard current != nil, let chain = parseChain(line, line: lineNumber) else { dump.skippedLines += 1; continue }
                current?.chains.append(chain)
            case UInt8(ascii: "["), UInt8(ascii: "-"):
                guard current != nil, let rule = parseRule(line, line: lineNumber) else { dump.skippedLines += 1; continue }
                current?.rules.append(rule)
            default:
                if line.elementsEqual("COMMIT".utf8) {
                    if let table = current { dump.tables.append(table) }
                    current = nil
                } else if !line.allSatisfy({ $0 == space || $0 == tab }) {
                    dump.skippedLines += 1
                }
            }
        }
        if let table = current { dump.tables.append(table) }
        return dump
    }

    static func string(_ line: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> String {
        String(decoding: UnsafeBufferPointer(rebasing: line[range]), as: UTF8.self)
    }

    static func skipSpaces(_ line: UnsafeBufferPointer<UInt8>, _ i: inout Int) {
        while i < line.count && (line[i] == space || line[i] == tab) { i += 1 }
    }

    static func token(_ line: UnsafeBufferPointer<UInt8>, _ i: inout Int) -> Range<Int> {
        let from = i
        while i < line.count && line[i] != space && line[i] != tab { i += 1 }
        return from..<i
    }

    /// `[12:345]` at `i` → (12, 345), `i` after the `]`.
    static func parseCounters(_ line: UnsafeBufferPointer<UInt8>, _ i: inout Int) -> (UInt64, UInt64)? {
        guard i < line.count, line[i] == UInt8(ascii: "[") else { return nil }
        i += 1
        guard let packets = number(line, &i), i < line.count, line[i] == UInt8(ascii: ":") else { return nil }
        i += 1
        guard let bytes = number(line, &i), i < line.count, line[i] == UInt8(ascii: "]") else { return nil }
        i += 1
        return (packets, bytes)
    }

    static func number(_ line: UnsafeBufferPointer<UInt8>, _ i: inout Int) -> UInt64? {
        var value: UInt64 = 0
        let from = i
        while i < line.count, line[i] >= UInt8(ascii: "0"), line[i] <= UInt8(ascii: "9") {
            let (times, o1) = value.multipliedReportingOverflow(by: 10)
            let (sum, o2) = times.addingReportingOverflow(UInt64(line[i] - UInt8(ascii: "0")))
            guard !o1, !o2 else { return nil }
            value = sum
            i += 1
        }
        return i > from ? value : nil
    }

    /// `:NAME POLICY [packets:bytes]`
    static func parseChain(_ line: UnsafeBufferPointer<UInt8>, line number: Int) -> IptablesChain? {
        var i = 1
        let name = token(line, &i)
        guard !name.isEmpty else { return nil }
        skipSpaces(line, &i)
        let policyRange = token(line, &i)
        let policy = policyRange.isEmpty || (policyRange.count == 1 && line[policyRange.lowerBound] == UInt8(ascii: "-")) ? nil : string(line, policyRange)
        skipSpaces(line, &i)
        let counters = parseCounters(line, &i) ?? (0, 0)
        return IptablesChain(name: string(line, name), policy: policy, packets: counters.0, bytes: counters.1, line: number,
                             text: string(line, 0..<line.count))
    }

    /// `[p:b] -A CHAIN matches… -j TARGET options…` (counters optional).
    static func parseRule(_ line: UnsafeBufferPointer<UInt8>, line number: Int) -> IptablesRule? {
        var i = 0
        var counters: (UInt64, UInt64)?
        if line[0] == UInt8(ascii: "[") {
            guard let parsed = parseCounters(line, &i) else { return nil }
            counters = parsed
            skipSpaces(line, &i)
        }
        guard i + 2 < line.count, line[i] == UInt8(ascii: "-"), line[i + 1] == UInt8(ascii: "A") || line[i + 1] == UInt8(ascii: "I"),
              line[i + 2] == space else { return nil }
        i += 3
        skipSpaces(line, &i)
        let chain = token(line, &i)
        guard !chain.isEmpty else { return nil }
        skipSpaces(line, &i)
        let bodyStart = i
        var matchesEnd = line.count
        var target: String?
        var optionsStart = line.count
        if let (jump, argument) = findJump(line, from: bodyStart) {
            matchesEnd = jump
            var j = argument
            let targetRange = token(line, &j)
            target = string(line, targetRange)
            skipSpaces(line, &j)
            optionsStart = j
        }
        while matchesEnd > bodyStart && (line[matchesEnd - 1] == space || line[matchesEnd - 1] == tab) { matchesEnd -= 1 }
        return IptablesRule(line: number, text: string(line, 0..<line.count), chain: string(line, chain), packets: counters?.0,
                            bytes: counters?.1, target: target, matchesRange: bodyStart..<matchesEnd, optionsStart: optionsStart)
    }

    /// Where `-j`/`-g`/`--jump`/`--goto` starts (outside quotes, at a token start) and where its
    /// argument starts.
    static func findJump(_ line: UnsafeBufferPointer<UInt8>, from: Int) -> (Int, Int)? {
        let quote = UInt8(ascii: "\""), backslash = UInt8(ascii: "\\"), dash = UInt8(ascii: "-")
        var inQuote = false
        var escaped = false
        var atTokenStart = true
        var i = from
        while i < line.count {
            let c = line[i]
            if escaped {
                escaped = false
            } else if c == backslash {
                escaped = true
            } else if c == quote {
                inQuote.toggle()
            } else if !inQuote && atTokenStart && c == dash {
                for flag in jumpFlags where i + flag.count <= line.count && line[i..<(i + flag.count)].elementsEqual(flag) {
                    var argument = i + flag.count
                    skipSpaces(line, &argument)
                    return argument < line.count ? (i, argument) : nil
                }
            }
            atTokenStart = !inQuote && (c == space || c == tab)
            i += 1
        }
        return nil
    }

    private static let jumpFlags: [[UInt8]] = ["-j ", "-g ", "--jump ", "--goto "].map { Array($0.utf8) }
}
