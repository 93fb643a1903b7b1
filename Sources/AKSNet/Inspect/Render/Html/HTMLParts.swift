/// Small pieces the HTML sections share. Every parameter is plain text and escaped here.
enum HTMLParts {
    static func e(_ value: String) -> String { HTMLEscape.text(value) }

    /// A table of rows; `header` nil for a key/value table (first column as `<th>`).
    /// `alertRows`: indexes of rows a finding quotes (drawn red).
    static func table(_ header: [String]?, _ rows: [[String]], className: String? = nil, alertRows: Set<Int> = []) -> String {
        var out = "<table" + (className.map { " class=\"\($0)\"" } ?? "") + ">"
        if let header { out += "<thead><tr>" + header.map { "<th>\(e($0))</th>" }.joined() + "</tr></thead>" }
        out += "<tbody>"
        for (index, row) in rows.enumerated() {
            out += alertRows.contains(index) ? "<tr class=\"alert\">" : "<tr>"
            for (i, cell) in row.enumerated() {
                out += header == nil && i == 0 ? "<th>\(e(cell))</th>" : "<td>\(e(cell))</td>"
            }
            out += "</tr>"
        }
        return out + "</tbody></table>\n"
    }

    static func pluralized(_ count: Int, _ noun: String) -> String { "\(count) \(noun)\(count == 1 ? "" : "s")" }

    /// `node · source:line` as a quoted line's prefix.
    static func origin(_ line: EvidenceLine) -> String {
        [line.node, line.line.map { "\(line.source):\($0)" } ?? line.source].compactMap { $0 }.joined(separator: " · ")
    }

    /// Output shown in the page is bounded: a 100,000-rule dump stays in the bundle, not in the HTML.
    static let maxOutputLines = 400

    static func boundedOutput(_ text: String) -> (shown: String, cutLines: Int) {
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        if lines.last == "" { lines.removeLast() }
        guard lines.count > maxOutputLines else { return (lines.joined(separator: "\n"), 0) }
        return (lines.prefix(maxOutputLines).joined(separator: "\n"), lines.count - maxOutputLines)
    }
}
