/// `--diff -o html`: a page in the report's style (same CSP: nothing fetched): the findings that
/// appeared or were resolved and the cluster changes as tables, then per node each changed part
/// as a coloured diff block. Every string is escaped.
enum DiffHTML {
    static func render(_ diff: InspectDiff) -> String {
        let e = HTMLEscape.text
        var out = "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
        out += "<meta http-equiv=\"Content-Security-Policy\" content=\"\(HTMLReportRenderer.contentSecurityPolicy)\">\n"
        out += "<title>aksnet inspect diff</title>\n<style>\n\(HTMLStyle.css)\n"
        out += "pre.diff .add { color: #1a7f37; } pre.diff .del { color: #cf222e; } pre.diff .chg { color: #9a6700; }\n</style>\n</head>\n<body>\n<main>\n"
        out += "<header class=\"report\"><h1>Inspect diff</h1><div class=\"meta\">\(e(InspectDiffRenderer.span(diff)))</div><div class=\"summary\">"
        out += diff.isEmpty ? "<span class=\"pill ok\">no change</span>"
            : "<span class=\"pill info\">\(HTMLParts.pluralized(diff.nodes.count, "node")) changed</span>"
        out += "</div></header>\n"
        if !diff.findingsAppeared.isEmpty || !diff.findingsResolved.isEmpty {
            out += "<h2>Findings</h2>\n"
            let rows = diff.findingsAppeared.map { ("appeared", $0) } + diff.findingsResolved.map { ("resolved", $0) }
            out += HTMLParts.table(["Change", "Severity", "Id", "Nodes", "Title"], rows.map { change, f in
                [change, f.severity.rawValue, f.id, f.nodes.joined(separator: ", "), f.title]
            })
        }
        var cluster = diff.cluster.map { [$0.key, $0.old ?? "", $0.new ?? ""] }
        cluster += diff.routeTable.removed.map { ["route " + $0, "present", "missing (pods unreachable)"] }
        cluster += diff.routeTable.added.map { ["route " + $0, "missing", "present"] }
        cluster += diff.nodesAdded.map { ["node " + $0, "", "added"] } + diff.nodesRemoved.map { ["node " + $0, "removed", ""] }
        if !cluster.isEmpty { out += "<h2>Cluster</h2>\n" + HTMLParts.table(["What", "Before", "After"], cluster) }
        for node in diff.nodes {
            out += "<h2>Node <code>\(e(node.node))</code></h2>\n"
            var open = false
            for line in InspectDiffRenderer.diffLines(node) {
                if line.hasPrefix("# ") {
                    if open { out += "</pre>\n" }
                    out += "<h3>\(e(String(line.dropFirst(2))))</h3>\n<pre class=\"diff\">"
                    open = true
                } else {
                    let cls = line.hasPrefix("+") ? "add" : line.hasPrefix("-") ? "del" : "chg"
                    out += "<span class=\"\(cls)\">\(e(line))</span>\n"
                }
            }
            if open { out += "</pre>\n" }
        }
        return out + "</main>\n</body>\n</html>\n"
    }
}
