import KubeModel

/// Which nodes a run collects, and why the others are not (pure, from the Node objects):
/// Windows nodes are listed with what to run by hand (never a Linux pod on them), NotReady
/// nodes with their Ready condition.
public struct NodeSelection: Sendable, Equatable {
    /// Linux, Ready nodes to collect, in the order asked (or the API's order).
    public var collect: [String]
    /// Nodes listed but not collected, with the reason and a hint.
    public var skipped: [NodeEvidence]

    public static let windowsReason = "Windows node: inspect has no Windows collector yet (no Linux pod is scheduled on it)"
    public static let windowsHint = "on the node (kubectl aksnet jump NODE, RDP or a HostProcess pod), in PowerShell: "
        + "Get-HnsNetwork; Get-HnsEndpoint; Get-NetIPAddress; Get-NetRoute; Get-NetIPInterface | ft ifIndex,InterfaceAlias,NlMtu; "
        + "vfpctrl /list-vmswitch-port; or Microsoft's collect-windows-logs.ps1 (aka.ms/akswindowslogs)"

    /// `names` empty: every node in `nodes`. A named node that does not exist is an error.
    public static func choose(nodes: [JSONValue], names: [String]) throws(InspectError) -> NodeSelection {
        var byName: [String: JSONValue] = [:]
        var order: [String] = []
        for node in nodes {
            guard let name = node.metadataName else { continue }
            if byName[name] == nil { order.append(name) }
            byName[name] = node
        }
        var wanted: [String] = []
        if names.isEmpty {
            wanted = order
        } else {
            for name in names where !wanted.contains(name) {
                guard byName[name] != nil else { throw InspectError.unknownNode(name) }
                wanted.append(name)
            }
        }
        var selection = NodeSelection(collect: [], skipped: [])
        for name in wanted {
            guard let node = byName[name] else { continue }
            if isWindows(node) {
                selection.skipped.append(NodeEvidence(node: name, collected: false, reason: windowsReason, hint: windowsHint))
            } else if let notReady = notReady(node) {
                selection.skipped.append(NodeEvidence(node: name, collected: false, reason: notReady,
                                                      hint: "kubectl describe node \(name); once Ready, run inspect again"))
            } else {
                selection.collect.append(name)
            }
        }
        return selection
    }

    static func isWindows(_ node: JSONValue) -> Bool {
        let labels = node["metadata"]?["labels"]
        let os = labels?["kubernetes.io/os"]?.stringValue ?? labels?["beta.kubernetes.io/os"]?.stringValue
            ?? node["status"]?["nodeInfo"]?["operatingSystem"]?.stringValue ?? "linux"
        return os.lowercased() == "windows"
    }

    /// nil when Ready=True; else one line: `node is NotReady (Ready=Unknown: Kubelet stopped posting node status.)`.
    static func notReady(_ node: JSONValue) -> String? {
        let conditions = node["status"]?["conditions"]?.arrayValue ?? []
        guard let ready = conditions.first(where: { $0["type"]?.stringValue == "Ready" }) else {
            return "node is NotReady (no Ready condition)"
        }
        let status = ready["status"]?.stringValue ?? "Unknown"
        if status == "True" { return nil }
        let message = ready["message"]?.stringValue ?? ready["reason"]?.stringValue ?? ""
        return "node is NotReady (Ready=\(status)\(message.isEmpty ? "" : ": " + message))"
    }
}
