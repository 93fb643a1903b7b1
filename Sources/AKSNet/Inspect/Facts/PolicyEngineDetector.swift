import KubeModel

/// The network policy engine: its DaemonSet (azure-npm, calico-node, cilium), the node label
/// `kubernetes.azure.com/network-policy`, and its chains (AZURE-NPM*, cali-*).
enum PolicyEngineDetector {
    static let label = "kubernetes.azure.com/network-policy"

    static func detect(api: APIObjects, states: [NodeState], dataplane: Dataplane) -> (engine: PolicyEngine, evidence: [EvidenceLine]) {
        let daemonSets: [(String, PolicyEngine)] = [("azure-npm", .azureNPM), ("azure-npm-win", .azureNPM), ("calico-node", .calico), ("cilium", .cilium)]
        for (name, engine) in daemonSets {
            if let ds = api.daemonSets.first(where: { APIObjects.name($0) == name }) {
                return (engine, [APIObjects.line(APIEvidenceKeys.kubeSystemDaemonSets, ds, "DaemonSet \(name)")])
            }
        }
        for node in api.nodes {
            guard let value = APIObjects.label(node, label) else { continue }
            let line = APIObjects.line(APIEvidenceKeys.nodes, node, "label \(label)=\(value)", node: APIObjects.name(node))
            switch value {
            case "azure": return (.azureNPM, [line])
            case "calico": return (.calico, [line])
            case "cilium": return (.cilium, [line])
            case "none", "": return (.none, [line])
            default: return (.unknown, [line])
            }
        }
        for state in states {
            for table in state.iptables?.tables ?? [] {
                if let chain = table.chains.first(where: { $0.name.hasPrefix("AZURE-NPM") }) {
                    return (.azureNPM, [state.line(CollectorCommands.iptablesSave, chain.line, chain.text)])
                }
                if let chain = table.chains.first(where: { $0.name.hasPrefix("cali-") }) {
                    return (.calico, [state.line(CollectorCommands.iptablesSave, chain.line, chain.text)])
                }
            }
        }
        if dataplane == .cilium { return (.cilium, []) }
        return (api.nodes.isEmpty && states.isEmpty ? .unknown : .none, [])
    }
}
