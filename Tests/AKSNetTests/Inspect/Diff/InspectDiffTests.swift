import Testing
import KubeModel
@testable import AKSNet

@Suite struct InspectDiffTests {
    typealias Options = ReportFixture.Options
    static let healthy = Options(nodes: 3, missingRouteTo: nil, forwardingOff: nil)

    static func report(_ o: Options, edit: (inout InspectReport) -> Void = { _ in }) -> InspectReport {
        var report = ReportFixture.report(o)
        edit(&report)
        return report
    }

    /// Replaces text in one node's run output.
    static func edit(_ report: inout InspectReport, node: Int, run id: String, _ old: String, _ new: String) {
        guard let r = report.evidence.nodes[node].runs.firstIndex(where: { $0.id == id }) else {
            Issue.record("no run \(id)")
            return
        }
        let before = report.evidence.nodes[node].runs[r].output
        report.evidence.nodes[node].runs[r].output = before.replacingOccurrences(of: old, with: new)
        #expect(report.evidence.nodes[node].runs[r].output != before, "edit \(id): \(old) not found")
    }

    @Test func twoSnapshotsOfTheSameHealthyClusterShowNoChange() {
        var later = Self.healthy
        later.collectedAt = "2026-12-05T19:30:00Z"
        later.counterBump = 4711
        let a = Self.report(Self.healthy), b = Self.report(later)
        // The evidence differs (counters, conntrack count, durations, time)…
        #expect(a.evidence != b.evidence)
        #expect(a.evidence.nodes[0].run("iptables-save")?.output != b.evidence.nodes[0].run("iptables-save")?.output)
        // …the state does not.
        let diff = InspectDiff.diff(old: a, new: b)
        #expect(diff.isEmpty, "\(diff)")
        #expect(InspectDiffRenderer.render(diff, format: .text).hasSuffix("no change\n"))
        #expect(InspectDiffRenderer.render(diff, format: .markdown).contains("**No change.**"))
        let json = InspectDiffRenderer.render(diff, format: .json)
        #expect((try? JSONValue.parse(json))?["changed"] == .bool(false))
    }

    @Test func aRouteLostBetweenTwoSnapshotsIsNamedWithItsNewFinding() throws {
        let before = Self.report(Self.healthy)
        let after = Self.report(Options(nodes: 3, missingRouteTo: 2, forwardingOff: nil))
        let diff = InspectDiff.diff(old: before, new: after)
        #expect(diff.findingsAppeared.map(\.id) == ["missing-route"])
        #expect(diff.findingsAppeared.first?.nodes.first == ReportFixture.name(2))
        #expect(diff.findingsResolved.isEmpty)
        #expect(diff.routeTable == LineChanges(added: [], removed: ["10.244.2.0/24 → 10.224.0.6"]))
        // Both peers lost the node's pods; nothing else changed on any node.
        #expect(diff.nodes.map(\.node) == [ReportFixture.name(0), ReportFixture.name(1)])
        for node in diff.nodes {
            #expect(node.probes == [ValueChange(key: "\(ReportFixture.name(2)) 10.244.2.2", old: "ok", new: "fail")])
            #expect(node.routes.isEmpty && node.rules.isEmpty && node.sysctls.isEmpty && node.cniFiles.isEmpty && node.facts.isEmpty)
        }
        let text = InspectDiffRenderer.render(diff, format: .text)
        #expect(text.contains("  + appeared  error missing-route [\(ReportFixture.name(2)), "))
        #expect(text.contains("  - 10.244.2.0/24 → 10.224.0.6  (pods unreachable: route missing)"))
        #expect(text.contains("    ~ \(ReportFixture.name(2)) 10.244.2.2: ok → fail"))
        // And back: the finding is resolved, the route works again.
        let back = InspectDiff.diff(old: after, new: before)
        #expect(back.findingsResolved.map(\.id) == ["missing-route"] && back.findingsAppeared.isEmpty)
        #expect(back.routeTable.added == ["10.244.2.0/24 → 10.224.0.6"])
    }

