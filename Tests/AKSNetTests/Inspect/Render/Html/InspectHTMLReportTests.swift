import Foundation
import Testing
@testable import AKSNet

@Suite struct InspectHTMLReportTests {
    static let threeNodes = HTMLReportRenderer.render(ReportFixture.report())

    @Test func threeNodeKubenetTopologyMarksTheMissingRouteAndTheNodeThatDoesNotForward() throws {
        let html = Self.threeNodes
        let groups = MarkupScan.tags(html, named: "g")
        let nodes = MarkupScan.withClass(groups, "node")
        #expect(nodes.count == 3)
        #expect(Set(nodes.compactMap { $0.attributes["data-node"] }) == Set((0..<3).map(ReportFixture.name)))
        // Exactly the node with ip_forward=0 is `node broken`.
        #expect(nodes.filter { $0.classes.contains("broken") }.map { $0.attributes["data-node"] } == [ReportFixture.name(1)])
        #expect(html.contains("<g class=\"node broken\" data-node=\"\(ReportFixture.name(1))\">"))
        let lines = MarkupScan.tags(html, named: "line")
        let missing = lines.filter { $0.attributes["class"] == "missing-route" }
        #expect(missing.count == 1)
        #expect(missing.first?.attributes["data-node"] == ReportFixture.name(2))
        #expect(missing.first?.attributes["stroke-dasharray"] != nil && missing.first?.attributes["stroke"] == "#cf222e")
        // The two present routes, labelled with the route table entry podCIDR → node IP.
        let routes = lines.filter { $0.attributes["class"] == "route" }
        #expect(Set(routes.compactMap { $0.attributes["data-node"] }) == [ReportFixture.name(0), ReportFixture.name(1)])
        #expect(html.contains("10.244.0.0/24 → 10.224.0.4"))
        #expect(html.contains("✗ 10.244.2.0/24 → 10.224.0.6"))
        #expect(html.contains("ip_forward = 0"))
        #expect(html.contains("cbr0 10.244.1.1/24 · 4 veths"))
        #expect(html.contains("kube-dns 10.0.0.10") && html.contains("ClusterIP range 10.0.0.0/16"))
    }

