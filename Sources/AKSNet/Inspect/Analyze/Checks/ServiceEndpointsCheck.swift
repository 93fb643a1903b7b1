import KubeModel

/// `service-no-endpoints`: a Service with a selector has no ready endpoint in its EndpointSlices,
/// so connections to its ClusterIP are rejected. `svc-chain-no-sep`: a KUBE-SVC-* chain jumps to
/// no KUBE-SEP-* chain on a node (kube-proxy has not programmed its endpoints there).
enum ServiceEndpointsCheck: InspectCheck {
    static let id = "service-no-endpoints"
    static let chainID = "svc-chain-no-sep"

    static func run(_ context: AnalysisContext) -> [Finding] {
        serviceFindings(context) + chainFindings(context)
    }

    static func serviceFindings(_ context: AnalysisContext) -> [Finding] {
        guard context.evidence.api[APIEvidenceKeys.endpointSlices] != nil else { return [] }
        var ready: Set<String> = []
        for slice in context.api.endpointSlices {
            guard let service = APIObjects.label(slice, "kubernetes.io/service-name") else { continue }
            let endpoints = slice["endpoints"]?.arrayValue ?? []
            if endpoints.contains(where: { $0["conditions"]?["ready"]?.boolValue ?? true }) {
                ready.insert("\(APIObjects.namespace(slice))/\(service)")
            }
        }
        var findings: [Finding] = []
        for service in context.api.services {
            let spec = service["spec"]
            guard let selector = spec?["selector"]?.objectValue, selector.count > 0, spec?["type"]?.stringValue != "ExternalName",
                  spec?["clusterIP"]?.stringValue != "None" else { continue }
            let key = "\(APIObjects.namespace(service))/\(APIObjects.name(service))"
            guard !ready.contains(key) else { continue }
            let selectorText = selector.map { "\($0.key)=\($0.value.stringValue ?? "")" }.joined(separator: ",")
            findings.append(Finding(
                id: id, severity: .warning, title: "Service \(key) has no ready endpoints",
                nodes: [],
                evidence: [EvidenceLine(node: nil, source: "api:\(APIEvidenceKeys.services)", line: nil,
                                        text: "\(key): clusterIP \(spec?["clusterIP"]?.stringValue ?? "") selector \(selectorText)")],
                fix: "kubectl -n \(APIObjects.namespace(service)) get pods -l \(selectorText) -o wide: no pod matches the selector, or none is Ready "
                    + "(readiness probe); fix the selector or the pods."))
        }
        return findings
    }

    /// One finding per set of empty chains, naming every node that has that set (a 1,000-node
    /// cluster missing one service's endpoints gives one warning, not 1,000).
    static func chainFindings(_ context: AnalysisContext) -> [Finding] {
        var groups: [[String]: (nodes: [String], lines: [EvidenceLine])] = [:]
        var order: [[String]] = []
        for state in context.collected {
            guard !state.truncated(CollectorCommands.iptablesSave), let nat = state.iptables?.table("nat") else { continue }
            var hasSEP: Set<String> = []
            for rule in nat.rules where rule.chain.hasPrefix("KUBE-SVC-") && (rule.target?.hasPrefix("KUBE-SEP-") ?? false) {
                hasSEP.insert(rule.chain)
            }
            // Only chains KUBE-SERVICES jumps to: a declared but unused chain is harmless.
            let used = Set(nat.rules.filter { $0.chain == "KUBE-SERVICES" }.compactMap(\.target))
            let empty = nat.chains.filter { $0.name.hasPrefix("KUBE-SVC-") && used.contains($0.name) && !hasSEP.contains($0.name) }
            guard !empty.isEmpty else { continue }
            let key = empty.map(\.name).sorted()
            if groups[key] == nil {
                order.append(key)
                let emptyNames = Set(key)
                let jumps = nat.rules.filter { $0.chain == "KUBE-SERVICES" && emptyNames.contains($0.target ?? "") }
                groups[key] = ([], jumps.prefix(8).map { state.line(CollectorCommands.iptablesSave, $0.line, $0.text) })
            }
            groups[key]?.nodes.append(state.node)
        }
        return order.compactMap { key in
            guard let group = groups[key] else { return nil }
            let where_ = group.nodes.count == 1 ? "on \(group.nodes[0])" : "on \(group.nodes.count) nodes"
            return Finding(
                id: chainID, severity: .warning,
                title: "\(key.count) service chain(s) \(where_) have no endpoint (KUBE-SEP) rules",
                nodes: group.nodes, evidence: group.lines,
                fix: "The services named in the comments have no ready endpoints, or kube-proxy is behind on those nodes: "
                    + "kubectl get endpointslices -A; kubectl -n kube-system logs -l component=kube-proxy --tail 50.")
        }
    }
}
