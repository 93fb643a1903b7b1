/// `--diff -o html`: the text diff in the report's page style, every line escaped.
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
