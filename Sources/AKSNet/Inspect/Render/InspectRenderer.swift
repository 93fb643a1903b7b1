/// A report as text, JSON, Markdown or HTML. Pure.
/// Markdown and HTML are placeholders for now (the text report in a fenced/pre block); the
/// reports work replaces `MarkdownPlaceholder`.
public enum InspectRenderer {
    public static func render(_ report: InspectReport, format: InspectFormat, color: Bool) -> String {
        switch format {
        case .json: return report.json.serialized(indent: 2) + "\n"
        case .text: return TextReport(report: report, color: color).render()
        case .markdown: return MarkdownPlaceholder.markdown(TextReport(report: report, color: false).render())
        case .html: return MarkdownPlaceholder.html(TextReport(report: report, color: false).render())
        }
    }
}

/// PLACEHOLDER until the Markdown/HTML renderers land: the text report, fenced.
enum MarkdownPlaceholder {
    static func markdown(_ text: String) -> String {
        "# aksnet inspect\n\n```text\n" + text + "```\n"
    }

    static func html(_ text: String) -> String {
        let escaped = text.replacingAll("&", "&amp;").replacingAll("<", "&lt;").replacingAll(">", "&gt;")
        return "<!doctype html>\n<html><head><meta charset=\"utf-8\"><title>aksnet inspect</title></head><body><pre>\n" + escaped + "</pre></body></html>\n"
    }
}

extension String {
    func replacingAll(_ target: Character, _ replacement: String) -> String {
        var out = ""
        out.reserveCapacity(count)
        for c in self { if c == target { out += replacement } else { out.append(c) } }
        return out
    }
}
