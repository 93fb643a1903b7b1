/// What every check reads: the evidence, each node's parsed runs, and the facts built from them.
struct AnalysisContext {
    let evidence: ClusterEvidence
    let api: APIObjects
    let states: [NodeState]
    let nodes: [NodeFacts]
    let cluster: ClusterFacts

    func facts(_ node: String) -> NodeFacts? { nodes.first { $0.name == node } }
    func state(_ node: String) -> NodeState? { states.first { $0.node == node } }

    /// Nodes that were collected (have runs), Linux only.
    var collected: [NodeState] { states.filter { $0.evidence.collected } }
}

/// A check: evidence and facts in, findings out. Pure; one small file per check.
protocol InspectCheck {
    static func run(_ context: AnalysisContext) -> [Finding]
}

extension Finding {
    /// Errors first, then warnings, then info; by id, then first node, inside each.
    static func ordered(_ a: Finding, _ b: Finding) -> Bool {
        if a.severity != b.severity { return a.severity < b.severity }
        if a.id != b.id { return a.id < b.id }
        return (a.nodes.first ?? "") < (b.nodes.first ?? "")
    }
}

extension IptablesTable {
    /// Chains reachable from `start` through `-j`/`-g` (start included).
    func reachable(from start: String) -> Set<String> {
        var jumps: [String: [String]] = [:]
        for rule in rules { if let target = rule.target { jumps[rule.chain, default: []].append(target) } }
        var seen: Set<String> = [start]
        var queue = [start]
        while let chain = queue.popLast() {
            for target in jumps[chain] ?? [] where !seen.contains(target) {
                seen.insert(target)
                queue.append(target)
            }
        }
        return seen
    }
}
