/// `-o markdown`: for a ticket or a PR comment. Findings first (a table, then each one's evidence
/// in a code block and its fix), then the cluster facts and pools, then one row per node.
public enum MarkdownReportRenderer {
    public static func render(_ report: InspectReport) -> String {
        var out = "# Cluster network report\n\n"
        out += header(report) + "\n"
        out += findings(report)
        out += MarkdownFacts.cluster(report)
        out += MarkdownFacts.nodes(report)
        return out
    }

    static func header(_ report: InspectReport) -> String {
        var parts: [String] = []
        if let context = report.context { parts.append("context " + MarkdownText.code(context, inTable: false)) }
        if let server = report.server { parts.append("server " + MarkdownText.code(server, inTable: false)) }
        if !report.collectedAt.isEmpty { parts.append("collected " + MarkdownText.inline(report.collectedAt)) }
        parts.append(MarkdownText.inline(report.cluster.networkMode.rawValue))
        var out = parts.joined(separator: " · ") + "\n\n"
        if report.findings.isEmpty {
            out += "**Healthy: no findings.**\n"
        } else {
            out += Finding.Severity.allCases.compactMap { severity in
                let count = report.findings.filter { $0.severity == severity }.count
                return count == 0 ? nil : "**\(count) \(severity.rawValue)\(count == 1 ? "" : "s")**"
            }.joined(separator: ", ") + "\n"
        }
        return out
    }

    static func severityLabel(_ severity: Finding.Severity) -> String {
        switch severity {
        case .error: return "🔴 error"
        case .warning: return "🟡 warning"
        case .info: return "🔵 info"
        }
    }

    static func findings(_ report: InspectReport) -> String {
        guard !report.findings.isEmpty else { return "" }
        var out = "## Findings\n\n"
        out += MarkdownText.table(["#", "Severity", "Id", "Nodes", "Title"], report.findings.enumerated().map { index, finding in
            [String(index + 1), severityLabel(finding.severity), MarkdownText.code(finding.id),
             finding.nodes.map { MarkdownText.inline($0) }.joined(separator: ", "), MarkdownText.inline(finding.title)]
        })
        for (index, finding) in report.findings.enumerated() {
            out += "\n### \(index + 1). \(MarkdownText.inline(finding.id)) (\(finding.severity.rawValue))\n\n"
            out += MarkdownText.inline(finding.title) + "\n\n"
            if !finding.nodes.isEmpty {
                out += (finding.nodes.count == 1 ? "Node: " : "Nodes: ")
                    + finding.nodes.map { MarkdownText.code($0, inTable: false) }.joined(separator: ", ") + "\n\n"
            }
            if !finding.evidence.isEmpty {
                out += MarkdownText.fenced(finding.evidence.flatMap { ["# " + HTMLParts.origin($0), $0.text] }) + "\n"
            }
            if !finding.fix.isEmpty { out += "**Fix:** " + MarkdownText.inline(finding.fix) + "\n" }
        }
        return out + "\n"
    }
}
