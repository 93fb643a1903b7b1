import Foundation
import TestSupport
import Testing

/// `kubectl aksnet inspect --diff` as a user runs it on one 3-node kubenet lab: two bundles of
/// the healthy lab show no change (though counters moved and time passed); after
/// `fault set missing-route:node3` a live `--diff BEFORE` names node3's podCIDR route and the new
/// error finding (exit 3), and `--diff BEFORE AFTER` of two bundles says the same; `-o html`
/// of the broken lab draws the missing route.
@Suite(.serialized) struct InspectDiffOnLabTests {
    @Test func diffNamesTheRouteAndTheFinding() throws {
        let lab = try InspectLab(["--nodes", "3"])
        defer { lab.down() }
        let nodes = try lab.cluster.nodes()
        try #require(nodes.count == 3)
        let before = lab.dir + "/before.tar.gz", again = lab.dir + "/again.tar.gz", after = lab.dir + "/after.tar.gz"
        for bundle in [before, again] {
            let run = try lab.inspect(["--quiet", "-o", "json", "--bundle", bundle])
            #expect(run.status == 0, "\(run.stderr)")
        }
        let same = try lab.inspect(["--diff", before, again])
        #expect(same.status == 0, "\(same)")
        #expect(!same.stdout.contains("10.244."), "no route changed: \(same.stdout)")

        let set = try lab.lab(["fault", "--dir", lab.dir, "set", "missing-route:node3"])
        #expect(set.status == 0, "\(set)")
        usleep(800_000)
        let cidr = try lab.cluster.k(["get", "node", nodes[2], "-o", "jsonpath={.spec.podCIDR}"]).stdout
        let live = try lab.inspect(["--quiet", "--diff", before, "--bundle", after])
        #expect(live.status == 3, "\(live)")
        #expect(live.stdout.contains(cidr) && live.stdout.contains("missing-route"), "\(live.stdout)")
        let bundles = try lab.inspect(["--diff", before, after, "-o", "json"])
        #expect(bundles.status == 3, "\(bundles)")
        #expect(bundles.stdout.contains(cidr) && bundles.stdout.contains("\"missing-route\""), "\(bundles.stdout)")
        let markdown = try lab.inspect(["--diff", before, after, "-o", "markdown"])
        #expect(markdown.status == 3 && markdown.stdout.contains("missing-route"), "\(markdown)")

        let page = lab.dir + "/report.html"
        let html = try lab.inspect(["--from", after, "-o", "html", "--output-file", page])
        #expect(html.status == 3, "\(html)")
        let text = (try? String(contentsOfFile: page, encoding: .utf8)) ?? ""
        #expect(text.contains("class=\"missing-route\"") && text.contains("data-node=\"\(nodes[2])\""), "the page draws node3's missing route")
        var info = stat()
        #expect(stat(page, &info) == 0 && info.st_mode & 0o777 == 0o600)
        #expect(try lab.waitNoManagedPods() == "")
    }
}
