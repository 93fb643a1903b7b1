/// iptables-save dumps compared by table and chain, without counters: `[packets:bytes]` before a
/// rule and after a chain's policy move all the time and say nothing about the rules.
enum RuleDiffer {
    static func diff(source: String, old: String?, new: String?) -> [ChainDiff] {
        // A dump missing on one side (command absent or failed) is no evidence of removed rules.
        guard let old, let new else { return [] }
        let a = chains(IptablesSaveParser.parse(old)), b = chains(IptablesSaveParser.parse(new))
        var diffs: [ChainDiff] = []
        for key in Set(a.keys).union(b.keys).sorted(by: { ($0.table, $0.chain) < ($1.table, $1.chain) }) {
            // A built-in chain that is absent is an empty one with policy ACCEPT (iptables-nft
            // lists a table only once something created it): no change unless it gained rules.
            let builtIn = (a[key]?.policy ?? b[key]?.policy) != nil
            let empty = builtIn ? ChainState(policy: "ACCEPT", rules: []) : nil
            switch (a[key] ?? empty, b[key] ?? empty) {
            case let (nil, after?):
                diffs.append(ChainDiff(source: source, table: key.table, chain: key.chain, status: .added, policy: nil,
                                       rules: LineChanges(added: after.rules)))
            case let (before?, nil):
                diffs.append(ChainDiff(source: source, table: key.table, chain: key.chain, status: .removed, policy: nil,
                                       rules: LineChanges(removed: before.rules)))
            case let (before?, after?):
                let rules = LineChanges.between(before.rules, after.rules)
                let policy = before.policy == after.policy ? nil : ValueChange(key: "policy", old: before.policy, new: after.policy)
                if !rules.isEmpty || policy != nil {
                    diffs.append(ChainDiff(source: source, table: key.table, chain: key.chain, status: .changed, policy: policy, rules: rules))
                }
            default: continue
            }
        }
        return diffs
    }

    struct ChainKey: Hashable {
        var table: String
        var chain: String
    }

    struct ChainState {
        var policy: String?
        var rules: [String]
    }

    static func chains(_ dump: IptablesDump) -> [ChainKey: ChainState] {
        var result: [ChainKey: ChainState] = [:]
        for table in dump.tables {
            for chain in table.chains { result[ChainKey(table: table.name, chain: chain.name)] = ChainState(policy: chain.policy, rules: []) }
            for rule in table.rules {
                result[ChainKey(table: table.name, chain: rule.chain), default: ChainState(policy: nil, rules: [])].rules.append(withoutCounters(rule.text))
            }
        }
        return result
    }

    /// `[12:345] -A CHAIN …` → `-A CHAIN …`
    static func withoutCounters(_ text: String) -> String {
        var line = Substring(text)
        if line.first == "[", let close = line.firstIndex(of: "]") { line = line[line.index(after: close)...] }
        return TextScan.trimmed(line)
    }
}
