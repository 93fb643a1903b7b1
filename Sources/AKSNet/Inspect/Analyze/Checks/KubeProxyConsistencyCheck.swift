/// `kube-proxy-mode-differs`: nodes run kube-proxy in different modes (or not the configured one).
enum KubeProxyConsistencyCheck: InspectCheck {
    static let id = "kube-proxy-mode-differs"

    static func run(_ context: AnalysisContext) -> [Finding] {
        let modes = context.nodes.compactMap { node in node.kubeProxyMode.map { (node.name, $0) } }
        let distinct = Set(modes.map(\.1))
        let configured = context.cluster.kubeProxyMode
        let configuredKnown = configured != .unknown && configured != .none
        guard distinct.count > 1 || (configuredKnown && !distinct.isEmpty && distinct != [configured]) else { return [] }
        let odd = modes.filter { configuredKnown ? $0.1 != configured : $0.1 != majority(modes.map(\.1)) }
        let lines = odd.prefix(10).map { name, mode in
            EvidenceLine(node: name, source: CollectorCommands.kubeProxyMode, line: 1, text: mode.rawValue)
        }
        return [Finding(
            id: id, severity: .warning,
            title: "kube-proxy mode differs between nodes: " + modes.map { "\($0.0)=\($0.1.rawValue)" }.prefix(6).joined(separator: ", "),
            nodes: odd.map(\.0),
            evidence: (context.cluster.evidence["kubeProxyMode"] ?? []) + lines,
            fix: "Restart kube-proxy on those nodes so it reads the current configuration (kubectl -n kube-system delete pod -l component=kube-proxy "
                + "--field-selector spec.nodeName=NODE); a node left in another mode keeps stale rules: reimage it if they persist.")]
    }

    static func majority(_ modes: [KubeProxyMode]) -> KubeProxyMode? {
        var counts: [KubeProxyMode: Int] = [:]
        for mode in modes { counts[mode, default: 0] += 1 }
        return counts.max { $0.value < $1.value || ($0.value == $1.value && $0.key.rawValue > $1.key.rawValue) }?.key
    }
}
