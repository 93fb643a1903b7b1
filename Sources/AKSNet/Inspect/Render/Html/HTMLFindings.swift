/// The findings, errors first: severity, id, title, nodes, the quoted evidence and the fix.
enum HTMLFindings {
    static func section(_ report: InspectReport) -> String {
        var out = "<section id=\"findings\"><h2>Findings</h2>\n"
        if report.findings.isEmpty {
            out += "<p><span class=\"pill ok\">no findings</span> Nothing wrong was found in what was collected.</p>\n"
        }
        for (index, finding) in report.findings.enumerated() { out += article(finding, index: index) }
        return out + "</section>\n"
    }

    static func article(_ finding: Finding, index: Int) -> String {
        let e = HTMLParts.e
        let severity = finding.severity.rawValue
        var out = "<article class=\"finding \(severity)\" id=\"finding-\(index + 1)\" data-finding=\"\(e(finding.id))\">\n"
        // Errors open; warnings and info one line each until clicked, so the errors and the
        // picture stay on the first screen.
        out += "<details\(finding.severity == .error ? " open" : "")><summary>"
        out += "<h3><span class=\"pill \(severity) sev\">\(severity)</span><code class=\"id\">\(e(finding.id))</code>"
        out += "<span>\(e(finding.title))</span></h3></summary>\n"
        if !finding.nodes.isEmpty {
            out += "<div class=\"nodes\">\(finding.nodes.count == 1 ? "node" : "nodes"): "
            out += finding.nodes.map { "<code>\(e($0))</code>" }.joined(separator: ", ") + "</div>\n"
        }
        if !finding.evidence.isEmpty {
            out += "<pre class=\"evidence\">"
            out += finding.evidence.map { "<span class=\"src\">\(e(HTMLParts.origin($0)))</span>\n\(e($0.text))" }.joined(separator: "\n")
            out += "</pre>\n"
        }
        if !finding.fix.isEmpty { out += "<div class=\"fix\"><b>Fix:</b> \(e(finding.fix))</div>\n" }
        return out + "</details></article>\n"
    }
}
