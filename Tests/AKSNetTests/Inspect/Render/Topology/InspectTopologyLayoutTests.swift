import Testing
@testable import AKSNet

@Suite struct InspectTopologyLayoutTests {
    static func layout(_ nodes: Int) -> TopologyLayout {
        TopologyLayoutEngine.layout(TopologyModelBuilder.model(ReportFixture.report(.init(nodes: nodes, missingRouteTo: nodes - 1, forwardingOff: 0))))
    }

    static func overlaps(_ a: TopologyLayout.Rect, _ b: TopologyLayout.Rect) -> Bool {
        a.x < b.maxX && b.x < a.maxX && a.y < b.maxY && b.y < a.maxY
    }

    static func inside(_ a: TopologyLayout.Rect, _ b: TopologyLayout.Rect) -> Bool {
        a.x >= b.x && a.y >= b.y && a.maxX <= b.maxX && a.maxY <= b.maxY
    }

    @Test(arguments: [1, 3, 7, 100])
    func nodesSitInTheirSubnetInRowsThatNeverOverlap(nodes: Int) throws {
        let layout = Self.layout(nodes)
        #expect(layout.nodes.count == nodes)
        let vnet = try #require(layout.boxes.first { $0.kind == .vnet })
        let subnets = layout.boxes.filter { $0.kind == .subnet }
        #expect(subnets.count == (nodes > 60 ? 2 : 1))
        for (i, a) in layout.nodes.enumerated() {
            #expect(subnets.contains { Self.inside(a.rect, $0.rect) })
            for b in layout.nodes[(i + 1)...] { #expect(!Self.overlaps(a.rect, b.rect)) }
        }
        for subnet in subnets { #expect(Self.inside(subnet.rect, vnet.rect)) }
        let page = TopologyLayout.Rect(x: 0, y: 0, width: layout.width, height: layout.height)
        #expect(Self.inside(vnet.rect, page) && layout.legendY + 16 <= layout.height)
        // Columns: at most five distinct x positions, at least as many rows as needed.
        let xs = Set(layout.nodes.map(\.rect.x))
        #expect(xs.count == min(nodes, 5))
        #expect(Set(layout.nodes.map(\.rect.y)).count >= (min(nodes, 60) + 4) / 5)
        // Each link ends on the top of its node.
        for link in layout.links {
            let node = try #require(layout.nodes.first { $0.node.name == link.node })
            #expect(link.y2 == node.rect.y && link.x > node.rect.x && link.x < node.rect.maxX)
        }
        #expect(layout.links.filter(\.missing).map(\.node) == [ReportFixture.name(nodes - 1)])
    }

    @Test func widthIsFixedPastFiveColumnsAndHeightGrowsWithRows() {
        let five = Self.layout(5), hundred = Self.layout(100), three = Self.layout(3)
        #expect(five.width == hundred.width)
        #expect(three.width < five.width)
        #expect(hundred.height > 10 * five.height / 2)
    }

    @Test func azureCNINodesListTheirPodsAndGroupThemPastThree() {
        var report = ReportFixture.report(.init(nodes: 2, missingRouteTo: nil, forwardingOff: nil))
        report.cluster.networkMode = .azureNodeSubnet
        for (n, count) in [(0, 2), (1, 12)] {
            report.nodes[n].podCIDRs = []
            report.nodes[n].interfaces = [InterfaceFacts(name: "eth0", role: .nic, mtu: 1500, addresses: ["10.224.0.\(4 + n)/16"])]
                + (0..<count).map { InterfaceFacts(name: "azv\(n)x\($0)", role: .podVeth, kind: "veth", mtu: 1500) }
            report.nodes[n].routes = (0..<count).map { RouteFacts(destination: "10.224.\(n + 1).\($0 + 10)/32", device: "azv\(n)x\($0)") }
        }
        let model = TopologyModelBuilder.model(report)
        let nodes = model.pools.flatMap(\.nodes)
        #expect(model.routeTable == nil)
        #expect(nodes.map(\.podIPs.count) == [2, 12])
        #expect(nodes.map(\.link.kind) == [.vnet, .vnet])
        let svg = TopologySVG.render(model)
        #expect(svg.contains("pods 10.224.1.10, 10.224.1.11"))
        #expect(svg.contains("12 pods (10.224.2.10 …)"))
        #expect(svg.contains("12 veths · 12 host routes /32"))
        #expect(!svg.contains("10.224.2.21"))
    }

    @Test func aNodeThatWasNotCollectedIsDrawnGreyWithItsReason() {
        var report = ReportFixture.report(.init(nodes: 3, missingRouteTo: nil, forwardingOff: nil))
        report.nodes[2].collected = false
        report.notCollected = [NotCollectedNode(node: report.nodes[2].name, reason: "Windows node"), NotCollectedNode(node: "ghost", reason: "NotReady")]
        let svg = TopologySVG.render(TopologyModelBuilder.model(report))
        #expect(svg.contains("<g class=\"node not-collected\" data-node=\"\(ReportFixture.name(2))\">"))
        #expect(svg.contains("<g class=\"node not-collected\" data-node=\"ghost\">"))
        #expect(svg.contains(">Windows node<") && svg.contains(">NotReady<"))
        #expect(MarkupScan.withClass(MarkupScan.tags(svg, named: "g"), "node").count == 4)
    }

    @Test func longNodeNamesKeepTheirEnd() {
        #expect(HTMLEscape.clippedMiddle("aks-nodepool1-12345678-vmss000002", to: 24) == "aks-nodepo…78-vmss000002")
        #expect(HTMLEscape.clippedMiddle("short", to: 24) == "short")
    }
}
