/// Where each part of a `TopologyModel` goes. Nodes sit in rows of fixed-width columns inside
/// their pool's subnet box; a row wraps after `maxColumns` nodes, so 3 nodes and 100 nodes both
/// stay readable and only the height (the SVG's viewBox) grows. Each row has a bus (the route
/// table, the VNet, the overlay) and one link from it down to each node.
public struct TopologyLayout: Sendable, Equatable {
    public struct Rect: Sendable, Equatable {
        public var x: Int, y: Int, width: Int, height: Int
        public var maxX: Int { x + width }
        public var maxY: Int { y + height }
    }

    public enum BoxKind: String, Sendable {
        case vnet, subnet, services, routeTable = "route-table"
    }

    public struct Box: Sendable, Equatable {
        public var kind: BoxKind
        public var rect: Rect
        public var title: String
        public var lines: [String]
    }

    public struct PlacedNode: Sendable, Equatable {
        public var node: TopologyNode
        public var rect: Rect
    }

    public struct Bus: Sendable, Equatable {
        public var y: Int, x1: Int, x2: Int
        public var label: String
    }

    public struct Link: Sendable, Equatable {
        public var node: String
        public var x: Int, y1: Int, y2: Int
        public var label: String
        public var missing: Bool
    }

    public var width: Int
    public var height: Int
    public var boxes: [Box]
    public var nodes: [PlacedNode]
    public var buses: [Bus]
    public var links: [Link]
    /// Top of the legend strip.
    public var legendY: Int
}

/// Sizes in SVG user units (CSS pixels at 100 %).
public struct TopologyMetrics: Sendable, Equatable {
    public var columnWidth = 236
    /// The tallest node box (6 lines); boxes are as tall as the node with most lines needs.
    public var nodeHeight = 126
    public func nodeHeight(lines: Int) -> Int { min(nodeHeight, 30 + max(lines, 3) * 16) }
    public var gap = 14
    public var maxColumns = 5
    /// Minimum columns of content width, so the header boxes have room at 1 node.
    public var minColumns = 3
    public var margin = 12
    public var vnetPadding = 14
    public var subnetPadding = 12
    public var titleHeight = 26
    public var headerBoxHeight = 62
    /// Bus to node top: room for the link's label.
    public var linkHeight = 34
    public var legendHeight = 22
    /// Monospace characters that fit on a node line (11 px: ~6.7 px each).
    public var nodeLineChars: Int { (columnWidth - 16) * 10 / 67 }

    public init() {}
}

public enum TopologyLayoutEngine {
    public static func layout(_ model: TopologyModel, metrics m: TopologyMetrics = TopologyMetrics()) -> TopologyLayout {
        let widest = model.pools.map(\.nodes.count).max() ?? 0
        let lines = model.pools.flatMap(\.nodes).map { TopologyText.nodeLines($0).count }.max() ?? 0
        let nodeHeight = m.nodeHeight(lines: min(lines, TopologyText.maxNodeLines))
        let columns = max(m.minColumns, min(m.maxColumns, widest))
        let innerWidth = columns * m.columnWidth + (columns - 1) * m.gap
        let subnetWidth = innerWidth + 2 * m.subnetPadding
        let vnetWidth = subnetWidth + 2 * m.vnetPadding
        let vnetX = m.margin, subnetX = vnetX + m.vnetPadding, nodesX = subnetX + m.subnetPadding
        var boxes: [TopologyLayout.Box] = []
        var placed: [TopologyLayout.PlacedNode] = []
        var buses: [TopologyLayout.Bus] = []
        var links: [TopologyLayout.Link] = []

        let vnetTop = m.margin
        var y = vnetTop + m.titleHeight
        // Header: the services' virtual range, and kubenet's route table beside it.
        let headerWidth = model.routeTable == nil ? subnetWidth : (subnetWidth - m.gap) / 2
        boxes.append(.init(kind: .services, rect: .init(x: subnetX, y: y, width: headerWidth, height: m.headerBoxHeight),
                           title: "Services (virtual, on every node)", lines: TopologyText.services(model.services)))
        if let table = model.routeTable {
            boxes.append(.init(kind: .routeTable,
                               rect: .init(x: subnetX + headerWidth + m.gap, y: y, width: subnetWidth - headerWidth - m.gap, height: m.headerBoxHeight),
                               title: "Route table (UDR)", lines: TopologyText.routeTable(table)))
        }
        y += m.headerBoxHeight + m.gap

        for pool in model.pools {
            let subnetTop = y
            y += m.titleHeight
            var index = 0
            while index < pool.nodes.count {
                let row = pool.nodes[index..<min(index + columns, pool.nodes.count)]
                let busY = y + 8
                let rowWidth = row.count * m.columnWidth + (row.count - 1) * m.gap
                buses.append(.init(y: busY, x1: nodesX, x2: nodesX + rowWidth, label: TopologyText.busLabel(model.mode)))
                let nodeTop = busY + m.linkHeight
                for (column, node) in row.enumerated() {
                    let x = nodesX + column * (m.columnWidth + m.gap)
                    placed.append(.init(node: node, rect: .init(x: x, y: nodeTop, width: m.columnWidth, height: nodeHeight)))
                    if node.collected || node.link.missing {
                        links.append(.init(node: node.name, x: x + 18, y1: busY, y2: nodeTop, label: node.link.label, missing: node.link.missing))
                    }
                }
                y = nodeTop + nodeHeight + m.gap
                index += columns
            }
            y += m.subnetPadding - m.gap + 4
            boxes.append(.init(kind: .subnet, rect: .init(x: subnetX, y: subnetTop, width: subnetWidth, height: y - subnetTop),
                               title: TopologyText.poolTitle(pool), lines: []))
            y += m.gap
        }
        let vnetHeight = y - vnetTop - m.gap + m.vnetPadding
        boxes.insert(.init(kind: .vnet, rect: .init(x: vnetX, y: vnetTop, width: vnetWidth, height: vnetHeight),
                           title: TopologyText.vnetTitle(model), lines: []), at: 0)
        let legendY = vnetTop + vnetHeight + 10
        return TopologyLayout(width: vnetWidth + 2 * m.margin, height: legendY + m.legendHeight + m.margin,
                              boxes: boxes, nodes: placed, buses: buses, links: links, legendY: legendY)
    }
}
