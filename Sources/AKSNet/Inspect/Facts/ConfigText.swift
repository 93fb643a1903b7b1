/// The few YAML shapes inspect reads from configmaps (kube-proxy's `mode:`, ip-masq-agent's
/// `nonMasqueradeCIDRs:` list), read line by line: no YAML library, and bad text gives nothing.
enum ConfigText {
    /// The value of a top-level `key: value` line (no indentation), unquoted.
    static func topLevelValue(_ key: String, in text: String) -> (value: String, line: Int)? {
        for (i, line) in TextScan.lines(text).enumerated() where line.hasPrefix(key + ":") {
            return (TextScan.unquoted(line.dropFirst(key.count + 1)), i + 1)
        }
        return nil
    }

    /// A list under `key:`, block (`- a` lines) or flow (`[a, b]`) style.
    static func list(_ key: String, in text: String) -> [String] {
        let lines = TextScan.lines(text)
        guard let start = lines.firstIndex(where: { TextScan.trimmed($0).hasPrefix(key + ":") }) else { return [] }
        let inline = TextScan.trimmed(TextScan.trimmed(lines[start]).dropFirst(key.count + 1))
        if inline.hasPrefix("[") {
            return inline.dropFirst().prefix { $0 != "]" }.split(separator: ",").map { TextScan.unquoted($0) }.filter { !$0.isEmpty }
        }
        var values: [String] = []
        for line in lines[(start + 1)...] {
            let item = TextScan.trimmed(line)
            guard item.hasPrefix("-") else { if item.isEmpty { continue } else { break } }
            values.append(TextScan.unquoted(item.dropFirst()))
        }
        return values
    }
}