    @Test func rulesByChainWithoutCountersSysctlsRoutesCNIFilesAndNodes() throws {
        let before = Self.report(Self.healthy)
        let after = Self.report(Options(nodes: 4, missingRouteTo: nil, forwardingOff: 1, counterBump: 99)) { r in
            // node 0: MASQUERADE gone, a new service endpoint chain, FORWARD policy DROP, a route added, CNI MTU changed.
            Self.edit(&r, node: 0, run: "iptables-save", #"-m addrtype ! --dst-type LOCAL -j MASQUERADE"#, #"-m addrtype ! --dst-type LOCAL -j RETURN"#)
            Self.edit(&r, node: 0, run: "iptables-save", ":KUBE-SEP-AAAA - [0:0]\n", ":KUBE-SEP-AAAA - [0:0]\n:KUBE-SEP-BBBB - [0:0]\n")
            Self.edit(&r, node: 0, run: "iptables-save", "COMMIT\n# Completed", "[1:60] -A KUBE-SEP-BBBB -p udp -m udp -j DNAT --to-destination 10.244.1.9:53\nCOMMIT\n# Completed")
            Self.edit(&r, node: 0, run: "iptables-save", ":FORWARD ACCEPT", ":FORWARD DROP")
            Self.edit(&r, node: 0, run: "ip-route", #"[{"dst":"default""#, #"[{"dst":"10.99.0.0/16","gateway":"10.224.0.1","dev":"eth0","flags":[]},{"dst":"default""#)
            Self.edit(&r, node: 0, run: "cni-config", #""mtu": 1500"#, #""mtu": 1400"#)
            Self.edit(&r, node: 2, run: "cni-config", "\n}", "\n}\n==> /etc/cni/net.d/99-extra.conf <==\n{\"type\": \"portmap\"}")
        }
        let diff = InspectDiff.diff(old: before, new: after)
        #expect(diff.nodesAdded == [ReportFixture.name(3)] && diff.nodesRemoved.isEmpty)
        #expect(diff.findingsAppeared.map(\.id) == ["ip-forward-off"])
        let node0 = try #require(diff.nodes.first { $0.node == ReportFixture.name(0) })
        #expect(node0.routes == LineChanges(added: ["10.99.0.0/16 via 10.224.0.1 dev eth0"], removed: []))
        let nat = node0.rules.filter { $0.table == "nat" }
        #expect(nat.map(\.chain) == ["KUBE-SEP-BBBB", "POSTROUTING"])
        #expect(nat.first?.status == .added && nat.first?.rules.added == ["-A KUBE-SEP-BBBB -p udp -m udp -j DNAT --to-destination 10.244.1.9:53"])
        #expect(nat.last?.rules.removed.first?.hasSuffix("-j MASQUERADE") == true && nat.last?.rules.added.first?.hasSuffix("-j RETURN") == true)
        #expect(nat.last?.rules.removed.first?.hasPrefix("-A POSTROUTING") == true)
        let filter = node0.rules.filter { $0.table == "filter" }
        #expect(filter.map(\.chain) == ["FORWARD"] && filter.first?.policy == ValueChange(key: "policy", old: "ACCEPT", new: "DROP"))
        #expect(filter.first?.rules.isEmpty == true)
        #expect(node0.cniFiles == [FileDiff(path: "/etc/cni/net.d/10-containerd-net.conflist", status: .changed,
                                            lines: LineChanges(added: [#"  "plugins": [{"type": "bridge", "bridge": "cbr0", "mtu": 1400, "ipam": {"type": "host-local", "subnet": "10.244.0.0/24"}}]"#],
                                                               removed: [#"  "plugins": [{"type": "bridge", "bridge": "cbr0", "mtu": 1500, "ipam": {"type": "host-local", "subnet": "10.244.0.0/24"}}]"#]))])
        #expect(node0.sysctls.isEmpty)
        let node1 = try #require(diff.nodes.first { $0.node == ReportFixture.name(1) })
        #expect(node1.sysctls == [ValueChange(key: "net.ipv4.ip_forward", old: "1", new: "0")])
        #expect(node1.rules.isEmpty && node1.routes.isEmpty)
        let node2 = try #require(diff.nodes.first { $0.node == ReportFixture.name(2) })
        #expect(node2.cniFiles.map(\.status) == [.added] && node2.cniFiles.first?.path == "/etc/cni/net.d/99-extra.conf")
    }

    /// A node whose interfaces got their IPv6 link-local addresses between two runs (a pod's new
    /// veth, or a node just up): the kernel's own fe80::/ff00:: routes are no change of the network.
    @Test func perInterfaceIPv6RoutesAreNoChange() throws {
        let before = Self.report(Self.healthy)
        let after = Self.report(Self.healthy) { r in
            Self.edit(&r, node: 0, run: "ip-route", #"[{"dst":"default""#,
                      #"[{"type":"local","dst":"fe80::205b:e0ff:fe5a:4b4a","table":"local","dev":"cbr0","protocol":"kernel","flags":[]},"#
                      + #"{"dst":"fe80::/64","dev":"vethab12","protocol":"kernel","flags":[]},"#
                      + #"{"type":"multicast","dst":"ff00::/8","table":"local","dev":"cbr0","protocol":"kernel","flags":[]},"#
                      + #"{"dst":"10.99.0.0/16","gateway":"10.224.0.1","dev":"eth0","flags":[]},{"dst":"default""#)
        }
        let diff = InspectDiff.diff(old: before, new: after)
        let node0 = try #require(diff.nodes.first { $0.node == ReportFixture.name(0) })
        #expect(node0.routes == LineChanges(added: ["10.99.0.0/16 via 10.224.0.1 dev eth0"], removed: []), "only the real route")
    }

    @Test func aFailedRunOnOneSideIsNoEvidenceOfRemovedState() {
        let before = Self.report(Self.healthy)
        let after = Self.report(Self.healthy) { r in
            for id in ["iptables-save", "sysctls", "cni-config", "ip-route"] {
                if let i = r.evidence.nodes[0].runs.firstIndex(where: { $0.id == id }) {
                    r.evidence.nodes[0].runs[i].output = ""
                    r.evidence.nodes[0].runs[i].exitCode = 1
                }
            }
        }
        let diff = InspectDiff.diff(old: before, new: after)
        #expect(diff.nodes.allSatisfy { $0.rules.isEmpty && $0.sysctls.isEmpty && $0.cniFiles.isEmpty })
    }

    @Test func linesAreComparedAsMultisets() {
        #expect(LineChanges.between(["a", "b", "a"], ["a", "c"]) == LineChanges(added: ["c"], removed: ["b", "a"]))
        #expect(LineChanges.between(["x", "y"], ["y", "x"]).isEmpty)
    }

    /// Two 100,000-rule dumps (a big cluster's KUBE-SVC/KUBE-SEP chains), one rule changed and
    /// every counter moved: exactly that rule is reported.
    @Test func aHundredThousandRuleDumpDiffsToTheOneRuleThatChanged() throws {
        func dump(bump: Int, changed: Bool) -> String {
            var lines = ["*nat", ":PREROUTING ACCEPT [\(bump):\(bump * 60)]"]
            for i in 0..<1000 { lines.append(":KUBE-SVC-\(i) - [0:0]") }
            for i in 0..<100_000 {
                let target = changed && i == 54_321 ? "10.244.9.9:80" : "10.244.\(i / 250 % 250).\(i % 250):80"
                lines.append("[\(i + bump):\(i * 60 + bump)] -A KUBE-SVC-\(i % 1000) -m statistic --mode random --probability 0.5 -j DNAT --to-destination \(target)")
            }
            lines.append("COMMIT")
            return lines.joined(separator: "\n")
        }
        let clock = ContinuousClock()
        let start = clock.now
        let diffs = RuleDiffer.diff(source: "iptables-save", old: dump(bump: 0, changed: false), new: dump(bump: 99, changed: true))
        let elapsed = clock.now - start
        #expect(diffs.count == 1)
        let chain = try #require(diffs.first)
        #expect(chain.chain == "KUBE-SVC-321" && chain.status == .changed)
        #expect(chain.rules.removed == ["-A KUBE-SVC-321 -m statistic --mode random --probability 0.5 -j DNAT --to-destination 10.244.217.71:80"])
        #expect(chain.rules.added == ["-A KUBE-SVC-321 -m statistic --mode random --probability 0.5 -j DNAT --to-destination 10.244.9.9:80"])
        print("100,000-rule diff: \(elapsed)")
    }
}
