/// `--diff -o markdown`: a findings table, a cluster table, a `diff` block per node.
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
