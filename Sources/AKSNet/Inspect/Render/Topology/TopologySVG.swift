/// `TopologyLayout` → inline SVG (no namespace URL, fonts or references outside the element, so
/// the page loads nothing). Shapes carry classes and `data-node` so tests and CSS can find them:
/// each node `class="node"` (`"node broken"` when forwarding is off, `"node not-collected"`),
/// each route link `class="route"`, a missing one `class="missing-route"` drawn red and dashed.
public enum TopologySVG {
    public static func render(_ model: TopologyModel, metrics: TopologyMetrics = TopologyMetrics()) -> String {
        render(TopologyLayoutEngine.layout(model, metrics: metrics), metrics: metrics)
    }

    public static func render(_ layout: TopologyLayout, metrics: TopologyMetrics = TopologyMetrics()) -> String {
        var out = "<svg class=\"topology\" role=\"img\" aria-label=\"Cluster network topology\" "
        // Drawn up to 1.5× its size: a 3-node picture fills the page, a 100-node one fits it.
        out += "viewBox=\"0 0 \(layout.width) \(layout.height)\" width=\"100%\" style=\"max-width:\(layout.width * 3 / 2)px\">\n"
        for box in layout.boxes { out += self.box(box) }
        for bus in layout.buses {
            out += "<line class=\"bus\" x1=\"\(bus.x1)\" y1=\"\(bus.y)\" x2=\"\(bus.x2)\" y2=\"\(bus.y)\" stroke=\"#5d84ad\" stroke-width=\"3\" stroke-linecap=\"round\"/>\n"
            out += text(bus.label, x: bus.x2 - 4, y: bus.y - 5, size: 10, fill: "#5d84ad", anchor: "end")
        }
        for link in layout.links { out += self.link(link, chars: metrics.nodeLineChars - 1) }
        for placed in layout.nodes { out += node(placed, chars: metrics.nodeLineChars) }
        out += legend(y: layout.legendY, x: metrics.margin)
        out += "</svg>\n"
        return out
    }

    static func box(_ box: TopologyLayout.Box) -> String {
        let r = box.rect
        let (fill, stroke, dash): (String, String, String) = switch box.kind {
        case .vnet: ("#f3f7fb", "#5d84ad", "")
        case .subnet: ("#e6eff8", "#8eb0d2", "")
        case .services: ("#ffffff", "#8a6fbf", " stroke-dasharray=\"5 3\"")
        case .routeTable: ("#ffffff", "#5d84ad", "")
        }
        var out = "<g class=\"box \(box.kind.rawValue)\">"
        out += "<rect x=\"\(r.x)\" y=\"\(r.y)\" width=\"\(r.width)\" height=\"\(r.height)\" rx=\"8\" fill=\"\(fill)\" stroke=\"\(stroke)\" stroke-width=\"1.5\"\(dash)/>"
        let chars = (r.width - 20) * 10 / 67
        let titleSize = box.kind == .vnet ? 14 : 12
        // Bold sans titles: ~0.6 em a character.
        let titleChars = (r.width - 20) * 10 / (titleSize * 6)
        out += text(HTMLEscape.clipped(box.title, to: titleChars), x: r.x + 10, y: r.y + 18, size: titleSize, fill: "#1f3a56", weight: "600")
        for (i, line) in box.lines.enumerated() {
            out += text(HTMLEscape.clipped(line, to: chars), x: r.x + 10, y: r.y + 36 + i * 16, size: 11, fill: "#24292f", mono: true)
        }
        return out + "</g>\n"
    }

    static func link(_ link: TopologyLayout.Link, chars: Int) -> String {
        let name = HTMLEscape.text(link.node)
        var out: String
        if link.missing {
            out = "<line class=\"missing-route\" data-node=\"\(name)\" x1=\"\(link.x)\" y1=\"\(link.y1)\" x2=\"\(link.x)\" y2=\"\(link.y2)\" "
            out += "stroke=\"#cf222e\" stroke-width=\"2.5\" stroke-dasharray=\"6 4\"><title>route missing: \(HTMLEscape.text(link.label))</title></line>\n"
            out += text(HTMLEscape.clipped("✗ " + link.label, to: chars), x: link.x + 8, y: (link.y1 + link.y2) / 2 + 4, size: 11,
                        fill: "#cf222e", weight: "600", mono: true)
        } else {
            out = "<line class=\"route\" data-node=\"\(name)\" x1=\"\(link.x)\" y1=\"\(link.y1)\" x2=\"\(link.x)\" y2=\"\(link.y2)\" "
            out += "stroke=\"#5d84ad\" stroke-width=\"2\"/>\n"
            out += text(HTMLEscape.clipped(link.label, to: chars), x: link.x + 8, y: (link.y1 + link.y2) / 2 + 4, size: 11, fill: "#3d5f80", mono: true)
        }
        return out
    }

