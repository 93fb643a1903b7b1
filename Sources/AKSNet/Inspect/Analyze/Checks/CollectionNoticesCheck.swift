/// Info findings about the collection itself: `command-failed` (a collector command that failed,
/// never fatal), `output-truncated`, `node-not-collected`, `missing-permissions`, `api-read-failed`,
/// and `node-not-ready` (a warning).
enum CollectionNoticesCheck: InspectCheck {
    /// Commands expected to fail on some nodes (no IPVS in iptables mode, no LocalDNS, no legacy backend):
    /// their failure is only worth an info line when they matter.
    static func run(_ context: AnalysisContext) -> [Finding] {
        var findings: [Finding] = []
        // Nodes failing the same commands share one finding (evidence from the first few of them).
        var failures: [[String]: (nodes: [String], lines: [EvidenceLine])] = [:]
        var order: [[String]] = []
        for state in context.states where state.evidence.collected {
            let failed = state.evidence.runs.filter { !$0.succeeded && !optional($0.id, context) }
            guard !failed.isEmpty else { continue }
            let key = failed.map(\.id).sorted()
            if failures[key] == nil { order.append(key); failures[key] = ([], []) }
            failures[key]?.nodes.append(state.node)
            if (failures[key]?.nodes.count ?? 0) <= 3 {
                failures[key]?.lines += failed.map { run in
                    let message = TextScan.lines(run.stderr).first.map { TextScan.trimmed($0) } ?? ""
                    return state.line(run.id, nil, "\(run.argv.joined(separator: " ")): " + (run.exitCode.map { "exit \($0)" } ?? "did not finish")
                                      + (message.isEmpty ? "" : ": \(message)"))
                }
            }
        }
        for key in order {
            guard let group = failures[key] else { continue }
            let where_ = group.nodes.count == 1 ? "on \(group.nodes[0])" : "on \(group.nodes.count) nodes"
            findings.append(Finding(
                id: "command-failed", severity: .info,
                title: "\(key.count) collector command(s) failed \(where_): \(key.joined(separator: ", "))",
                nodes: group.nodes, evidence: group.lines,
                fix: "The checks that read these outputs said nothing for those nodes; run the commands on a node to see why (kubectl aksnet jump \(group.nodes[0]) --shell)."))
        }
        for state in context.states where state.evidence.collected {
            let truncated = state.evidence.runs.filter(\.truncated)
            if !truncated.isEmpty {
                findings.append(Finding(
                    id: "output-truncated", severity: .info,
                    title: "Output cut at the collector's bound on \(state.node): \(truncated.map(\.id).joined(separator: ", "))",
                    nodes: [state.node], evidence: truncated.map { state.line($0.id, nil, $0.argv.joined(separator: " ")) },
                    fix: "Checks read what was kept; run the command on the node for the rest."))
            }
        }
        for item in context.evidence.nodes where !item.collected {
            findings.append(Finding(
                id: "node-not-collected", severity: .info, title: "\(item.node) was not collected: \(item.reason ?? "unknown reason")",
                nodes: [item.node], evidence: [],
                fix: item.hint ?? "Run inspect again once the node is Ready, or name other nodes with node/NAME."))
        }
        if !context.evidence.missingPermissions.isEmpty {
            findings.append(Finding(
                id: "missing-permissions", severity: .info,
                title: "Node state not collected: missing \(context.evidence.missingPermissions.joined(separator: ", "))",
                nodes: [], evidence: [],
                fix: "Ask for a role granting " + context.evidence.missingPermissions.joined(separator: " and ") + " in the namespace inspect uses; the report holds the API-only part."))
        }
        for key in context.evidence.apiErrors.keys.sorted() {
            findings.append(Finding(
                id: "api-read-failed", severity: .info, title: "Could not read \(key): \(context.evidence.apiErrors[key] ?? "")",
                nodes: [], evidence: [EvidenceLine(node: nil, source: "api:\(key)", line: nil, text: context.evidence.apiErrors[key] ?? "")],
                fix: "Facts that need \(key) are unknown; a role with list on it fills them in."))
        }
        for node in context.nodes where node.ready == false {
            findings.append(Finding(
                id: "node-not-ready", severity: .warning, title: "\(node.name) is NotReady",
                nodes: [node.name],
                evidence: node.badConditions.filter { $0.hasPrefix("Ready") }.map {
                    EvidenceLine(node: node.name, source: "api:\(APIEvidenceKeys.nodes)", line: nil, text: "\(node.name): condition \($0)")
                },
                fix: "kubectl describe node \(node.name); check the kubelet and the CNI on it (kubectl aksnet jump \(node.name) --shell)."))
        }
        return findings
    }

    static func optional(_ id: String, _ context: AnalysisContext) -> Bool {
        switch id {
        case CollectorCommands.ipvsadm: return context.cluster.kubeProxyMode != .ipvs
        case CollectorCommands.kubeProxyMode: return context.cluster.dataplane == .cilium || context.cluster.kubeProxyMode == .none
        case CollectorCommands.localDNSCorefile: return !context.cluster.dns.localDNS
        case CollectorCommands.iptablesLegacySave, CollectorCommands.ip6tablesLegacySave, CollectorCommands.nftRuleset: return true
        case CollectorCommands.ip6tablesSave, CollectorCommands.ip6Route, CollectorCommands.ip6Rule: return context.cluster.ipFamilies == .ipv4
        case CollectorCommands.kernelConntrackLog: return true // grep finding nothing exits 1
        case CollectorCommands.cniState, CollectorCommands.netSNMP: return true
        default: return false
        }
    }
}
