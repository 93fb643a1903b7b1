/// Diffs one node's two snapshots from their runs (parsed with the inspect parsers) and facts.
enum NodeDiffer {
    /// Sysctls that are counters, not settings: they move on an unchanged node.
    static let volatileSysctls: Set<String> = ["net.netfilter.nf_conntrack_count"]

    static let ruleSources = [CollectorCommands.iptablesSave, CollectorCommands.ip6tablesSave,
                              CollectorCommands.iptablesLegacySave, CollectorCommands.ip6tablesLegacySave]

    static func diff(node: String, old: (evidence: NodeEvidence?, facts: NodeFacts?), new: (evidence: NodeEvidence?, facts: NodeFacts?)) -> NodeDiff {
        let routes = LineChanges.between(self.routes(old.evidence), self.routes(new.evidence))
        var rules: [ChainDiff] = []
        for source in ruleSources {
            rules += RuleDiffer.diff(source: source, old: output(old.evidence, source), new: output(new.evidence, source))
        }
        return NodeDiff(node: node, facts: facts(old.facts, new.facts), routes: routes, rules: rules,
                        sysctls: sysctls(old.evidence, new.evidence), cniFiles: cniFiles(old.evidence, new.evidence),
                        probes: probes(old.evidence, new.evidence))
    }

    static func probes(_ old: NodeEvidence?, _ new: NodeEvidence?) -> [ValueChange] {
        func table(_ evidence: NodeEvidence?) -> [String: String] {
            var result: [String: String] = [:]
            for probe in output(evidence, CollectorCommands.podNetworkProbe).map(ProbeParser.parse) ?? [] {
                result["\(probe.peer) \(probe.address)"] = probe.ok ? "ok" : "fail"
            }
            return result
        }
        let a = table(old), b = table(new)
        guard !a.isEmpty, !b.isEmpty else { return [] }
        // A peer probed on one side only (a node added or removed) is told by the node lists.
        return Set(a.keys).intersection(b.keys).sorted().compactMap { key in
            a[key] == b[key] ? nil : ValueChange(key: key, old: a[key], new: b[key])
        }
    }

    /// A run's output when it ran and printed something (a failed run's output is not a state).
    static func output(_ evidence: NodeEvidence?, _ id: String) -> String? {
        guard let run = evidence?.run(id), !run.output.isEmpty, run.exitCode != nil else { return nil }
        return run.output
    }

    /// One line per route: `[table] dst via gw dev d proto p scope s src a type t mtu m`; IPv6
    /// link-local and multicast routes left out (`perInterfaceIPv6`).
    static func routes(_ evidence: NodeEvidence?) -> [String] {
        var lines: [String] = []
        for id in [CollectorCommands.ipRoute, CollectorCommands.ip6Route] {
            guard let text = output(evidence, id) else { continue }
            guard let routes = IPJSONParser.routes(text) else {
                lines += TextScan.lines(text).map { TextScan.trimmed($0) }.filter { !$0.isEmpty }
                continue
            }
            for r in routes where !Self.perInterfaceIPv6(r.destination) {
                var parts: [String] = []
                if r.table != "main" { parts.append("table \(r.table)") }
                if let type = r.type, type != "unicast" { parts.append(type) }
                parts.append(r.destination)
                if let gw = r.gateway { parts.append("via \(gw)") }
                if let dev = r.device { parts.append("dev \(dev)") }
                if let proto = r.protocolName { parts.append("proto \(proto)") }
                if let scope = r.scope { parts.append("scope \(scope)") }
                if let src = r.preferredSource { parts.append("src \(src)") }
                if let mtu = r.mtu { parts.append("mtu \(mtu)") }
                lines.append(parts.joined(separator: " "))
            }
        }
        return lines
    }

    /// The routes the kernel makes for every IPv6 interface by itself (link-local fe80::/10 and
    /// multicast ff00::/8): they come and go with each pod's veth and say nothing of the network.
    static func perInterfaceIPv6(_ destination: String) -> Bool {
        let d = destination.lowercased()
        return d.hasPrefix("fe8") || d.hasPrefix("fe9") || d.hasPrefix("fea") || d.hasPrefix("feb") || d.hasPrefix("ff00::/8")
    }

