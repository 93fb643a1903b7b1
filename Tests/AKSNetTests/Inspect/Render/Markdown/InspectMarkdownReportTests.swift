import Foundation
import Testing
import KubeModel
import TestSupport
@testable import AKSNet

@Suite struct InspectMarkdownReportTests {
    static let python = FileManager.default.currentDirectoryPath + "/.venv/bin/python"
    static var markdownIt: Bool {
        guard FileManager.default.isExecutableFile(atPath: python) else { return false }
        return (try? Shell.run(python, ["-c", "import markdown_it"], timeout: 30).status) == 0
    }

    /// markdown-it-py (CommonMark with GFM tables): every table as its header and row cell
    /// counts, plus the raw HTML, as JSON.
    static let parse = #"""
    import sys, json
    from html.parser import HTMLParser
    from markdown_it import MarkdownIt
    html = MarkdownIt("commonmark").enable("table").render(sys.stdin.read())
    class Tables(HTMLParser):
        def __init__(self):
            super().__init__(); self.tables = []; self.row = None; self.cell = None
        def handle_starttag(self, tag, attrs):
            if tag == "table": self.tables.append([])
            elif tag == "tr": self.row = []
            elif tag in ("td", "th"): self.cell = ""
        def handle_endtag(self, tag):
            if tag == "tr": self.tables[-1].append(self.row)
            elif tag in ("td", "th"): self.row.append(self.cell); self.cell = None
        def handle_data(self, data):
            if self.cell is not None: self.cell += data
    t = Tables(); t.feed(html)
    print(json.dumps({"tables": t.tables, "html": html}))
    """#

    static func render(_ markdown: String) throws -> (tables: [[[String]]], html: String) {
        let result = try Shell.run(python, ["-c", parse], stdin: markdown, timeout: 60)
        guard result.status == 0, let json = try? JSONValue.parse(result.stdout) else {
            Issue.record("markdown-it failed: \(result.stderr.suffix(1000))")
            return ([], "")
        }
        let tables = (json["tables"]?.arrayValue ?? []).map { table in
            (table.arrayValue ?? []).map { row in (row.arrayValue ?? []).compactMap(\.stringValue) }
        }
        return (tables, json["html"]?.stringValue ?? "")
    }

    @Test func findingsComeFirstAsATableThenEvidenceInCodeBlocksAndTheFix() throws {
        let md = MarkdownReportRenderer.render(ReportFixture.report())
        let findings = try #require(md.range(of: "## Findings"))
        let cluster = try #require(md.range(of: "## Cluster"))
        let nodes = try #require(md.range(of: "## Nodes"))
        #expect(findings.lowerBound < cluster.lowerBound && cluster.lowerBound < nodes.lowerBound)
        #expect(md.contains("| 2 | 🔴 error | `ip-forward-off` | aks-nodepool1-12345678-vmss000001 | IP forwarding is off on aks-nodepool1-12345678-vmss000001 |"))
        #expect(md.contains("```text\n# aks-nodepool1-12345678-vmss000001 · sysctls:1\nnet.ipv4.ip_forward = 0\n```"))
        // The fix text holds a `|`: escaped in a paragraph too.
        #expect(md.contains("**Fix:** az network route-table route create … --address-prefix 10.244.2.0/24 --next-hop-ip-address 10.224.0.6 \\| check"))
    }

    @Test func pipesAndMarkupFromTheClusterStayInTheirCells() {
        #expect(MarkdownText.inline("a|b") == "a\\|b")
        #expect(MarkdownText.inline("x\\|y") == "x\\\\\\|y")
        #expect(MarkdownText.inline("<b>*x*</b>\nnext") == "\\<b\\>\\*x\\*\\</b\\> next")
        #expect(MarkdownText.code("a`b|c") == "``a`b\\|c``")
        #expect(MarkdownText.fenced(["```inner```"]) == "````text\n```inner```\n````\n")
    }

    @Test(.enabled(if: InspectMarkdownReportTests.markdownIt, "needs markdown-it-py in .venv (install.sh installs it)"))
    func everyTableRendersAsATableWithItsCellsIntact() throws {
        let hostile = "pool|with|pipes <script>alert(1)</script> `tick` \\|"
        let md = MarkdownReportRenderer.render(ReportFixture.report(.init(hostile: hostile)))
        let (tables, html) = try Self.render(md)
        // Findings, cluster facts, node pools, nodes.
        #expect(tables.count == 4)
        for table in tables {
            let widths = Set(table.map(\.count))
            #expect(widths.count == 1, "a row with a different cell count: \(table)")
        }
        let findings = try #require(tables.first)
        #expect(findings.first == ["#", "Severity", "Id", "Nodes", "Title"])
        #expect(findings.dropFirst().map { $0[2] } == ["missing-route", "ip-forward-off", "kubenet-retiring"])
        #expect(findings.count == 4)
        let pools = tables[2]
        #expect(pools.count == 2 && pools[1][0] == hostile)
        let nodes = tables[3]
        #expect(nodes.count == 4 && nodes[1][1] == hostile && nodes[1][0] == ReportFixture.name(0))
        #expect(!html.contains("<script"))
        #expect(html.contains("&lt;script&gt;"))
        // The evidence (the hostile line) is a code block, verbatim.
        #expect(html.contains("<pre><code class=\"language-text\"># aks-nodepool1-12345678-vmss000001 · sysctls:1\n"
                              + HTMLEscape.text(hostile).replacingOccurrences(of: "&#39;", with: "'") + "\n</code></pre>"))
    }

    @Test(.enabled(if: InspectMarkdownReportTests.markdownIt, "needs markdown-it-py in .venv"))
    func theCheckSeesABrokenTable() throws {
        // Unescaped pipes split a cell: the parser-based check above would catch it.
        let (tables, _) = try Self.render("| a | b |\n| --- | --- |\n| x|y | z |\n")
        #expect(tables.first?.last == ["x", "y"])
    }
}
