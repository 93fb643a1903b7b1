import Foundation
import Testing
@testable import AKSNet

/// The HTML report opened in a real browser (Debian's `chromium`, headless): what it draws, what
/// it logs and what it asks the network for. `AKSNET_REPORT_SCREENSHOT=PATH` keeps the screenshot
/// (docs/inspect-report.png is made that way).
@Suite(.enabled(if: HeadlessChromium.available, "needs Debian's chromium (install.sh installs it)"), .serialized)
struct InspectHTMLChromiumTests {
    static let python = FileManager.default.currentDirectoryPath + "/.venv/bin/python"

    @Test func theReportLoadsWithNoConsoleErrorAndNoRequestAndDrawsEveryNode() throws {
        let chromium = try HeadlessChromium()
        defer { chromium.remove() }
        let page = try chromium.write("report.html", HTMLReportRenderer.render(ReportFixture.report()))
        let run = try chromium.run(page, label: "dom", extra: ["--dump-dom"])
        #expect(run.result.status == 0, "\(run.result.status) \(run.result.stderr.suffix(2000))")
        #expect(run.consoleLines.isEmpty, "\(run.consoleLines)")
        #expect(run.pageRequests.isEmpty, "\(run.pageRequests)")
        // The DOM the browser built (not our text): one node shape per node, the marked route.
        let dom = run.result.stdout
        let nodes = MarkupScan.withClass(MarkupScan.tags(dom, named: "g"), "node")
        #expect(nodes.count == 3)
        #expect(nodes.filter { $0.classes.contains("broken") }.compactMap { $0.attributes["data-node"] } == [ReportFixture.name(1)])
        let missing = MarkupScan.tags(dom, named: "line").filter { $0.classes == ["missing-route"] }
        #expect(missing.compactMap { $0.attributes["data-node"] } == [ReportFixture.name(2)])
        #expect(MarkupScan.tags(dom, named: "svg").count == 1)
        #expect(MarkupScan.withClass(MarkupScan.tags(dom, named: "details"), "node-state").count == 3)
    }

    /// A real 3-node kubenet lab after `fault set missing-route` on vmss000001, as captured
    /// (Fixtures/lab-kubenet-3nodes/missing-route) and analysed.
    static func capturedMissingRoute() throws -> InspectReport {
        InspectAnalyzer.analyze(try CapturedLab.evidence(InspectCapturedKubenetLabTests.root.appendingPathComponent("missing-route")))
    }