    static func sysctls(_ old: NodeEvidence?, _ new: NodeEvidence?) -> [ValueChange] {
        let a = output(old, CollectorCommands.sysctls).map(SysctlParser.parse) ?? [:]
        let b = output(new, CollectorCommands.sysctls).map(SysctlParser.parse) ?? [:]
        // A node where the run failed on one side says nothing about its sysctls.
        guard !a.isEmpty, !b.isEmpty else { return [] }
        return Set(a.keys).union(b.keys).subtracting(volatileSysctls).sorted().compactMap { key in
            let before = a[key]?.value, after = b[key]?.value
            return before == after ? nil : ValueChange(key: key, old: before, new: after)
        }
    }

    static func cniFiles(_ old: NodeEvidence?, _ new: NodeEvidence?) -> [FileDiff] {
        guard let a = output(old, CollectorCommands.cniConfig).map(FileSectionsParser.parse),
              let b = output(new, CollectorCommands.cniConfig).map(FileSectionsParser.parse) else { return [] }
        func lines(_ section: FileSection) -> [String] {
            var result = section.lines.map(\.text)
            while result.last.map({ TextScan.trimmed($0).isEmpty }) == true { result.removeLast() }
            return result
        }
        var diffs: [FileDiff] = []
        for path in Set(a.map(\.path)).union(b.map(\.path)).sorted() {
            let before = a.first { $0.path == path }.map(lines), after = b.first { $0.path == path }.map(lines)
            switch (before, after) {
            case let (nil, after?): diffs.append(FileDiff(path: path, status: .added, lines: LineChanges(added: after)))
            case let (before?, nil): diffs.append(FileDiff(path: path, status: .removed, lines: LineChanges(removed: before)))
            case let (before?, after?) where before != after:
                diffs.append(FileDiff(path: path, status: .changed, lines: LineChanges.between(before, after)))
            default: continue
            }
        }
        return diffs
    }

    static func facts(_ old: NodeFacts?, _ new: NodeFacts?) -> [ValueChange] {
        guard let old, let new else { return [] }
        var changes: [ValueChange] = []
        func compare(_ key: String, _ a: String?, _ b: String?) { if a != b { changes.append(ValueChange(key: key, old: a, new: b)) } }
        compare("collected", String(old.collected), String(new.collected))
        compare("internalIPs", old.internalIPs.joined(separator: ", "), new.internalIPs.joined(separator: ", "))
        compare("podCIDRs", old.podCIDRs.joined(separator: ", "), new.podCIDRs.joined(separator: ", "))
        compare("ready", old.ready.map(String.init), new.ready.map(String.init))
        if old.collected && new.collected {
            compare("kubeProxyMode", old.kubeProxyMode?.rawValue, new.kubeProxyMode?.rawValue)
            // The node's own interfaces by name (NIC, bridge, dataplane devices); pod veths come
            // and go with pods and are compared by their MTUs only.
            let a = interfaces(old.interfaces), b = interfaces(new.interfaces)
            for key in Set(a.keys).union(b.keys).sorted() { compare(key, a[key], b[key]) }
        }
        return changes
    }
}

extension NodeDiffer {
    static func interfaces(_ list: [InterfaceFacts]) -> [String: String] {
        var result: [String: String] = [:]
        for iface in list where iface.role != .podVeth && iface.role != .loopback {
            result["interface \(iface.name)"] = ([iface.mtu.map { "mtu \($0)" } ?? "mtu ?", iface.up ? "up" : "down"] + iface.addresses)
                .joined(separator: " ")
        }
        let mtus = Set(list.filter { $0.role == .podVeth }.compactMap(\.mtu)).sorted()
        if !mtus.isEmpty { result["pod veths"] = "mtu " + mtus.map(String.init).joined(separator: ", ") }
        return result
    }
}
