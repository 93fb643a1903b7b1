import KubeModel

/// An `InspectDiff` as text (default), JSON (`aksnet.io/inspect-diff/v1`), Markdown, or an HTML
/// page (the Markdown's content, escaped, in the report's style). Pure.
public enum InspectDiffRenderer {
    public static func render(_ diff: InspectDiff, format: InspectFormat) -> String {
        switch format {
        case .text: return DiffText.render(diff)
        case .json: return diff.json.serialized(indent: 2) + "\n"
        case .markdown: return DiffMarkdown.render(diff)
        case .html: return DiffHTML.render(diff)
        }
    }

    /// `old (context) → new (context)`.
    static func span(_ diff: InspectDiff) -> String {
        func side(_ s: InspectDiff.Snapshot) -> String { s.collectedAt + (s.context.map { " (\($0))" } ?? "") }
        return side(diff.old) + " → " + side(diff.new)
    }

    static func findingLine(_ f: Finding) -> String {
        "\(f.severity.rawValue) \(f.id)" + (f.nodes.isEmpty ? "" : " [\(f.nodes.joined(separator: ", "))]") + ": \(f.title)"
    }

    static func value(_ change: ValueChange) -> String {
        "\(change.key): \(change.old ?? "(none)") → \(change.new ?? "(none)")"
    }

    /// The lines of one node's change as a unified-diff-like list: `# what` headers, `-`/`+` lines.
    static func diffLines(_ node: NodeDiff) -> [String] {
        var lines: [String] = []
        if !node.facts.isEmpty {
            lines.append("# facts")
            for change in node.facts { lines.append("~ " + value(change)) }
        }
        if !node.routes.isEmpty {
            lines.append("# routes")
            lines += node.routes.removed.map { "- " + $0 } + node.routes.added.map { "+ " + $0 }
        }
        for chain in node.rules {
            lines.append("# \(chain.source) \(chain.table) \(chain.chain)" + (chain.status == .changed ? "" : " (chain \(chain.status.rawValue))"))
            if let policy = chain.policy { lines.append("~ " + value(policy)) }
            lines += chain.rules.removed.map { "- " + $0 } + chain.rules.added.map { "+ " + $0 }
        }
        if !node.sysctls.isEmpty {
            lines.append("# sysctls")
            for change in node.sysctls { lines.append("~ " + value(change)) }
        }
        for file in node.cniFiles {
            lines.append("# CNI \(file.path)" + (file.status == .changed ? "" : " (\(file.status.rawValue))"))
            lines += file.lines.removed.map { "- " + $0 } + file.lines.added.map { "+ " + $0 }
        }
        if !node.probes.isEmpty {
            lines.append("# pods of other nodes reached (pod-network-probe)")
            for change in node.probes { lines.append("~ " + value(change)) }
        }
        return lines
    }
}
