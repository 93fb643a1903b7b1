/// `-o html`: one self-contained page (inline CSS and SVG, no script, nothing fetched) an
/// on-call engineer opens in a browser or gets as an e-mail attachment. Findings first, then the
/// cluster (topology picture, facts), then each node's collected state, collapsed.
public enum HTMLReportRenderer {
    /// The page forbids every fetch itself: even a bug that wrote a URL could not load it.
    static let contentSecurityPolicy = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'"

    public static func render(_ report: InspectReport) -> String {
        let e = HTMLParts.e
        let title = "aksnet inspect" + (report.context.map { " — \($0)" } ?? "")
        var out = "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
        out += "<meta http-equiv=\"Content-Security-Policy\" content=\"\(contentSecurityPolicy)\">\n"
        out += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
        out += "<title>\(e(title))</title>\n<style>\n\(HTMLStyle.css)\n</style>\n</head>\n<body>\n<main>\n"
        out += header(report)
        out += HTMLFindings.section(report)
        out += HTMLFacts.section(report)
        out += HTMLNodes.section(report)
        out += "<footer class=\"meta\"><p>\(e(InspectReport.apiVersion)) · made by kubectl aksnet inspect</p></footer>\n"
        out += "</main>\n</body>\n</html>\n"
        return out
    }

    static func header(_ report: InspectReport) -> String {
        let e = HTMLParts.e
        var out = "<header class=\"report\">\n<h1>Cluster network report</h1>\n<div class=\"meta\">"
        var parts: [String] = []
        if let context = report.context { parts.append("context <code>\(e(context))</code>") }
        if let server = report.server { parts.append("server <code>\(e(server))</code>") }
        if !report.collectedAt.isEmpty { parts.append("collected \(e(report.collectedAt))") }
        parts.append(e(report.cluster.networkMode.rawValue) + " · " + HTMLParts.pluralized(report.cluster.nodeCount > 0 ? report.cluster.nodeCount : report.nodes.count, "node"))
        out += parts.joined(separator: " · ") + "</div>\n<div class=\"summary\">"
        let counts = Finding.Severity.allCases.map { severity in (severity, report.findings.filter { $0.severity == severity }.count) }
        if report.findings.isEmpty {
            out += "<span class=\"pill ok\">healthy: no findings</span>"
        } else {
            for (severity, count) in counts where count > 0 {
                out += "<span class=\"pill \(severity.rawValue)\">\(HTMLParts.pluralized(count, severity.rawValue))</span>"
            }
        }
        return out + "</div>\n</header>\n"
    }
}
