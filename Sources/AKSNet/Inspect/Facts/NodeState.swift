/// One node's collected runs, each parsed once. A run that is missing, failed or does not parse
/// gives nil (or empty): analyzers then say nothing about it, and `command-failed` says why.
public struct NodeState: Sendable {
    public var node: String
    public var evidence: NodeEvidence
    public var iptables: IptablesDump?
    public var ip6tables: IptablesDump?
    public var interfaces: [IPInterface]?
    public var routes: [IPRoute]?
    public var routes6: [IPRoute]?
    public var sysctls: [String: LineValue<String>]
    public var conntrackStats: ConntrackStats?
    public var conntrackCount: Int?
    public var conntrackMax: Int?
    public var cniFiles: [FileSection]
    public var cniState: [FileSection]
    public var resolvConf: ResolvConf?
    public var probes: [ProbeResult]
    public var kubeProxyMode: KubeProxyMode?
    public var ipvs: [IPVSService]?
    public var kernelConntrackLines: [NumberedLine]
    public var netSNMP: [String: (counters: [String: UInt64], line: NumberedLine)]
    public var localDNSCorefile: String?

    public init(_ evidence: NodeEvidence) {
        node = evidence.node
        self.evidence = evidence
        /// Output of a run that produced something (a failing command's output is still read
        /// when it has output: iptables-save may warn and exit non-zero yet dump every table).
        func output(_ id: String) -> String? {
            guard let run = evidence.run(id), !run.output.isEmpty else { return nil }
            return run.output
        }
        iptables = output(CollectorCommands.iptablesSave).map(IptablesSaveParser.parse)
        ip6tables = output(CollectorCommands.ip6tablesSave).map(IptablesSaveParser.parse)
        interfaces = output(CollectorCommands.ipAddr).flatMap(IPJSONParser.interfaces)
        if let links = output(CollectorCommands.ipLink).flatMap(IPJSONParser.interfaces) {
            interfaces = NodeState.merge(addresses: interfaces, links: links)
        }
        routes = output(CollectorCommands.ipRoute).flatMap(IPJSONParser.routes)
        routes6 = output(CollectorCommands.ip6Route).flatMap(IPJSONParser.routes)
        sysctls = output(CollectorCommands.sysctls).map(SysctlParser.parse) ?? [:]
        conntrackStats = output(CollectorCommands.conntrackStats).map(ConntrackStatsParser.parse)
        conntrackCount = output(CollectorCommands.conntrackCount).flatMap(IntegerFileParser.parse)
        conntrackMax = output(CollectorCommands.conntrackMax).flatMap(IntegerFileParser.parse)
        cniFiles = output(CollectorCommands.cniConfig).map(FileSectionsParser.parse) ?? []
        cniState = output(CollectorCommands.cniState).map(FileSectionsParser.parse) ?? []
        resolvConf = output(CollectorCommands.resolvConf).map(ResolvConfParser.parse)
        probes = output(CollectorCommands.podNetworkProbe).map(ProbeParser.parse) ?? []
        kubeProxyMode = output(CollectorCommands.kubeProxyMode).flatMap(KubeProxyModeParser.parse)
        ipvs = output(CollectorCommands.ipvsadm).map(IPVSParser.parse)
        kernelConntrackLines = output(CollectorCommands.kernelConntrackLog).map(KernelConntrackLogParser.parse) ?? []
        netSNMP = output(CollectorCommands.netSNMP).map(NetSNMPParser.parse) ?? [:]
        localDNSCorefile = output(CollectorCommands.localDNSCorefile)
    }

    /// `ip -j addr` has addresses, `ip -j -d link` has kinds: one list with both.
    static func merge(addresses: [IPInterface]?, links: [IPInterface]) -> [IPInterface] {
        guard var merged = addresses else { return links }
        for (i, entry) in merged.enumerated() {
            guard let link = links.first(where: { $0.name == entry.name }) else { continue }
            if merged[i].kind == nil { merged[i].kind = link.kind }
            if merged[i].master == nil { merged[i].master = link.master }
            if merged[i].mtu == nil { merged[i].mtu = link.mtu }
        }
        for link in links where !merged.contains(where: { $0.name == link.name }) { merged.append(link) }
        return merged
    }

    public func sysctl(_ key: String) -> LineValue<String>? { sysctls[key] }

    /// The collector cut this run's output: checks that conclude from something *missing* in it
    /// (no MASQUERADE rule, no KUBE-SEP rule) must not run on it.
    public func truncated(_ id: String) -> Bool { evidence.run(id)?.truncated ?? false }

    /// The evidence line of a run's 1-based line.
    public func line(_ source: String, _ number: Int?, _ text: String) -> EvidenceLine {
        EvidenceLine(node: node, source: source, line: number, text: text)
    }

    /// Rules of both iptables families (IPv4 first) that `predicate` (table name, rule) accepts,
    /// with the source they came from. Only matches are copied: a dump may hold 100,000 rules.
    public func rules(where predicate: (String, IptablesRule) -> Bool) -> [(source: String, table: String, rule: IptablesRule)] {
        var result: [(source: String, table: String, rule: IptablesRule)] = []
        for (source, dump) in [(CollectorCommands.iptablesSave, iptables), (CollectorCommands.ip6tablesSave, ip6tables)] {
            for table in dump?.tables ?? [] {
                for rule in table.rules where predicate(table.name, rule) { result.append((source, table.name, rule)) }
            }
        }
        return result
    }
}
