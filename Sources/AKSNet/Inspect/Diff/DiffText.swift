/// `--diff -o text` (the default): unified-diff-like lines per node.
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
