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

enum DiffText {
    static func render(_ diff: InspectDiff) -> String {
        var out = "inspect diff: \(InspectDiffRenderer.span(diff))\n"
        if diff.isEmpty { return out + "no change\n" }
        if !diff.findingsAppeared.isEmpty || !diff.findingsResolved.isEmpty {
            out += "\nFindings:\n"
            for f in diff.findingsAppeared { out += "  + appeared  " + InspectDiffRenderer.findingLine(f) + "\n" }
            for f in diff.findingsResolved { out += "  - resolved  " + InspectDiffRenderer.findingLine(f) + "\n" }
        }
        if !diff.cluster.isEmpty {
            out += "\nCluster:\n"
            for change in diff.cluster { out += "  ~ " + InspectDiffRenderer.value(change) + "\n" }
        }
        if !diff.routeTable.isEmpty {
            out += "\nRoute table (podCIDR → node IP, working):\n"
            for line in diff.routeTable.removed { out += "  - \(line)  (pods unreachable: route missing)\n" }
            for line in diff.routeTable.added { out += "  + \(line)\n" }
        }
        for node in diff.nodesAdded { out += "\nNode \(node): added\n" }
        for node in diff.nodesRemoved { out += "\nNode \(node): removed\n" }
        for node in diff.nodes {
            out += "\nNode \(node.node):\n"
            for line in InspectDiffRenderer.diffLines(node) { out += (line.hasPrefix("#") ? "  " + line.dropFirst(2) + ":" : "    " + line) + "\n" }
        }
        return out
    }
}

enum DiffMarkdown {
    static func render(_ diff: InspectDiff) -> String {
        var out = "# Inspect diff\n\n" + MarkdownText.inline(InspectDiffRenderer.span(diff)) + "\n\n"
        if diff.isEmpty { return out + "**No change.**\n" }
        if !diff.findingsAppeared.isEmpty || !diff.findingsResolved.isEmpty {
            out += "## Findings\n\n"
            let rows = diff.findingsAppeared.map { ("appeared", $0) } + diff.findingsResolved.map { ("resolved", $0) }
            out += MarkdownText.table(["Change", "Severity", "Id", "Nodes", "Title"], rows.map { change, f in
                [change, f.severity.rawValue, MarkdownText.code(f.id), f.nodes.map(MarkdownText.inline).joined(separator: ", "), MarkdownText.inline(f.title)]
            }) + "\n"
        }
        if !diff.cluster.isEmpty || !diff.routeTable.isEmpty || !diff.nodesAdded.isEmpty || !diff.nodesRemoved.isEmpty {
            out += "## Cluster\n\n"
            var rows = diff.cluster.map { [MarkdownText.inline($0.key), MarkdownText.inline($0.old ?? ""), MarkdownText.inline($0.new ?? "")] }
            rows += diff.routeTable.removed.map { ["route " + MarkdownText.inline($0), "present", "**missing** (pods unreachable)"] }
            rows += diff.routeTable.added.map { ["route " + MarkdownText.inline($0), "missing", "present"] }
            rows += diff.nodesAdded.map { ["node " + MarkdownText.inline($0), "", "added"] }
            rows += diff.nodesRemoved.map { ["node " + MarkdownText.inline($0), "removed", ""] }
            out += MarkdownText.table(["What", "Before", "After"], rows) + "\n"
        }
        for node in diff.nodes {
            out += "## Node " + MarkdownText.code(node.node, inTable: false) + "\n\n"
            out += MarkdownText.fenced(InspectDiffRenderer.diffLines(node).map { line in
                // GitHub colours `diff` blocks by the first character; `~` has none: show both sides.
                line.hasPrefix("~ ") ? "! " + line.dropFirst(2) : line
            }, info: "diff") + "\n"
        }
        return out
    }
}

enum DiffHTML {
    static func render(_ diff: InspectDiff) -> String {
        let e = HTMLEscape.text
        var out = "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
        out += "<meta http-equiv=\"Content-Security-Policy\" content=\"\(HTMLReportRenderer.contentSecurityPolicy)\">\n"
        out += "<title>aksnet inspect diff</title>\n<style>\n\(HTMLStyle.css)\n.add { color: #1a7f37; } .del { color: #cf222e; } .chg { color: #9a6700; }\n</style>\n</head>\n<body>\n<main>\n"
        out += "<header class=\"report\"><h1>Inspect diff</h1><div class=\"meta\">\(e(InspectDiffRenderer.span(diff)))</div></header>\n"
        if diff.isEmpty { return out + "<p><span class=\"pill ok\">no change</span></p>\n</main>\n</body>\n</html>\n" }
        for line in DiffText.render(diff).split(separator: "\n", omittingEmptySubsequences: false).dropFirst() where !line.isEmpty {
            let trimmed = line.drop { $0 == " " }
            let cls = trimmed.hasPrefix("+") ? "add" : trimmed.hasPrefix("-") ? "del" : trimmed.hasPrefix("~") ? "chg" : nil
            out += cls.map { "<pre class=\"\($0)\" style=\"margin:0;border:0;padding:0 12px\">\(e(String(line)))</pre>\n" }
                ?? "<h3>\(e(String(line)))</h3>\n"
        }
        return out + "</main>\n</body>\n</html>\n"
    }
}
