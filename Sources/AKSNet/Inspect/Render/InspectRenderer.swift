/// A report as text, JSON, Markdown or HTML. Pure.
public enum InspectRenderer {
    public static func render(_ report: InspectReport, format: InspectFormat, color: Bool) -> String {
        switch format {
        case .json: return report.json.serialized(indent: 2) + "\n"
        case .text: return TextReport(report: report, color: color).render()
        case .markdown: return MarkdownReportRenderer.render(report)
        case .html: return HTMLReportRenderer.render(report)
        }
    }
}
