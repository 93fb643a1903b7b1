import Foundation
import Testing
import KubeModel
import TestSupport
@testable import AKSNet

@Suite struct InspectDiffRendererTests {
    static func sample() -> InspectDiff {
        let before = ReportFixture.report(.init(nodes: 3, missingRouteTo: nil, forwardingOff: nil))
        var after = ReportFixture.report(.init(nodes: 3, missingRouteTo: 2, forwardingOff: 1, hostile: nil))
        after.evidence.nodes[0].runs[1].output += "\n*raw\n:PREROUTING ACCEPT [0:0]\n[0:0] -A PREROUTING -m comment --comment \"a|b <i>x</i>\" -j CT --notrack\nCOMMIT\n"
        return InspectDiff.diff(old: before, new: after)
    }

    @Test func jsonCarriesEveryPart() throws {
        let diff = Self.sample()
        let json = try JSONValue.parse(InspectDiffRenderer.render(diff, format: .json))
        #expect(json["apiVersion"] == .string("aksnet.io/inspect-diff/v1"))
        #expect(json["changed"] == .bool(true))
        #expect(json["findingsAppeared"]?.arrayValue?.compactMap { $0["id"]?.stringValue } == ["missing-route", "ip-forward-off"])
        #expect(json["routeTable"]?["removed"] == .array([.string("10.244.2.0/24 → 10.224.0.6")]))
        let nodes = json["nodes"]?.arrayValue ?? []
        let node1 = try #require(nodes.first { $0["node"]?.stringValue == ReportFixture.name(1) })
        #expect(node1["sysctls"]?.arrayValue?.first?["new"] == .string("0"))
        let node0 = try #require(nodes.first { $0["node"]?.stringValue == ReportFixture.name(0) })
        #expect(node0["rules"]?.arrayValue?.first?["table"] == .string("raw"))
        // A built-in chain of a table that appeared: an empty ACCEPT chain before, so "changed".
        #expect(node0["rules"]?.arrayValue?.first?["status"] == .string("changed"))
        #expect(node0["rules"]?.arrayValue?.first?["policy"] == .null)
    }

    @Test func textAndHTML() {
        let diff = Self.sample()
        let text = InspectDiffRenderer.render(diff, format: .text)
        #expect(text.contains("Node \(ReportFixture.name(1)):\n  sysctls:\n    ~ net.ipv4.ip_forward: 1 → 0\n"))
        #expect(text.contains("  iptables-save raw PREROUTING:\n    + -A PREROUTING -m comment --comment \"a|b <i>x</i>\" -j CT --notrack\n"))
        let html = InspectDiffRenderer.render(diff, format: .html)
        #expect(!html.contains("<i>") && html.contains("&lt;i&gt;"))
        #expect(!html.contains("http://") && !html.contains("src="))
        #expect(html.contains("<h2>Node <code>\(ReportFixture.name(1))</code></h2>\n<h3>sysctls</h3>\n<pre class=\"diff\"><span class=\"chg\">~ net.ipv4.ip_forward: 1 → 0</span>\n</pre>"))
        #expect(html.contains("<td>route 10.244.2.0/24 → 10.224.0.6</td><td>present</td><td>missing (pods unreachable)</td>"))
    }

    @Test(.enabled(if: InspectMarkdownReportTests.markdownIt, "needs markdown-it-py in .venv"))
    func markdownRendersTablesAndDiffBlocks() throws {
        let md = InspectDiffRenderer.render(Self.sample(), format: .markdown)
        let (tables, html) = try InspectMarkdownReportTests.render(md)
        #expect(tables.count == 2)
        let findings = try #require(tables.first)
        #expect(findings.first == ["Change", "Severity", "Id", "Nodes", "Title"])
        #expect(findings.dropFirst().map { $0[0] + " " + $0[2] } == ["appeared missing-route", "appeared ip-forward-off"])
        for table in tables { #expect(Set(table.map(\.count)).count == 1) }
        #expect(tables[1].contains(["route 10.244.2.0/24 → 10.224.0.6", "present", "missing (pods unreachable)"]))
        #expect(html.contains("<pre><code class=\"language-diff\"># iptables-save raw PREROUTING\n"))
        #expect(html.contains("+ -A PREROUTING -m comment --comment &quot;a|b &lt;i&gt;x&lt;/i&gt;&quot; -j CT --notrack"))
        #expect(html.contains("! net.ipv4.ip_forward: 1 → 0"))
    }
}
