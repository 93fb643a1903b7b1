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
    /// Everything between the chain and `-j` (the matches), as text.
    public var matches: String
    /// What follows the target (`--to-destination 10.244.1.5:80`).
    public var targetOptions: String

    public init(line: Int, text: String, chain: String, packets: UInt64?, bytes: UInt64?, target: String?,
                matches: String, targetOptions: String) {
        self.line = line
        self.text = text
        self.chain = chain
        self.packets = packets
        self.bytes = bytes
        self.target = target
        self.matches = matches
        self.targetOptions = targetOptions
    }
}

public enum IptablesSaveParser {
    public static func parse(_ text: String) -> IptablesDump {
        var dump = IptablesDump()
        var current: IptablesTable?
        var lineNumber = 0
        for raw in text.utf8.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false) {
            lineNumber += 1
            guard let first = raw.first else { continue }
            var line = Substring(raw)
            if line.utf8.last == UInt8(ascii: "\r") { line = line.dropLast() }
            switch first {
            case UInt8(ascii: "#"):
                continue
            case UInt8(ascii: "*"):
                if let table = current { dump.tables.append(table) }
                current = IptablesTable(name: String(line.dropFirst()), line: lineNumber)
            case UInt8(ascii: ":"):
                guard current != nil, let chain = parseChain(line, line: lineNumber) else { dump.skippedLines += 1; continue }
                current?.chains.append(chain)
            case UInt8(ascii: "["), UInt8(ascii: "-"):
                guard current != nil, let rule = parseRule(line, line: lineNumber) else { dump.skippedLines += 1; continue }
                current?.rules.append(rule)
            default:
                if line == "COMMIT" {
                    if let table = current { dump.tables.append(table) }
                    current = nil
                } else if !line.allSatisfy(TextScan.isSpace) {
                    dump.skippedLines += 1
                }
            }
        }
        if let table = current { dump.tables.append(table) }
        return dump
    }

    /// `:NAME POLICY [packets:bytes]`
    static func parseChain(_ line: Substring, line number: Int) -> IptablesChain? {
        let fields = TextScan.fields(line.dropFirst())
        guard let name = fields.first, !name.isEmpty else { return nil }
        let policy = fields.count > 1 && fields[1] != "-" ? String(fields[1]) : nil
        var counters: (UInt64, UInt64) = (0, 0)
        if fields.count > 2, let parsed = parseCounters(fields[2]) { counters = parsed }
        return IptablesChain(name: String(name), policy: policy, packets: counters.0, bytes: counters.1, line: number, text: String(line))
    }

    /// `[12:345]` → (12, 345)
    static func parseCounters(_ field: Substring) -> (UInt64, UInt64)? {
        guard field.first == "[", field.last == "]" else { return nil }
        let inner = field.dropFirst().dropLast()
        guard let colon = inner.firstIndex(of: ":"),
              let packets = UInt64(inner[inner.startIndex..<colon]),
              let bytes = UInt64(inner[inner.index(after: colon)...]) else { return nil }
        return (packets, bytes)
    }

    /// `[p:b] -A CHAIN matches… -j TARGET options…` (counters optional).
    static func parseRule(_ line: Substring, line number: Int) -> IptablesRule? {
        var rest = line
        var counters: (UInt64, UInt64)?
        if rest.first == "[" {
            guard let close = rest.firstIndex(of: "]") else { return nil }
            counters = parseCounters(rest[rest.startIndex...close])
            guard counters != nil else { return nil }
            rest = rest[rest.index(after: close)...].drop { $0 == " " }
        }
        guard rest.hasPrefix("-A ") || rest.hasPrefix("-I ") else { return nil }
        rest = rest.dropFirst(3).drop { $0 == " " }
        guard let chainEnd = rest.firstIndex(where: { $0 == " " }) ?? (rest.isEmpty ? nil : rest.endIndex) else { return nil }
        let chain = String(rest[rest.startIndex..<chainEnd])
        let body = rest[chainEnd...].drop { $0 == " " }
        // Find ` -j ` / ` -g ` (or at the start) outside quotes.
        var target: String?
        var matches = body
        var options: Substring = ""
        if let (jumpStart, targetStart) = findJump(body) {
            matches = body[body.startIndex..<jumpStart]
            let afterJump = body[targetStart...]
            let targetEnd = afterJump.firstIndex(of: " ") ?? afterJump.endIndex
            target = String(afterJump[afterJump.startIndex..<targetEnd])
            options = afterJump[targetEnd...].drop { $0 == " " }
        }
        while matches.last == " " { matches = matches.dropLast() }
        return IptablesRule(line: number, text: String(line), chain: chain, packets: counters?.0, bytes: counters?.1,
                            target: target, matches: String(matches), targetOptions: String(options))
    }

    /// The index where `-j`/`-g`/`--jump`/`--goto` starts and where its argument starts
    /// (scanned as UTF-8: a 100,000-rule dump must parse in well under a second).
    static func findJump(_ body: Substring) -> (Substring.Index, Substring.Index)? {
        let bytes = body.utf8
        let space = UInt8(ascii: " "), quote = UInt8(ascii: "\""), backslash = UInt8(ascii: "\\"), dash = UInt8(ascii: "-")
        var inQuote = false
        var escaped = false
        var atTokenStart = true
        var index = bytes.startIndex
        while index < bytes.endIndex {
            let c = bytes[index]
            if escaped {
                escaped = false
            } else if c == backslash {
                escaped = true
            } else if c == quote {
                inQuote.toggle()
            } else if !inQuote && atTokenStart && c == dash {
                for flag in jumpFlags where bytes[index...].starts(with: flag) {
                    let argument = bytes.index(index, offsetBy: flag.count)
                    let start = bytes[argument...].firstIndex { $0 != space } ?? bytes.endIndex
                    return start < bytes.endIndex ? (index, start) : nil
                }
            }
            atTokenStart = !inQuote && c == space
            index = bytes.index(after: index)
        }
        return nil
    }

    private static let jumpFlags: [[UInt8]] = ["-j ", "-g ", "--jump ", "--goto "].map { Array($0.utf8) }
}
