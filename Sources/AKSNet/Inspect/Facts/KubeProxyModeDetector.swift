import KubeModel

/// kube-proxy's mode: its configmap (`mode:`), its DaemonSet's `--proxy-mode`, the nodes'
/// `/proxyMode` answers and rules; `none` with Cilium and no kube-proxy DaemonSet.
enum KubeProxyModeDetector {
    static func detect(api: APIObjects, nodes: [NodeFacts], states: [NodeState], dataplane: Dataplane) -> (mode: KubeProxyMode, evidence: [EvidenceLine]) {
        let daemonSet = api.daemonSets.first { APIObjects.name($0) == "kube-proxy" }
        for map in api.configMaps where APIObjects.name(map).hasPrefix("kube-proxy") {
            for (key, value) in map["data"]?.objectValue ?? JSONObject() {
                guard let text = value.stringValue, let mode = ConfigText.topLevelValue("mode", in: text) else { continue }
                let line = EvidenceLine(node: nil, source: "api:\(APIEvidenceKeys.kubeSystemConfigMaps)", line: mode.line,
                                        text: "\(APIObjects.name(map)) \(key): mode: \(mode.value)")
                return (KubeProxyMode(configValue: mode.value), [line])
            }
        }
        if let daemonSet {
            let containers = daemonSet["spec"]?["template"]?["spec"]?["containers"]?.arrayValue ?? []
            for argument in containers.flatMap({ APIObjects.strings($0["command"]) + APIObjects.strings($0["args"]) })
            where argument.hasPrefix("--proxy-mode=") {
                let value = String(argument.dropFirst("--proxy-mode=".count))
                return (KubeProxyMode(configValue: value), [APIObjects.line(APIEvidenceKeys.kubeSystemDaemonSets, daemonSet, argument)])
            }
        }
        var counts: [KubeProxyMode: Int] = [:]
        var lines: [EvidenceLine] = []
        for state in states {
            guard let mode = state.kubeProxyMode else { continue }
            counts[mode, default: 0] += 1
            if lines.count < 3, let run = state.evidence.run(CollectorCommands.kubeProxyMode) {
                lines.append(state.line(CollectorCommands.kubeProxyMode, 1, TextScan.trimmed(run.output)))
            }
        }
        if let (mode, _) = counts.max(by: { $0.value < $1.value || ($0.value == $1.value && $0.key.rawValue > $1.key.rawValue) }) {
            return (mode, lines)
        }
        if dataplane == .cilium && daemonSet == nil { return (.none, []) }
        let inferred = nodes.compactMap(\.kubeProxyMode)
        if let first = inferred.first { return (first, []) }
        return (daemonSet == nil && !api.daemonSets.isEmpty ? .none : .unknown, [])
    }
}
