/// Per node, collapsed: its facts, interfaces, routes and sysctls, then every command it ran
/// with the output (bounded) in its own collapsible section.
enum HTMLNodes {
    static func section(_ report: InspectReport) -> String {
        var out = "<section id=\"nodes\"><h2>Nodes</h2>\n"
        let evidenceOnly = report.evidence.nodes.filter { ev in !report.nodes.contains { $0.name == ev.node } }
        for facts in report.nodes { out += node(facts, evidence: report.evidence.node(facts.name), findings: report.findings) }
        for evidence in evidenceOnly { out += node(NodeFacts(name: evidence.node, collected: evidence.collected), evidence: evidence, findings: report.findings) }
        if report.nodes.isEmpty && evidenceOnly.isEmpty { out += "<p class=\"meta\">No node state was collected.</p>\n" }
        return out + "</section>\n"
    }

    static func node(_ facts: NodeFacts, evidence: NodeEvidence?, findings: [Finding]) -> String {
        let e = HTMLParts.e
        let mine = findings.filter { $0.nodes.contains(facts.name) }
        var summary = "<code>\(e(facts.name))</code>"
        if let ip = facts.internalIPs.first { summary += " <span class=\"meta\">\(e(ip))</span>" }
        if let pool = facts.pool { summary += " <span class=\"meta\">pool \(e(pool))</span>" }
        for severity in [Finding.Severity.error, .warning] {
            let count = mine.filter { $0.severity == severity }.count
            if count > 0 { summary += "<span class=\"badge \(severity.rawValue)\">\(HTMLParts.pluralized(count, severity.rawValue))</span>" }
        }
        if !facts.collected { summary += "<span class=\"badge muted\">not collected</span>" }
        var out = "<details class=\"node-state\" data-node=\"\(e(facts.name))\"><summary>\(summary)</summary><div class=\"body\">\n"
        out += "<div class=\"grid\"><div>" + HTMLParts.table(nil, factRows(facts), className: "facts")
        if !mine.isEmpty {
            out += "<p>Findings: " + mine.map { "<code>\(e($0.id))</code> (\(e($0.severity.rawValue)))" }.joined(separator: ", ") + "</p>\n"
        }
        out += "</div>\n"
        out += "<div>"
        if !facts.interfaces.isEmpty {
            out += "<h3>Interfaces</h3>\n"
            let shown = facts.interfaces.prefix(60)
            out += HTMLParts.table(["Name", "Role", "Kind", "MTU", "Master", "Up", "Addresses"], shown.map {
                [$0.name, $0.role.rawValue, $0.kind ?? "", $0.mtu.map(String.init) ?? "", $0.master ?? "", $0.up ? "up" : "down",
                 $0.addresses.joined(separator: ", ")]
            })
            if facts.interfaces.count > shown.count { out += "<p class=\"cut\">\(facts.interfaces.count - shown.count) more interfaces (see ip-addr below)</p>\n" }
        }
        if !facts.routes.isEmpty {
            out += "<h3>Routes</h3>\n"
            let shown = facts.routes.prefix(100)
            out += HTMLParts.table(["Destination", "Via", "Device", "Table"], shown.map { [$0.destination, $0.gateway ?? "", $0.device ?? "", $0.table] })
            if facts.routes.count > shown.count { out += "<p class=\"cut\">\(facts.routes.count - shown.count) more routes (see ip-route below)</p>\n" }
        }
        if let run = evidence?.run(CollectorCommands.sysctls) {
            let sysctls = SysctlParser.parse(run.output)
            if !sysctls.isEmpty {
                // Rows a finding quotes (`ip_forward = 0`) are drawn red.
                let quoted = Set(mine.flatMap(\.evidence).filter { $0.node == facts.name && $0.source == CollectorCommands.sysctls }.compactMap(\.line))
                let keys = sysctls.keys.sorted()
                out += "<h3>Sysctls</h3>\n"
                out += HTMLParts.table(["Key", "Value"], keys.map { [$0, sysctls[$0]?.value ?? ""] },
                                       alertRows: Set(keys.indices.filter { sysctls[keys[$0]].map { quoted.contains($0.line) } ?? false }))
            }
        }
        out += "</div></div>\n"
        if let evidence {
            if let reason = evidence.reason { out += "<p class=\"cut\">\(e(reason))</p>\n" }
            if let hint = evidence.hint { out += "<p>Run instead: <code>\(e(hint))</code></p>\n" }
            if !evidence.runs.isEmpty {
                out += "<h3>Collected output</h3>\n"
                for run in evidence.runs { out += self.run(run) }
            }
        }
        return out + "</div></details>\n"
    }

    static func factRows(_ f: NodeFacts) -> [[String]] {
        var rows: [[String]] = []
        func add(_ key: String, _ value: String?) { if let value, !value.isEmpty { rows.append([key, value]) } }
        add("Pool", f.pool)
        add("OS", [f.os, f.osImage].compactMap { $0 }.joined(separator: " · "))
        add("Kernel", f.kernel)
        add("Runtime", f.containerRuntime)
        add("Kubelet", f.kubeletVersion)
        add("Internal IPs", f.internalIPs.joined(separator: ", "))
        add("Pod CIDRs", f.podCIDRs.joined(separator: ", "))
        add("Ready", f.ready.map { $0 ? "True" : "False" } ?? "unknown")
        add("Conditions", f.badConditions.joined(separator: "; "))
        add("kube-proxy mode", f.kubeProxyMode?.rawValue)
        add("CNI config", f.cniConfigFiles.joined(separator: ", "))
        add("Nameservers", f.nameservers.joined(separator: ", "))
        add("iptables rules", f.iptablesRuleCount.map(String.init))
        if let count = f.conntrackCount { add("conntrack", "\(count)" + (f.conntrackMax.map { " of \($0)" } ?? "")) }
        return rows
    }

    static func run(_ run: CommandRun) -> String {
        let e = HTMLParts.e
        let status = run.exitCode.map { "exit \($0)" } ?? "did not finish"
        var out = "<details class=\"run\" data-run=\"\(e(run.id))\"><summary><code>\(e(run.id))</code> "
        out += "<span class=\"meta\">\(e(status)) · \(run.durationMs) ms</span>"
        if !run.succeeded { out += "<span class=\"badge warning\">\(e(status))</span>" }
        out += "</summary><div class=\"body\">\n"
        out += "<div class=\"meta\"><code>\(e(run.argv.joined(separator: " ")))</code></div>\n"
        let (shown, cut) = HTMLParts.boundedOutput(run.output)
        out += "<pre>\(e(shown))</pre>\n"
        if cut > 0 { out += "<p class=\"cut\">\(cut) more lines not shown (the bundle keeps them all)</p>\n" }
        if run.truncated { out += "<p class=\"cut\">The collector cut this output at its size limit.</p>\n" }
        if !run.stderr.isEmpty { out += "<pre class=\"stderr\">\(e(run.stderr))</pre>\n" }
        return out + "</div></details>\n"
    }
}