    @Test func aCapturedLabWithAMissingRouteShowsItInTheBrowser() throws {
        let chromium = try HeadlessChromium()
        defer { chromium.remove() }
        let page = try chromium.write("lab.html", HTMLReportRenderer.render(try Self.capturedMissingRoute()))
        let run = try chromium.run(page, label: "lab", extra: ["--dump-dom"])
        #expect(run.consoleLines.isEmpty && run.pageRequests.isEmpty, "\(run.consoleLines) \(run.pageRequests)")
        let dom = run.result.stdout
        let nodes = MarkupScan.withClass(MarkupScan.tags(dom, named: "g"), "node")
        #expect(nodes.compactMap { $0.attributes["data-node"] } == ["vmss000000", "vmss000001", "vmss000002"].map { "aks-nodepool1-26204968-" + $0 })
        #expect(MarkupScan.tags(dom, named: "line").filter { $0.classes == ["missing-route"] }.compactMap { $0.attributes["data-node"] }
                    == ["aks-nodepool1-26204968-vmss000001"])
        #expect(MarkupScan.tags(dom, named: "line").filter { $0.classes == ["route"] }.count == 2)
        #expect(dom.contains("✗ 10.244.1.0/24 → 10.224.0.5"))
    }

    /// The README's sample: the captured lab with its missing route.
    @Test func aScreenshotShowsTheRedMarks() throws {
        let chromium = try HeadlessChromium()
        defer { chromium.remove() }
        let page = try chromium.write("report.html", HTMLReportRenderer.render(try Self.capturedMissingRoute()))
        let png = chromium.directory + "/report.png"
        let run = try chromium.run(page, label: "shot", extra: ["--screenshot=\(png)", "--window-size=1400,2000", "--hide-scrollbars"])
        #expect(run.result.status == 0 && FileManager.default.fileExists(atPath: png), "\(run.result.stderr.suffix(2000))")
        #expect(run.consoleLines.isEmpty && run.pageRequests.isEmpty, "\(run.consoleLines) \(run.pageRequests)")
        if let keep = ProcessInfo.processInfo.environment["AKSNET_REPORT_SCREENSHOT"] {
            _ = try? FileManager.default.removeItem(atPath: keep)
            try FileManager.default.copyItem(atPath: png, toPath: keep)
            // The same report as text, for the README's sample beside the picture.
            try InspectRenderer.render(try Self.capturedMissingRoute(), format: .text, color: false)
                .write(toFile: keep + ".txt", atomically: true, encoding: .utf8)
            try String(contentsOfFile: page, encoding: .utf8).write(toFile: keep + ".html", atomically: true, encoding: .utf8)
        }
        // The pixels are read with the test venv's python (install.sh makes it): no silent skip.
        try #require(FileManager.default.isExecutableFile(atPath: Self.python), "no \(Self.python)")
        // The red of errors (#cf222e: severity pills, the missing route, the broken node's outline).
        let checked = try #require(try PNGCheck.inspect(png, colours: ["cf222e", "ffffff"], python: Self.python))
        #expect(checked.width == 1400 && checked.height == 2000)
        // The control: the same lab captured healthy, same window. Its only red is the legend's
        // samples; the broken one adds the error pill and border, the dashed route, the node outline.
        let healthy = InspectAnalyzer.analyze(try CapturedLab.evidence(InspectCapturedKubenetLabTests.root.appendingPathComponent("healthy")))
        let healthyPage = try chromium.write("healthy.html", HTMLReportRenderer.render(healthy))
        let healthyPNG = chromium.directory + "/healthy.png"
        _ = try chromium.run(healthyPage, label: "healthy", extra: ["--screenshot=\(healthyPNG)", "--window-size=1400,2000", "--hide-scrollbars"])
        let control = try #require(try PNGCheck.inspect(healthyPNG, colours: ["cf222e"], python: Self.python))
        print("red pixels: broken \(checked.counts[0]), healthy \(control.counts[0])")
        #expect(control.counts[0] < 1500, "healthy red pixels: \(control.counts[0])")
        #expect(checked.counts[0] > control.counts[0] + 3000, "red pixels: broken \(checked.counts[0]), healthy \(control.counts[0])")
        #expect(checked.counts[1] > 1400 * 2000 / 4, "the page is mostly white: \(checked.counts[1])")
    }

    /// 100 nodes in two pools: every node drawn, one missing route, one broken node, in the DOM
    /// the browser built. `AKSNET_REPORT_SCREENSHOT_100=PATH` keeps a screenshot of the picture.
    @Test func aHundredNodeReportDrawsEveryNode() throws {
        let chromium = try HeadlessChromium()
        defer { chromium.remove() }
        let report = ReportFixture.report(.init(nodes: 100, missingRouteTo: 42, forwardingOff: 77))
        let page = try chromium.write("report100.html", HTMLReportRenderer.render(report))
        let run = try chromium.run(page, label: "dom100", extra: ["--dump-dom"])
        #expect(run.consoleLines.isEmpty && run.pageRequests.isEmpty, "\(run.consoleLines) \(run.pageRequests)")
        let nodes = MarkupScan.withClass(MarkupScan.tags(run.result.stdout, named: "g"), "node")
        #expect(nodes.count == 100)
        #expect(nodes.filter { $0.classes.contains("broken") }.compactMap { $0.attributes["data-node"] } == [ReportFixture.name(77)])
        #expect(MarkupScan.tags(run.result.stdout, named: "line").filter { $0.classes == ["missing-route"] }
                    .compactMap { $0.attributes["data-node"] } == [ReportFixture.name(42)])
        if let keep = ProcessInfo.processInfo.environment["AKSNET_REPORT_SCREENSHOT_100"] {
            // Only the picture: the SVG alone, as the browser draws it.
            let svg = "<!DOCTYPE html><html><head><meta charset=\"utf-8\"></head><body style=\"margin:0\">"
                + TopologySVG.render(TopologyModelBuilder.model(report)) + "</body></html>"
            let picture = try chromium.write("topology100.html", svg)
            _ = try chromium.run(picture, label: "shot100", extra: ["--screenshot=\(keep)", "--window-size=1400,3600", "--hide-scrollbars"])
        }
    }

    /// The two checks above could fail: a page that fetches is seen in the NetLog, and a page that
    /// breaks its own CSP logs a console line (and fetches nothing).
    @Test func theChecksSeeARequestAndAConsoleError() throws {
        let chromium = try HeadlessChromium()
        defer { chromium.remove() }
        let fetching = try chromium.write("fetching.html", "<!DOCTYPE html><html><body><img src=\"http://example.invalid/a.png\"></body></html>")
        let open = try chromium.run(fetching, label: "fetching", extra: ["--dump-dom"])
        #expect(open.pageRequests == ["http://example.invalid/a.png"])
        let csp = "<meta http-equiv=\"Content-Security-Policy\" content=\"\(HTMLReportRenderer.contentSecurityPolicy)\">"
        let guarded = try chromium.write("guarded.html", "<!DOCTYPE html><html><head>\(csp)</head><body><img src=\"http://example.invalid/b.png\"></body></html>")
        let blocked = try chromium.run(guarded, label: "guarded", extra: ["--dump-dom"])
        #expect(blocked.pageRequests.isEmpty)
        #expect(blocked.consoleLines.count == 1 && blocked.consoleLines.first?.contains("Content Security Policy") == true, "\(blocked.consoleLines)")
    }
}
