import Testing
@testable import AKSNet

/// The HTML, Markdown and diff of reports the analyzer made (from lab-shaped evidence,
/// Support/LabEvidence), not of hand-written findings: the topology marks what the real
/// `missing-route` and `ip-forward-off` checks name.
@Suite struct InspectHTMLFromAnalysisTests {
    static let lab = LabEvidence(plugin: .kubenet, nodes: 3, breaks: [.missingRoute(2), .ipForwardOff(1)])
    static let report = InspectAnalyzer.analyze(lab.evidence)

    @Test func theAnalyzersFindingsAreDrawn() throws {
        #expect(Self.report.findings("missing-route").first?.nodes.first == Self.lab.name(2))
        let html = HTMLReportRenderer.render(Self.report)
        let nodes = MarkupScan.withClass(MarkupScan.tags(html, named: "g"), "node")
        #expect(nodes.count == 3)
        #expect(nodes.filter { $0.classes.contains("broken") }.compactMap { $0.attributes["data-node"] } == [Self.lab.name(1)])
        let missing = MarkupScan.tags(html, named: "line").filter { $0.classes == ["missing-route"] }
        #expect(missing.compactMap { $0.attributes["data-node"] } == [Self.lab.name(2)])
        #expect(html.contains("✗ 10.244.2.0/24 → 10.224.0.6"))
        #expect(html.contains("cbr0 10.244.0.1/24"))
        let articles = MarkupScan.tags(html, named: "article")
        #expect(articles.count == Self.report.findings.count)
    }

    @Test func aHealthyLabDrawsNoRedAndHasNoErrorPill() {
        let html = HTMLReportRenderer.render(InspectAnalyzer.analyze(LabEvidence(plugin: .kubenet).evidence))
        #expect(!html.contains("class=\"missing-route\""))
        #expect(!html.contains("class=\"node broken\""))
        #expect(!html.contains("<span class=\"pill error\">"))
        #expect(MarkupScan.tags(html, named: "line").filter { $0.classes == ["route"] }.count == 3)
    }

    @Test func azureCNIAndOverlayLabsDrawTheirNodes() {
        for plugin in [LabEvidence.Plugin.azure, .overlay] {
            let report = InspectAnalyzer.analyze(LabEvidence(plugin: plugin, breaks: [.missingRoute(0)]).evidence)
            let svg = TopologySVG.render(TopologyModelBuilder.model(report))
            #expect(MarkupScan.withClass(MarkupScan.tags(svg, named: "g"), "node").count == 3, "\(plugin)")
            #expect(!svg.contains("Route table (UDR)"), "\(plugin)")
            if plugin == .azure {
                // Azure CNI: the pod's host route (`ip -j route` writes it without /32) gives its IP.
                let lab = LabEvidence(plugin: .azure)
                #expect(TopologyModelBuilder.model(report).pools.flatMap(\.nodes).map(\.podIPs) == (0..<3).map { [lab.podIP($0)] })
                #expect(svg.contains("1 veth · 1 host route /32") && svg.contains("pods \(lab.podIP(1))"))
            }
            let missing = MarkupScan.tags(svg, named: "line").filter { $0.classes == ["missing-route"] }.compactMap { $0.attributes["data-node"] }
            #expect(missing == (report.findings("missing-route").isEmpty ? [] : [LabEvidence().name(0)]), "\(plugin)")
        }
    }

    @Test func theDiffOfBundlesBeforeAndAfterAFaultNamesTheRouteAndTheFinding() {
        let before = LabEvidence(plugin: .kubenet).evidence
        let after = LabEvidence(plugin: .kubenet, breaks: [.missingRoute(2)]).evidence
        let diff = InspectDiff.diff(old: before, new: after)
        #expect(diff.findingsAppeared.map(\.id) == ["missing-route"])
        #expect(diff.routeTable.removed == ["10.244.2.0/24 → 10.224.0.6"])
        let text = InspectDiffRenderer.render(diff, format: .text)
        #expect(text.contains("10.244.2.0/24 → 10.224.0.6  (pods unreachable: route missing)"))
        // The same healthy lab twice, taken at another time: no change.
        var later = before
        later.collectedAt = "2026-12-05T19:00:00Z"
        for n in later.nodes.indices { for r in later.nodes[n].runs.indices { later.nodes[n].runs[r].durationMs += 17 } }
        #expect(InspectDiff.diff(old: before, new: later).isEmpty)
    }

    /// A viewer: the API-only report. Every node is still drawn (grey, not collected) and the
    /// page and the Markdown say which permission is missing.
    @Test func anAPIOnlyReportDrawsEveryNodeGreyAndNamesWhatIsMissing() {
        var evidence = LabEvidence(plugin: .kubenet).evidence
        evidence.nodes = evidence.nodes.map { NodeEvidence(node: $0.node, collected: false, reason: "no permission to create pods") }
        evidence.missingPermissions = ["create pods", "create pods/exec"]
        let report = InspectAnalyzer.analyze(evidence)
        let html = HTMLReportRenderer.render(report)
        let nodes = MarkupScan.withClass(MarkupScan.tags(html, named: "g"), "node")
        #expect(nodes.count == 3 && nodes.allSatisfy { $0.classes == ["node", "not-collected"] })
        #expect(html.contains("Missing permissions (the node part of the report is absent): <code>create pods</code>, <code>create pods/exec</code>"))
        #expect(MarkdownReportRenderer.render(report).contains("Missing permissions (node state absent): `create pods`, `create pods/exec`"))
    }

    @Test func aDualStackLabShowsBothPodRanges() {
        let report = InspectAnalyzer.analyze(LabEvidence(plugin: .kubenet, dual: true).evidence)
        let model = TopologyModelBuilder.model(report)
        let node = model.pools.flatMap(\.nodes).first
        #expect(node?.ip == LabEvidence().ip(0))
        #expect(node?.podCIDRs.count == 2 && node?.podCIDRs.contains { $0.contains(":") } == true)
        let svg = TopologySVG.render(model)
        // One line per family, both whole.
        for cidr in node?.podCIDRs ?? [] { #expect(svg.contains(">podCIDR \(cidr)<")) }
        #expect(MarkupScan.withClass(MarkupScan.tags(svg, named: "g"), "node").count == 3)
        #expect(MarkupScan.tags(svg, named: "line").filter { $0.classes == ["route"] }.count == 3)
    }
}
