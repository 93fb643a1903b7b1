/// A report as text, JSON, Markdown or HTML. Pure.
/// SKELETON (session 4): the analysis work (text, JSON) and the reports work (Markdown, HTML)
/// replace this body.
public enum InspectRenderer {
    public static func render(_ report: InspectReport, format: InspectFormat, color: Bool) -> String {
        switch format {
        case .html: return HTMLReportRenderer.render(report)
        case .markdown: return MarkdownReportRenderer.render(report)
        default: return report.evidence.json.serialized(indent: 2)
        }
    }
}
