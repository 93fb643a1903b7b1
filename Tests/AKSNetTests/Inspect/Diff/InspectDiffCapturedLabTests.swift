import Foundation
import Testing
@testable import AKSNet

/// Diffs of real captures of a 3-node kubenet lab (Fixtures/lab-kubenet-3nodes: healthy, then each
/// `fault set` scenario): the diff names exactly what the fault changed, and nothing on the nodes
/// it did not touch, though their counters moved between the captures.
@Suite struct InspectDiffCapturedLabTests {
    static func node(_ suffix: String) -> String { "aks-nodepool1-26204968-\(suffix)" }
    static func capture(_ scenario: String) throws -> ClusterEvidence {
        try CapturedLab.evidence(InspectCapturedKubenetLabTests.root.appendingPathComponent(scenario))
    }

    @Test func beforeAndAfterMissingRouteNamesTheRouteAndTheNewFinding() throws {
        let healthy = try Self.capture("healthy"), broken = try Self.capture("missing-route")
        let diff = InspectDiff.diff(old: healthy, new: broken)
        #expect(diff.findingsAppeared.map(\.id) == ["missing-route"])
        #expect(diff.findingsAppeared.first?.nodes.first == Self.node("vmss000001"))
        #expect(diff.routeTable == LineChanges(added: [], removed: ["10.244.1.0/24 → 10.224.0.5"]))
        #expect(diff.nodes.map(\.node) == [Self.node("vmss000000"), Self.node("vmss000002")])
        for node in diff.nodes {
            #expect(node.probes == [ValueChange(key: "\(Self.node("vmss000001")) 10.244.1.2", old: "ok", new: "fail")])
            #expect(node.rules.isEmpty && node.routes.isEmpty && node.sysctls.isEmpty && node.facts.isEmpty)
        }
        let text = InspectDiffRenderer.render(diff, format: .text)
        #expect(text.contains("  - 10.244.1.0/24 → 10.224.0.5  (pods unreachable: route missing)"))
        #expect(text.contains("  + appeared  error missing-route [\(Self.node("vmss000001")), "))
        #expect(diff.exitCode == 3)
        let back = InspectDiff.diff(old: broken, new: healthy)
        #expect(back.findingsResolved.map(\.id) == ["missing-route"] && back.routeTable.added == ["10.244.1.0/24 → 10.224.0.5"])
        #expect(back.exitCode == 0)
    }

    @Test func theSameHealthyLabTwiceShowsNoChangeThoughCountersMoved() throws {
        // The no-masquerade capture touched only vmss000000: vmss000001 and vmss000002 are the
        // same healthy nodes captured a minute later (their iptables counters moved).
        let healthy = try Self.capture("healthy"), later = try Self.capture("no-masquerade")
        for suffix in ["vmss000001", "vmss000002"] {
            let name = Self.node(suffix)
            #expect(healthy.node(name)?.run("iptables-save")?.output != later.node(name)?.run("iptables-save")?.output)
        }
        let diff = InspectDiff.diff(old: healthy, new: later)
        #expect(diff.nodes.map(\.node) == [Self.node("vmss000000")])
        var same = later
        same.nodes = same.nodes.map { $0.node == Self.node("vmss000000") ? healthy.node($0.node) ?? $0 : $0 }
        #expect(InspectDiff.diff(old: healthy, new: same).isEmpty)
    }

    /// scenario → the node it changed and a line the text diff must hold for it.
    static let scenarios: [(String, String, String)] = [
        ("ip-forward-off", "vmss000002", "~ net.ipv4.ip_forward: 1 → 0"),
        ("no-masquerade", "vmss000000", "- -A IP-MASQ-AGENT -m comment --comment \"ip-masq-agent: outbound traffic is subject to MASQUERADE (must be last in chain)\" -j MASQUERADE"),
        ("mtu-mismatch", "vmss000001", "~ interface eth0: mtu 1500 up 10.224.0.5/24 → mtu 1400 up 10.224.0.5/24"),
        ("policy-drop", "vmss000002", "+ -A FORWARD -j AKSNET-POLICY-DROP"),
        ("conntrack-full", "vmss000000", "+ -A PREROUTING -j AKSNET-CONNTRACK-FULL"),
    ]

    @Test(arguments: scenarios) func eachFaultIsNamedOnItsNode(scenario: String, node: String, line: String) throws {
        let diff = InspectDiff.diff(old: try Self.capture("healthy"), new: try Self.capture(scenario))
        #expect(diff.findingsAppeared.filter { $0.severity == .error }.map(\.id) == [scenario])
        #expect(diff.findingsAppeared.first?.nodes.first == Self.node(node))
        let text = InspectDiffRenderer.render(diff, format: .text)
        let section = text.components(separatedBy: "\nNode \(Self.node(node)):\n").dropFirst().first?.components(separatedBy: "\nNode ").first ?? ""
        #expect(section.contains(line), "\(text)")
        // Nothing but probes on the other nodes (a fault on one node can make its pods unreachable).
        for other in diff.nodes where other.node != Self.node(node) {
            #expect(other.rules.isEmpty && other.routes.isEmpty && other.sysctls.isEmpty && other.facts.isEmpty && other.cniFiles.isEmpty,
                    "\(other)")
        }
    }
}
