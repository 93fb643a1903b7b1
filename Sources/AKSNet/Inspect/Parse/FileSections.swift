/// Output of `tail -n +1 FILE…`: each file after a `==> PATH <==` header. Lines keep their number
/// in the whole output, so evidence can point at them.
public struct FileSection: Sendable, Equatable {
    public var path: String
    /// Line number of the header (1-based).
    public var headerLine: Int
    public var lines: [NumberedLine]

    public var content: String { lines.map(\.text).joined(separator: "\n") }
    /// The file name without its directory.
    public var fileName: String { path.split(separator: "/").last.map(String.init) ?? path }
}

public enum FileSectionsParser {
    public static func parse(_ text: String) -> [FileSection] {
        var sections: [FileSection] = []
        for (i, line) in TextScan.lines(text).enumerated() {
            let trimmed = TextScan.trimmed(line)
            if trimmed.hasPrefix("==> "), trimmed.hasSuffix(" <=="), trimmed.count >= 8 {
                let path = String(trimmed.dropFirst(4).dropLast(4))
                sections.append(FileSection(path: path, headerLine: i + 1, lines: []))
            } else if !sections.isEmpty {
                sections[sections.count - 1].lines.append(NumberedLine(line: i + 1, text: String(line)))
            }
        }
        return sections
    }
}

/// `/etc/resolv.conf`.
public struct ResolvConf: Sendable, Equatable {
    public var nameservers: [NumberedLine]
    public var search: [String]
    public var options: [String]

    public var nameserverAddresses: [String] {
        nameservers.compactMap { TextScan.fields($0.text).dropFirst().first.map(String.init) }
    }
}

public enum ResolvConfParser {
    public static func parse(_ text: String) -> ResolvConf {
        var conf = ResolvConf(nameservers: [], search: [], options: [])
        for (i, line) in TextScan.lines(text).enumerated() {
            let fields = TextScan.fields(line)
            guard let keyword = fields.first, !keyword.hasPrefix("#"), !keyword.hasPrefix(";") else { continue }
            let values = fields.dropFirst().map(String.init)
            switch keyword {
            case "nameserver" where !values.isEmpty: conf.nameservers.append(NumberedLine(line: i + 1, text: String(line)))
            case "search", "domain": conf.search += values
            case "options": conf.options += values
            default: continue
            }
        }
        return conf
    }
}

/// `ss -s`: the totals per transport.
public struct SocketSummary: Sendable, Equatable {
    public var total: Int?
    /// `TCP`, `UDP`, `RAW`, … → total, from the `TCP:   9 (estab 3, …)` lines.
    public var transports: [String: Int]
    /// TCP states from the TCP line (`estab`, `closed`, `orphaned`, `timewait`).
    public var tcpStates: [String: Int]
}

public enum SocketSummaryParser {
    public static func parse(_ text: String) -> SocketSummary {
        var summary = SocketSummary(total: nil, transports: [:], tcpStates: [:])
        for line in TextScan.lines(text) {
            let fields = TextScan.fields(line)
            guard let head = fields.first, head.hasSuffix(":"), fields.count > 1 else { continue }
            let name = String(head.dropLast())
            let value = Int(fields[1])
            if name == "Total" { summary.total = value; continue }
            if let value, name.allSatisfy({ $0.isUppercase || $0.isNumber }) { summary.transports[name] = value }
            if name == "TCP", let open = line.firstIndex(of: "("), let close = line.lastIndex(of: ")"), open < close {
                for part in line[line.index(after: open)..<close].split(separator: ",") {
                    let kv = TextScan.fields(part)
                    if kv.count >= 2, let n = Int(kv[1].split(separator: "/").first ?? "") { summary.tcpStates[String(kv[0])] = n }
                }
            }
        }
        return summary
    }
}