    @Test func theViewBoxKeepsItsWidthAndGrowsInHeightFrom3To100Nodes() throws {
        let big = HTMLReportRenderer.render(ReportFixture.report(.init(nodes: 100, missingRouteTo: 42, forwardingOff: 77)))
        let small = try #require(MarkupScan.tags(Self.threeNodes, named: "svg").first.flatMap(MarkupScan.viewBox))
        let large = try #require(MarkupScan.tags(big, named: "svg").first.flatMap(MarkupScan.viewBox))
        let nodes = MarkupScan.withClass(MarkupScan.tags(big, named: "g"), "node")
        #expect(nodes.count == 100)
        #expect(Set(nodes.compactMap { $0.attributes["data-node"] }).count == 100)
        #expect(MarkupScan.tags(big, named: "line").filter { $0.attributes["class"] == "missing-route" }.map { $0.attributes["data-node"] }
                == [ReportFixture.name(42)])
        #expect(nodes.filter { $0.classes.contains("broken") }.map { $0.attributes["data-node"] } == [ReportFixture.name(77)])
        // 3 nodes: three columns; 100: five columns (fixed width) and 20+ rows.
        let m = TopologyMetrics()
        #expect(small.width < large.width)
        #expect(large.width <= 5 * m.columnWidth + 4 * m.gap + 100)
        #expect(large.height > 20 * m.nodeHeight)
        #expect(small.height < 2 * (m.nodeHeight + m.linkHeight + 200))
        // Bounded: 100 nodes' pages (15 runs each, outputs capped) stay small enough to mail.
        #expect(big.utf8.count < 2_000_000, "\(big.utf8.count) bytes")
        // Both pools drawn as subnets.
        #expect(big.contains("pool userpool (user) · 40 nodes · subnet 10.225.0.0/16"))
    }

    @Test func everyStringFromTheClusterIsEscaped() {
        let hostile = "<script>alert(\"x\")</script>&<img src=x onerror=alert(1)>"
        let html = HTMLReportRenderer.render(ReportFixture.report(.init(hostile: hostile)))
        #expect(!html.contains("<script"))
        #expect(!html.contains("<img"))
        #expect(html.contains("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&amp;&lt;img src=x onerror=alert(1)&gt;"))
        // In the evidence <pre>, the pool (SVG and tables) and the raw probe output.
        #expect(MarkupScan.count("&lt;script&gt;", in: html) >= 4)
        #expect(HTMLEscape.text("a'b\u{1}") == "a&#39;b\u{FFFD}")
    }

    @Test func thePageIsSelfContained() {
        // The API server's URL is shown as text (the header); nothing else may name a URL.
        let html = Self.threeNodes.replacingOccurrences(of: "<code>https://127.0.0.1:6443</code>", with: "")
        #expect(html.count < Self.threeNodes.count)
        for forbidden in ["http://", "https://", "<link", "<script", "@import", "@font-face", "url(", "src=", "href=", "<iframe", "<object"] {
            let found = html.contains(forbidden)
            #expect(!found, "found \(forbidden)")
        }
        #expect(html.contains("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none';"))
        #expect(html.contains("<svg class=\"topology\"") && html.contains("<style>"))
    }

    @Test func findingsComeFirstThenTheClusterThenEachNodeCollapsed() throws {
        let html = Self.threeNodes
        let findings = try #require(html.range(of: "<section id=\"findings\">"))
        let cluster = try #require(html.range(of: "<section id=\"cluster\">"))
        let nodes = try #require(html.range(of: "<section id=\"nodes\">"))
        #expect(findings.lowerBound < cluster.lowerBound && cluster.lowerBound < nodes.lowerBound)
        let articles = MarkupScan.tags(html, named: "article")
        #expect(articles.map { $0.attributes["data-finding"] } == ["missing-route", "ip-forward-off", "kubenet-retiring"])
        #expect(articles.map(\.classes) == [["finding", "error"], ["finding", "error"], ["finding", "info"]])
        // Errors open, the rest one line each until clicked.
        #expect(MarkupScan.count("<details open><summary><h3><span class=\"pill error sev\">", in: html) == 2)
        #expect(MarkupScan.count("<details><summary><h3><span class=\"pill info sev\">", in: html) == 1)
        #expect(html.contains("<pre class=\"evidence\"><span class=\"src\">\(ReportFixture.name(1)) · sysctls:1</span>\nnet.ipv4.ip_forward = 0</pre>"))
        #expect(html.contains("<b>Fix:</b> On the node: sysctl -w net.ipv4.ip_forward=1"))
        let details = MarkupScan.tags(html, named: "details")
        #expect(MarkupScan.withClass(details, "node-state").count == 3)
        #expect(MarkupScan.withClass(details, "run").count == 15)
        #expect(!details.contains { $0.classes.contains("node-state") && $0.attributes["open"] != nil })
        #expect(html.contains("<span class=\"pill error\">2 errors</span><span class=\"pill info\">1 info</span>"))
        // The sysctl a finding quotes is red in its node's table, and only there.
        #expect(MarkupScan.count("<tr class=\"alert\"><td>net.ipv4.ip_forward</td><td>0</td></tr>", in: html) == 1)
        #expect(MarkupScan.count("<tr class=\"alert\">", in: html) == 1)
    }

    @Test func longOutputIsBoundedInThePage() {
        var report = ReportFixture.report(.init(nodes: 1, missingRouteTo: nil, forwardingOff: nil))
        let lines = (1...1000).map { "[0:0] -A KUBE-SERVICES -d 10.0.\($0 / 250).\($0 % 250)/32 -j KUBE-SVC-\($0)" }
        report.evidence.nodes[0].runs[1].output = lines.joined(separator: "\n")
        let html = HTMLReportRenderer.render(report)
        #expect(html.contains("KUBE-SVC-400\n") || html.contains("KUBE-SVC-400<"))
        #expect(!html.contains("KUBE-SVC-401"))
        #expect(html.contains("600 more lines not shown"))
    }
}