    static func node(_ placed: TopologyLayout.PlacedNode, chars: Int) -> String {
        let node = placed.node, r = placed.rect
        let broken = node.forwardingOff
        let cls = broken ? "node broken" : node.collected ? "node" : "node not-collected"
        let (fill, stroke, width, dash): (String, String, String, String) =
            broken ? ("#fff5f5", "#cf222e", "3", "")
            : !node.collected ? ("#f6f8fa", "#8c959f", "1.5", " stroke-dasharray=\"4 3\"")
            : node.worstSeverity == .error ? ("#ffffff", "#cf222e", "2", "")
            : node.worstSeverity == .warning ? ("#ffffff", "#bf8700", "2", "") : ("#ffffff", "#57606a", "1.5", "")
        let alertColour = node.worstSeverity == .warning && !node.forwardingOff ? "#9a6700" : "#cf222e"
        var out = "<g class=\"\(cls)\" data-node=\"\(HTMLEscape.text(node.name))\"><title>\(HTMLEscape.text(node.name))</title>"
        out += "<rect x=\"\(r.x)\" y=\"\(r.y)\" width=\"\(r.width)\" height=\"\(r.height)\" rx=\"6\" fill=\"\(fill)\" stroke=\"\(stroke)\" stroke-width=\"\(width)\"\(dash)/>"
        out += text(HTMLEscape.clippedMiddle(node.name, to: chars * 67 / 78), x: r.x + 8, y: r.y + 18, size: 12, fill: "#1f2328", weight: "600")
        for (i, line) in TopologyText.nodeLines(node).prefix(TopologyText.maxNodeLines).enumerated() {
            out += text(HTMLEscape.clipped(line.text, to: chars), x: r.x + 8, y: r.y + 36 + i * 16, size: 11,
                        fill: line.alert ? alertColour : "#424a53", weight: line.alert ? "600" : nil, mono: true)
        }
        return out + "</g>\n"
    }

    static func legend(y: Int, x: Int) -> String {
        var out = "<g class=\"legend\">"
        out += "<line x1=\"\(x)\" y1=\"\(y + 8)\" x2=\"\(x + 28)\" y2=\"\(y + 8)\" stroke=\"#5d84ad\" stroke-width=\"2\"/>"
        out += text("route", x: x + 34, y: y + 12, size: 11, fill: "#424a53")
        out += "<line x1=\"\(x + 90)\" y1=\"\(y + 8)\" x2=\"\(x + 118)\" y2=\"\(y + 8)\" stroke=\"#cf222e\" stroke-width=\"2.5\" stroke-dasharray=\"6 4\"/>"
        out += text("missing route", x: x + 124, y: y + 12, size: 11, fill: "#424a53")
        out += "<rect x=\"\(x + 220)\" y=\"\(y + 1)\" width=\"24\" height=\"14\" rx=\"3\" fill=\"#fff5f5\" stroke=\"#cf222e\" stroke-width=\"3\"/>"
        out += text("ip_forward=0", x: x + 250, y: y + 12, size: 11, fill: "#424a53")
        out += "<rect x=\"\(x + 340)\" y=\"\(y + 1)\" width=\"24\" height=\"14\" rx=\"3\" fill=\"#ffffff\" stroke=\"#cf222e\" stroke-width=\"2\"/>"
        out += text("error finding", x: x + 370, y: y + 12, size: 11, fill: "#424a53")
        out += "<rect x=\"\(x + 460)\" y=\"\(y + 1)\" width=\"24\" height=\"14\" rx=\"3\" fill=\"#ffffff\" stroke=\"#bf8700\" stroke-width=\"2\"/>"
        out += text("warning", x: x + 490, y: y + 12, size: 11, fill: "#424a53")
        out += "<rect x=\"\(x + 560)\" y=\"\(y + 1)\" width=\"24\" height=\"14\" rx=\"3\" fill=\"#f6f8fa\" stroke=\"#8c959f\" stroke-width=\"1.5\" stroke-dasharray=\"4 3\"/>"
        out += text("not collected", x: x + 590, y: y + 12, size: 11, fill: "#424a53")
        return out + "</g>\n"
    }

    /// A `<text>`; `value` is escaped here.
    static func text(_ value: String, x: Int, y: Int, size: Int, fill: String, weight: String? = nil, anchor: String? = nil,
                     mono: Bool = false) -> String {
        var attributes = "x=\"\(x)\" y=\"\(y)\" font-size=\"\(size)\" fill=\"\(fill)\""
        attributes += mono ? " font-family=\"ui-monospace, 'DejaVu Sans Mono', Menlo, Consolas, monospace\""
            : " font-family=\"system-ui, -apple-system, 'Segoe UI', 'DejaVu Sans', Arial, sans-serif\""
        if let weight { attributes += " font-weight=\"\(weight)\"" }
        if let anchor { attributes += " text-anchor=\"\(anchor)\"" }
        return "<text \(attributes)>\(HTMLEscape.text(value))</text>"
    }
}
