import KubeModel

/// The numbered list `jump` shows on a terminal when NODE is left out, and the reading of the
/// answer. Pure: the command prints `text` on stderr and hands the typed line to `pick`.
public struct NodeMenu: Sendable, Equatable {
    public var nodes: [JumpNode]

    /// Every node, sorted by name (its OS is a column: `--shell` on Windows is a HostProcess PowerShell).
    public init(nodes: [JumpNode]) {
        self.nodes = nodes.sorted { $0.name < $1.name }
    }

    /// `  1) aks-nodepool1-0  10.224.0.4  linux  Ready`, columns aligned, then the prompt.
    public var text: String {
        let number = String(nodes.count).count
        let nameWidth = nodes.map(\.name.count).max() ?? 0
        let ipWidth = nodes.map(\.internalIP.count).max() ?? 0
        var lines: [String] = []
        for (index, node) in nodes.enumerated() {
            let label = String(index + 1)
            let state = node.ready ? "Ready" : "NotReady (\(node.readyReason))"
            lines.append("  " + pad(label, number, left: true) + ") " + pad(node.name, nameWidth) + "  "
                         + pad(node.internalIP.isEmpty ? "-" : node.internalIP, ipWidth) + "  " + node.os + "  " + state)
        }
        return lines.joined(separator: "\n") + "\nnode [1-\(nodes.count)]: "
    }

    public enum Answer: Sendable, Equatable {
        case node(String)
        /// Not a number in range nor a listed name: ask again with this line.
        case again(String)
        /// Nothing typed (end of input or an empty line): stop.
        case cancelled
    }

    /// A number from the list, or a node name or InternalIP as `jump NODE` takes it.
    public func pick(_ line: String?) -> Answer {
        guard let typed = line?.trimmed, !typed.isEmpty else { return .cancelled }
        if typed.allSatisfy(\.isASCII), let number = Int(typed) {
            guard number >= 1, number <= nodes.count else { return .again("pick a number from 1 to \(nodes.count)") }
            return .node(nodes[number - 1].name)
        }
        if let node = JumpNode.match(typed, in: nodes) { return .node(node.name) }
        return .again("no node \"\(typed)\" in the list; type its number")
    }

    private func pad(_ text: String, _ width: Int, left: Bool = false) -> String {
        let fill = String(repeating: " ", count: max(0, width - text.count))
        return left ? fill + text : text + fill
    }
}
