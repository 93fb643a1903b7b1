import KubeModel

/// The network mode from node labels (the API, always readable) and CNI config files (the nodes).
/// Labels win; the CNI file decides when labels say nothing; the `cni-mode-mismatch` check
/// reports a node whose file disagrees.
enum NetworkModeDetector {
    struct Result {
        var mode: NetworkMode
        var dataplane: Dataplane
        var evidence: [EvidenceLine]
        /// What the labels alone said (nil: nothing).
        var fromLabels: NetworkMode?
    }

    static let overlayLabel = "kubernetes.azure.com/azure-cni-overlay"
    static let podNetworkTypeLabel = "kubernetes.azure.com/podnetwork-type"
    static let podSubnetLabel = "kubernetes.azure.com/podnetwork-subnet"
    static let ebpfLabel = "kubernetes.azure.com/ebpf-dataplane"

    /// The mode a CNI config file name (or its content) stands for.
    static func mode(ofCNIFile file: FileSection) -> NetworkMode? {
        switch file.fileName {
        case "15-azure-swift-overlay.conflist": return .azureOverlay
        case "15-azure-swift.conflist": return .azurePodSubnet
        case "10-azure.conflist": return .azureNodeSubnet
        case "10-containerd-net.conflist": return .kubenet
        default:
            let content = file.content
            if content.contains("\"cbr0\"") || content.contains("\"name\": \"kubenet\"") { return .kubenet }
            if content.contains("v4overlay") { return .azureOverlay }
            if content.contains("azure-vnet") { return .azureNodeSubnet }
            return nil
        }
    }

    static func isCiliumCNIFile(_ file: FileSection) -> Bool { file.fileName == "05-cilium.conflist" || file.fileName.hasSuffix("-cilium.conflist") }

    static func detect(api: APIObjects, states: [NodeState]) -> Result {
        var result = Result(mode: .unknown, dataplane: .kubeProxy, evidence: [], fromLabels: nil)
        let linux = api.nodes.filter { (APIObjects.label($0, "kubernetes.io/os") ?? "linux") == "linux" }
        for node in linux {
            let name = APIObjects.name(node)
            func labelLine(_ key: String, _ value: String) -> EvidenceLine {
                APIObjects.line(APIEvidenceKeys.nodes, node, "label \(key)=\(value)", node: name)
            }
            if let value = APIObjects.label(node, ebpfLabel), value == "cilium" {
                result.dataplane = .cilium
                result.evidence.append(labelLine(ebpfLabel, value))
            }
            guard result.fromLabels == nil else { continue }
            if let value = APIObjects.label(node, overlayLabel), value == "true" {
                result.fromLabels = .azureOverlay
                result.evidence.append(labelLine(overlayLabel, value))
            } else if let value = APIObjects.label(node, podNetworkTypeLabel) {
                if value == "overlay" {
                    result.fromLabels = .azureOverlay
                } else if APIObjects.label(node, podSubnetLabel) != nil {
                    result.fromLabels = .azurePodSubnet
                } else {
                    result.fromLabels = .azureNodeSubnet
                }
                result.evidence.append(labelLine(podNetworkTypeLabel, value))
            } else if let value = APIObjects.label(node, podSubnetLabel) {
                result.fromLabels = .azurePodSubnet
                result.evidence.append(labelLine(podSubnetLabel, value))
            }
        }
        var fromFiles: NetworkMode?
        for state in states {
            for file in state.cniFiles {
                let header = state.line(CollectorCommands.cniConfig, file.headerLine, "==> \(file.path) <==")
                if isCiliumCNIFile(file) {
                    if result.dataplane != .cilium { result.evidence.append(header) }
                    result.dataplane = .cilium
                } else if fromFiles == nil, let mode = mode(ofCNIFile: file) {
                    fromFiles = mode
                    result.evidence.append(header)
                }
            }
        }
        if api.daemonSets.contains(where: { APIObjects.name($0) == "cilium" }), result.dataplane != .cilium {
            result.dataplane = .cilium
            if let ds = api.daemonSets.first(where: { APIObjects.name($0) == "cilium" }) {
                result.evidence.append(APIObjects.line(APIEvidenceKeys.kubeSystemDaemonSets, ds, "DaemonSet cilium"))
            }
        }
        if let labels = result.fromLabels {
            result.mode = labels
        } else if let files = fromFiles {
            result.mode = files
        } else if let node = linux.first(where: { $0["spec"]?["podCIDR"]?.stringValue != nil }) {
            // AKS gives nodes a podCIDR only with kubenet and overlay; overlay nodes carry its label.
            result.mode = .kubenet
            result.evidence.append(APIObjects.line(APIEvidenceKeys.nodes, node, "spec.podCIDR \(node["spec"]?["podCIDR"]?.stringValue ?? "") and no Azure CNI label", node: APIObjects.name(node)))
        }
        return result
    }
}
