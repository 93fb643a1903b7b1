/// `conntrack-full`: the node's conntrack table is full or nearly (count/max), the kernel logged
/// `nf_conntrack: table full, dropping packet`, or `conntrack -S` counts drops/early drops. New
/// connections through the node are dropped while it lasts.
/// Also a rule dropping every NEW connection before NAT (mangle/raw PREROUTING or OUTPUT, no
/// other match): the same effect as a full table (the lab emulates a full table that way,
/// since nf_conntrack_max is read-only in its namespaces).
enum ConntrackFullCheck: InspectCheck {
    static let id = "conntrack-full"
    static let insertFailedID = "conntrack-insert-failed"
    /// Count at or above this share of max is an error; above `warnShare` a warning.
    static let errorShare = 0.9
    static let warnShare = 0.75

    static func run(_ context: AnalysisContext) -> [Finding] {
        var findings: [Finding] = []
        for state in context.collected {
            var lines: [EvidenceLine] = []
            var severity: Finding.Severity?
            var what: [String] = []
            if let count = state.conntrackCount, let max = state.conntrackMax, max > 0 {
                let share = Swift.min(Double(count) / Double(max), 100)
                if share >= warnShare {
                    severity = share >= errorShare ? .error : .warning
                    what.append("\(count)/\(max) entries (\(Int(share * 100))%)")
                    lines.append(state.line(CollectorCommands.conntrackCount, 1, "\(count)"))
                    lines.append(state.line(CollectorCommands.conntrackMax, 1, "\(max)"))
                }
            }
            if !state.kernelConntrackLines.isEmpty {
                severity = .error
                what.append("kernel: nf_conntrack: table full (\(state.kernelConntrackLines.count) line(s))")
                lines += state.kernelConntrackLines.suffix(3).map { state.line(CollectorCommands.kernelConntrackLog, $0.line, $0.text) }
            }
            if let stats = state.conntrackStats, stats["drop"] > 0 || stats["early_drop"] > 0 {
                severity = .error
                what.append("conntrack -S: drop \(stats["drop"]), early_drop \(stats["early_drop"])")
                lines += stats.lines.prefix(4).map { state.line(CollectorCommands.conntrackStats, $0.line, $0.text) }
            }
            for (source, table, rule) in state.rules(where: { table, rule in dropsEveryNewConnection(rule, table: table, in: state) }) {
                severity = .error
                what.append("every NEW connection is dropped before NAT (\(table) \(rule.chain))")
                lines.append(state.line(source, rule.line, rule.text))
            }
            if let severity {
                findings.append(Finding(
                    id: id, severity: severity,
                    title: "Conntrack on \(state.node) is full or dropping new connections: \(what.joined(separator: "; "))",
                    nodes: [state.node], evidence: lines,
                    fix: "Raise the table: sysctl -w net.netfilter.nf_conntrack_max=\(Swift.min(state.conntrackMax ?? 131072, Int.max / 2) * 2) (kube-proxy sets it from "
                        + "--conntrack-max-per-core; persist it via a custom node configuration / linuxOSConfig.sysctls netNetfilterNfConntrackMax), "
                        + "find who opens so many connections (conntrack -L | awk '{print $5}' | sort | uniq -c | sort -n), shorten "
                        + "net.netfilter.nf_conntrack_tcp_timeout_time_wait, or spread the load over more nodes."))
            } else if let stats = state.conntrackStats, stats["insert_failed"] > 0 {
                findings.append(Finding(
                    id: insertFailedID, severity: .warning,
                    title: "conntrack insert_failed \(stats["insert_failed"]) on \(state.node): racing inserts (often UDP DNS from one socket)",
                    nodes: [state.node],
                    evidence: stats.lines.prefix(4).map { state.line(CollectorCommands.conntrackStats, $0.line, $0.text) },
                    fix: "Usually the DNS A/AAAA race: use LocalDNS or NodeLocal DNSCache, or `options single-request-reopen` / use-vc in pods' dnsConfig."))
            }
        }
        return findings
    }

    /// `-m conntrack --ctstate NEW … -j DROP` with no address, interface or protocol match, in a
    /// chain reached from mangle/raw PREROUTING or OUTPUT.
    static func dropsEveryNewConnection(_ rule: IptablesRule, table: String, in state: NodeState) -> Bool {
        guard table == "mangle" || table == "raw", rule.target == "DROP", rule.matches.contains("--ctstate NEW") else { return false }
        let narrowing = [" -s ", " -d ", " -i ", " -o ", " -p ", "--dport", "--sport", "-m set", "--mark", "--src-type", "--dst-type"]
        let matches = " " + rule.matches
        guard !narrowing.contains(where: matches.contains) else { return false }
        guard let dumps = [state.iptables, state.ip6tables].compactMap({ $0?.table(table) }).first(where: { $0.rules.contains(rule) }) else { return false }
        return dumps.reachable(from: "PREROUTING").contains(rule.chain) || dumps.reachable(from: "OUTPUT").contains(rule.chain)
    }
}
