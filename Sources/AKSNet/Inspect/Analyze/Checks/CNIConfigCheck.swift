/// `cni-mode-mismatch`: a node's CNI config stands for another mode than the cluster's;
/// `cni-multiple-configs`: several conflists (containerd uses the first by name);
/// `cni-config-missing`: a collected Linux node without any.
enum CNIConfigCheck: InspectCheck {
    static let id = "cni-mode-mismatch"
    static let multipleID = "cni-multiple-configs"
    static let missingID = "cni-config-missing"

    static func run(_ context: AnalysisContext) -> [Finding] {
        var findings: [Finding] = []
        let mode = context.cluster.networkMode
        for state in context.collected {
            guard let run = state.evidence.run(CollectorCommands.cniConfig), run.succeeded || !run.output.isEmpty else { continue }
            let files = state.cniFiles.filter { $0.fileName.hasSuffix(".conflist") || $0.fileName.hasSuffix(".conf") }
            if files.isEmpty {
                findings.append(Finding(id: missingID, severity: .warning, title: "No CNI config on \(state.node): new pods cannot start there",
                                        nodes: [state.node], evidence: [state.line(CollectorCommands.cniConfig, nil, TextScan.trimmed(run.output.prefix(200)))],
                                        fix: "Check the CNI installer pods (azure-cns, cilium) on \(state.node); reimage the node if /etc/cni/net.d stays empty."))
                continue
            }
            let first = files.sorted { $0.fileName < $1.fileName }[0]
            let header = { (file: FileSection) in state.line(CollectorCommands.cniConfig, file.headerLine, "==> \(file.path) <==") }
            if context.cluster.dataplane != .cilium, mode != .unknown, let fileMode = NetworkModeDetector.mode(ofCNIFile: first),
               !compatible(fileMode, mode) {
                findings.append(Finding(
                    id: id, severity: .warning,
                    title: "\(state.node)'s CNI config \(first.fileName) is \(fileMode.rawValue), the cluster is \(mode.rawValue)",
                    nodes: [state.node], evidence: [header(first)] + (context.cluster.evidence["networkMode"] ?? []).prefix(2),
                    fix: "The node kept another plugin's config (an interrupted migration?): reimage it (az vmss reimage) or upgrade the node image "
                        + "(az aks nodepool upgrade --node-image-only) so it gets the cluster's CNI."))
            }
            let conflists = files.filter { !NetworkModeDetector.isCiliumCNIFile($0) || context.cluster.dataplane != .cilium }
            if conflists.count > 1 {
                findings.append(Finding(
                    id: multipleID, severity: .warning,
                    title: "\(files.count) CNI configs on \(state.node); containerd uses \(first.fileName)",
                    nodes: [state.node], evidence: files.map(header),
                    fix: "Remove the stale config(s) from /etc/cni/net.d on \(state.node), keeping \(first.fileName), or reimage the node."))
            }
        }
        return findings
    }

    /// Node subnet and pod subnet share 10-azure / 15-azure-swift in practice: don't flag between them.
    static func compatible(_ a: NetworkMode, _ b: NetworkMode) -> Bool {
        a == b || (Set([a, b]) == [.azureNodeSubnet, .azurePodSubnet])
    }
}
